"""REST /api/v1 over HTTP: scopes per endpoint, the UI's search and messages, writes (issue 15)."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from admin_portal import db
from admin_portal.api.rest.routes import rest_routes
from admin_portal.auth.permissions import load_actor
from admin_portal.config import get_settings
from admin_portal.i18n import EN, SV
from admin_portal.models import AuditEvent, BackgroundJob, User, UserStatus
from admin_portal.services.api_clients import create_api_client
from admin_portal.services.auth.rate_limits import reset_rate_limits
from tests.support.factories import make_user
from tests.support.world import build_care_frame


@pytest.fixture
def app_db(app_db: None) -> None:
    """The shared app database (tests/conftest.py), with fresh rate-limit counters."""
    reset_rate_limits()


@pytest.fixture
def world(app_db: None) -> dict:
    with db.session_scope() as session:
        # The frame: nobody in the organisation but its head admin (the users list counts).
        base = build_care_frame(session, head_username="head", unit_a_name="Hemtjänst Väst")
        company, unit, head = base.company, base.unit_a, base.head
        person = make_user(
            session, company, username="anna.berg", email="anna@example.se", unit=unit
        )
        stranger = make_user(session, base.other_company, username="stranger")
        actor = load_actor(session, head.id)
        secrets = {
            scopes: create_api_client(session, actor=actor, name=scopes, scopes=scopes.split())
            for scopes in ("users:read", "users:write", "users:read users:write", "scim")
        }
        return {
            "read": secrets["users:read"].secret,
            "write": secrets["users:write"].secret,
            "both": secrets["users:read users:write"].secret,
            "scim": secrets["scim"].secret,
            "person": person.id,
            "stranger": stranger.id,
            "head": head.id,
            "company": company.id,
            "unit": unit.id,
        }


@pytest.fixture
def client(world: dict) -> TestClient:
    return TestClient(Starlette(routes=rest_routes), base_url="http://portal.test")


def _h(secret: str, lang: str = "sv") -> dict[str, str]:
    return {"authorization": f"Bearer {secret}", "accept-language": lang}


# (method, path template, scope needed)
ENDPOINTS = [
    ("GET", "/api/v1/users", "users:read"),
    ("GET", "/api/v1/users/{person}", "users:read"),
    ("GET", "/api/v1/units", "users:read"),
    ("GET", "/api/v1/units/{unit}", "users:read"),
    ("GET", "/api/v1/jobs/1", "users:read"),
    ("POST", "/api/v1/users", "users:write"),
    ("PATCH", "/api/v1/users/{person}", "users:write"),
    ("DELETE", "/api/v1/users/{person}", "users:write"),
    ("POST", "/api/v1/users/{person}/restore", "users:write"),
    ("POST", "/api/v1/users/{person}/verification", "users:write"),
    ("POST", "/api/v1/verification/bulk", "users:write"),
    ("POST", "/api/v1/invitations", "users:write"),
    ("POST", "/api/v1/invitations/1/resend", "users:write"),
    ("POST", "/api/v1/invitations/1/revoke", "users:write"),
]


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS)
def test_every_endpoint_needs_its_scope(
    client: TestClient, world: dict, method: str, path: str, scope: str
) -> None:
    url = path.format(**world)
    assert client.request(method, url).status_code == 401
    assert client.request(method, url, headers=_h("apc_forged")).status_code == 401
    # The scim scope and the other users scope do not open this endpoint.
    wrong = "write" if scope == "users:read" else "read"
    for secret in (world["scim"], world[wrong]):
        refused = client.request(method, url, headers=_h(secret), json={})
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "api.forbidden_scope"
    with db.session_scope() as session:
        person = session.get(User, world["person"])
        assert person is not None and person.status == UserStatus.ACTIVE


def test_the_users_list_is_the_uis_search_with_cursor_paging(
    client: TestClient, world: dict
) -> None:
    for n in range(5):
        created = client.post(
            "/api/v1/users",
            headers=_h(world["both"]),
            json={
                "first_name": "Test",
                "last_name": f"Person{n}",
                "username": f"tp{n}",
                "company_id": world["company"],
            },
        )
        assert created.status_code == 201, created.text
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params: dict = {"page_size": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/users", headers=_h(world["read"]), params=params).json()
        seen += [u["username"] for u in page["users"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7  # head, anna.berg and five new, three a page
    found = client.get("/api/v1/users", headers=_h(world["read"]), params={"text": "anna"}).json()
    assert [u["username"] for u in found["users"]] == ["anna.berg"]


def test_errors_carry_a_code_and_the_uis_message_in_both_languages(
    client: TestClient, world: dict
) -> None:
    body = {
        "first_name": "A",
        "last_name": "B",
        "username": "anna.berg",
        "company_id": world["company"],
    }
    sv = client.post("/api/v1/users", headers=_h(world["write"]), json=body)
    en = client.post("/api/v1/users", headers=_h(world["write"], "en"), json=body)
    assert sv.status_code == en.status_code == 409
    field = sv.json()["error"]["fields"]["username"]
    assert field["message"] == SV[field["code"]]
    assert en.json()["error"]["fields"]["username"]["message"] == EN[field["code"]]
    assert (
        client.get(f"/api/v1/users/{world['stranger']}", headers=_h(world["read"])).status_code
        == 404
    )
    bad = client.post("/api/v1/users", headers=_h(world["write"]), content=b"{oops")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "api.malformed_json"


def test_remove_restore_and_no_admin_targets(client: TestClient, world: dict) -> None:
    path = f"/api/v1/users/{world['person']}"
    assert client.patch(path, headers=_h(world["write"]), json={"mobile": ""}).status_code == 200
    assert client.delete(path, headers=_h(world["write"])).status_code == 204
    assert client.get(path, headers=_h(world["read"])).status_code == 404
    restored = client.post(f"{path}/restore", headers=_h(world["both"]), json={})
    assert restored.status_code == 200, restored.text
    head = f"/api/v1/users/{world['head']}"
    refused = client.delete(head, headers=_h(world["write"]))
    assert (
        refused.status_code == 403 and refused.json()["error"]["code"] == "api.admin_out_of_reach"
    )
    admin = client.post(
        "/api/v1/users",
        headers=_h(world["write"]),
        json={
            "first_name": "A",
            "last_name": "B",
            "username": "newadmin",
            "user_type": "administrator",
            "company_id": world["company"],
        },
    )
    assert admin.status_code in (400, 403, 422)


def test_bulk_verification_returns_a_job_to_poll(client: TestClient, world: dict) -> None:
    started = client.post(
        "/api/v1/verification/bulk", headers=_h(world["both"]), json={"email_state": "unverified"}
    )
    assert started.status_code == 202, started.text
    job = client.get(started.json()["poll"], headers=_h(world["both"]))
    assert job.status_code == 200 and job.json()["kind"]
    with db.session_scope() as session:
        assert session.exec(select(BackgroundJob)).first() is not None
        calls = session.exec(
            select(AuditEvent).where(AuditEvent.action == "bulk_verification_started")
        ).all()
        assert calls and calls[0].actor_api_client_id is not None


def test_an_oversized_body_is_refused(
    client: TestClient, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADMIN_PORTAL_API_MAX_BODY_BYTES", "100")
    get_settings.cache_clear()
    response = client.post("/api/v1/users", headers=_h(world["write"]), json={"notes": "x" * 200})
    assert response.status_code == 413 and response.json()["error"]["code"] == "api.body_too_large"


def test_openapi_document_is_served(client: TestClient, world: dict) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1") and "/users" in doc["paths"]

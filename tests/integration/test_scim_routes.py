"""SCIM 2.0 over HTTP: credentials, scopes, Users CRUD, filters, paging, errors (issue 15)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import SQLModel, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from admin_portal import db
from admin_portal.api.scim.routes import scim_routes
from admin_portal.auth.permissions import load_actor
from admin_portal.config import get_settings
from admin_portal.models import AuditEvent, Role, User, UserStatus
from admin_portal.services.api_clients import create_api_client, revoke_api_client
from admin_portal.services.auth.rate_limits import reset_rate_limits
from tests.support.factories import grant, make_user
from tests.support.world import build_care_world

SCIM = "application/scim+json"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ADMIN_PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'scim.db'}")
    monkeypatch.setenv("ADMIN_PORTAL_API_MAX_BODY_BYTES", "4096")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    SQLModel.metadata.create_all(db.get_engine())
    reset_rate_limits()
    yield
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def world(app_db: None) -> dict:
    with db.session_scope() as session:
        base = build_care_world(
            session,
            head_username="head",
            company_name="Omsorg Syd",
            unit_b_name="Hemtjänst Väst",
            other_head_username="otherhead",
        )
        # unit_b: nobody of the shared world is placed there, so its only member is unit_admin.
        company, unit, head = base.company, base.unit_b, base.head
        unit_admin = make_user(session, company, username="unitadmin", unit=unit)
        grant(session, unit_admin, Role.ADMIN, unit=unit)
        other_company, other_head = base.other_company, base.other_head
        stranger = make_user(session, other_company, username="stranger")
        actor = load_actor(session, head.id)
        other_actor = load_actor(session, other_head.id)
        scim = create_api_client(session, actor=actor, name="Entra", scopes=["scim"])
        read = create_api_client(session, actor=actor, name="HR", scopes=["users:read"])
        other_scim = create_api_client(session, actor=other_actor, name="X", scopes=["scim"])
        revoked = create_api_client(session, actor=actor, name="Old", scopes=["scim"])
        revoke_api_client(session, actor=actor, client_id=revoked.id)
        return {
            "scim": scim.secret,
            "scim_id": scim.id,
            "read": read.secret,
            "other_scim": other_scim.secret,
            "revoked": revoked.secret,
            "stranger_id": stranger.id,
            "unit_admin_id": unit_admin.id,
            "unit_id": unit.id,
            "head_id": head.id,
        }


@pytest.fixture
def client(world: dict) -> TestClient:
    return TestClient(Starlette(routes=scim_routes), base_url="http://portal.test")


def _h(secret: str) -> dict[str, str]:
    return {"authorization": f"Bearer {secret}", "content-type": SCIM}


def _new_user(name: str = "bjensen", extra: dict | None = None) -> dict:
    body = {
        "schemas": [CORE, ENTERPRISE],
        "userName": name,
        "externalId": f"ext-{name}",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": f"{name}@example.se", "primary": True, "type": "work"}],
        "active": True,
        ENTERPRISE: {"department": "Hemtjänst Väst", "organization": "Omsorg Syd"},
    }
    body.update(extra or {})
    return body


def _assert_error(response, status: int, scim_type: str | None = None) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(SCIM)
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type


@pytest.mark.parametrize("who", [None, "garbage", "revoked"])
def test_missing_invalid_or_revoked_credentials_answer_401(
    client: TestClient, world: dict, who: str | None
) -> None:
    headers = {} if who is None else _h(world.get(who, "apc_garbage"))
    _assert_error(client.get("/scim/v2/Users", headers=headers), 401)


def test_a_client_without_the_scim_scope_gets_403_and_the_refusal_is_audited(
    client: TestClient, world: dict
) -> None:
    _assert_error(client.get("/scim/v2/Users", headers=_h(world["read"])), 403)
    with db.session_scope() as session:
        calls = session.exec(select(AuditEvent).where(AuditEvent.action == "api_call")).all()
    assert [(c.outcome, c.detail) for c in calls] == [("denied", "call=scim.users.list status=403")]


def test_create_get_patch_put_delete_round_trip(client: TestClient, world: dict) -> None:
    created = client.post("/scim/v2/Users", headers=_h(world["scim"]), json=_new_user())
    assert created.status_code == 201, created.text
    assert created.headers["content-type"].startswith(SCIM)
    user = created.json()
    uid = user["id"]
    assert created.headers["location"].endswith(f"/scim/v2/Users/{uid}")
    assert user["userName"] == "bjensen" and user["externalId"] == "ext-bjensen"
    assert user[ENTERPRISE]["department"] == "Hemtjänst Väst"
    got = client.get(f"/scim/v2/Users/{uid}", headers=_h(world["scim"])).json()
    assert got["emails"][0]["value"] == "bjensen@example.se" and got["active"] is True
    patch = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "replace", "path": "active", "value": False},
            {"op": "add", "path": "name.givenName", "value": "Babs"},
            {"op": "remove", "path": "externalId"},
        ],
    }
    patched = client.patch(f"/scim/v2/Users/{uid}", headers=_h(world["scim"]), json=patch)
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["active"] is False and body["name"]["givenName"] == "Babs"
    assert "externalId" not in body
    put = client.put(
        f"/scim/v2/Users/{uid}",
        headers=_h(world["scim"]),
        json=_new_user("bjensen", {"name": {"givenName": "B", "familyName": "J"}}),
    )
    assert put.status_code == 200, put.text
    assert put.json()["name"]["familyName"] == "J" and put.json()["active"] is True
    assert client.delete(f"/scim/v2/Users/{uid}", headers=_h(world["scim"])).status_code == 204
    _assert_error(client.get(f"/scim/v2/Users/{uid}", headers=_h(world["scim"])), 404)
    with db.session_scope() as session:
        person = session.get(User, int(uid))
        assert person is not None and person.status == UserStatus.REMOVED
        events = session.exec(select(AuditEvent).where(AuditEvent.action != "api_call")).all()
    acted = [e for e in events if e.action in ("user_created", "user_updated", "user_removed")]
    assert acted and all(
        e.actor_api_client_id == world["scim_id"] and e.actor_user_id is None for e in acted
    )


def test_a_banked_username_answers_409_uniqueness(client: TestClient, world: dict) -> None:
    uid = client.post("/scim/v2/Users", headers=_h(world["scim"]), json=_new_user()).json()["id"]
    client.delete(f"/scim/v2/Users/{uid}", headers=_h(world["scim"]))
    again = client.post("/scim/v2/Users", headers=_h(world["scim"]), json=_new_user())
    _assert_error(again, 409, "uniqueness")


def test_another_organisations_ids_answer_404(client: TestClient, world: dict) -> None:
    path = f"/scim/v2/Users/{world['stranger_id']}"
    _assert_error(client.get(path, headers=_h(world["scim"])), 404)
    _assert_error(client.delete(path, headers=_h(world["scim"])), 404)
    _assert_error(client.put(path, headers=_h(world["scim"]), json=_new_user("x1")), 404)


def test_an_administrator_is_out_of_reach(client: TestClient, world: dict) -> None:
    path = f"/scim/v2/Users/{world['unit_admin_id']}"
    _assert_error(client.delete(path, headers=_h(world["scim"])), 403)


@pytest.mark.parametrize(
    ("body", "status", "scim_type"),
    [
        (b"{not json", 400, "invalidSyntax"),
        (
            json.dumps({"schemas": [CORE], "userName": "a1", "shoeSize": 44}).encode(),
            400,
            "invalidSyntax",
        ),
        (
            json.dumps({"schemas": [CORE], "userName": "a2", "active": "maybe"}).encode(),
            400,
            "invalidValue",
        ),
        (json.dumps({"schemas": [CORE], "name": {"givenName": "A"}}).encode(), 400, "invalidValue"),
        (json.dumps({"schemas": [CORE], "userName": "x" * 5000}).encode(), 413, None),
    ],
)
def test_bad_input_gets_a_scim_error(
    client: TestClient, world: dict, body: bytes, status: int, scim_type: str | None
) -> None:
    response = client.post("/scim/v2/Users", headers=_h(world["scim"]), content=body)
    _assert_error(response, status, scim_type)


def test_filters_and_paging(client: TestClient, world: dict) -> None:
    for name in ("anna.berg", "anders.ek", "bo.lund"):
        assert (
            client.post(
                "/scim/v2/Users", headers=_h(world["scim"]), json=_new_user(name)
            ).status_code
            == 201
        )

    def names(query: str) -> list[str]:
        r = client.get("/scim/v2/Users", headers=_h(world["scim"]), params={"filter": query})
        assert r.status_code == 200, r.text
        return sorted(u["userName"] for u in r.json()["Resources"])

    assert names('userName eq "ANNA.BERG"') == ["anna.berg"]
    assert names('userName sw "an"') == ["anders.ek", "anna.berg"]
    assert names('userName co "nna"') == ["anna.berg"]
    assert names('externalId eq "ext-bo.lund"') == ["bo.lund"]
    assert names('emails co "ders" or userName eq "bo.lund"') == ["anders.ek", "bo.lund"]
    assert names('name.familyName eq "jensen" and userName sw "b"') == ["bo.lund"]
    assert "anna.berg" in names("externalId pr")
    page = client.get(
        "/scim/v2/Users", headers=_h(world["scim"]), params={"startIndex": 2, "count": 2}
    ).json()
    assert page["startIndex"] == 2 and page["itemsPerPage"] == 2
    assert page["totalResults"] >= 5


@pytest.mark.parametrize("query", ["userName eq", 'shoeSize eq "1"', 'emails[type eq "work"]'])
def test_a_filter_that_does_not_parse_answers_invalid_filter(
    client: TestClient, world: dict, query: str
) -> None:
    response = client.get("/scim/v2/Users", headers=_h(world["scim"]), params={"filter": query})
    _assert_error(response, 400, "invalidFilter")


def test_discovery_and_groups(client: TestClient, world: dict) -> None:
    spc = client.get("/scim/v2/ServiceProviderConfig", headers=_h(world["scim"]))
    assert spc.status_code == 200 and spc.json()["patch"]["supported"] is True
    types = client.get("/scim/v2/ResourceTypes", headers=_h(world["scim"])).json()
    assert {r["id"] for r in types["Resources"]} == {"User", "Group"}
    schemas = client.get("/scim/v2/Schemas", headers=_h(world["scim"])).json()
    assert ENTERPRISE in {s["id"] for s in schemas["Resources"]}
    groups = client.get(
        "/scim/v2/Groups",
        headers=_h(world["scim"]),
        params={"filter": 'displayName eq "Hemtjänst Väst"'},
    ).json()
    assert [g["id"] for g in groups["Resources"]] == [str(world["unit_id"])]
    one = client.get(f"/scim/v2/Groups/{world['unit_id']}", headers=_h(world["scim"])).json()
    assert [m["value"] for m in one["members"]] == [str(world["unit_admin_id"])]
    _assert_error(client.get("/scim/v2/Groups/1", headers=_h(world["other_scim"])), 404)


def test_the_per_client_limit_answers_429(
    client: TestClient, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADMIN_PORTAL_API_RATE_LIMIT_PER_CLIENT", "2/minute")
    get_settings.cache_clear()
    statuses = [
        client.get("/scim/v2/ServiceProviderConfig", headers=_h(world["scim"])).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    # Another client has its own budget.
    assert (
        client.get("/scim/v2/ServiceProviderConfig", headers=_h(world["other_scim"])).status_code
        == 200
    )


SCIM_ENDPOINTS = [
    ("GET", "/scim/v2/ServiceProviderConfig"),
    ("GET", "/scim/v2/ResourceTypes"),
    ("GET", "/scim/v2/Schemas"),
    ("GET", "/scim/v2/Users"),
    ("POST", "/scim/v2/Users"),
    ("POST", "/scim/v2/Users/.search"),
    ("GET", "/scim/v2/Users/1"),
    ("PUT", "/scim/v2/Users/1"),
    ("PATCH", "/scim/v2/Users/1"),
    ("DELETE", "/scim/v2/Users/1"),
    ("GET", "/scim/v2/Groups"),
    ("GET", "/scim/v2/Groups/1"),
]


@pytest.mark.parametrize(("method", "path"), SCIM_ENDPOINTS)
def test_every_scim_endpoint_needs_the_scim_scope(
    client: TestClient, world: dict, method: str, path: str
) -> None:
    _assert_error(client.request(method, path), 401)
    _assert_error(client.request(method, path, headers=_h(world["read"]), json={}), 403)


def test_granskningslogg_names_the_client_as_the_actor(client: TestClient, world: dict) -> None:
    from admin_portal.services.audit.log import list_audit_events

    assert (
        client.post("/scim/v2/Users", headers=_h(world["scim"]), json=_new_user()).status_code
        == 201
    )
    with db.session_scope() as session:
        head = load_actor(session, world["head_id"])
        rows = list_audit_events(session, actor=head).rows
    created = [r for r in rows if r.action == "user_created"]
    assert [r.actor for r in created] == ["API: Entra"]
    assert {r.action for r in rows if r.actor == "API: Entra"} >= {"user_created", "api_call"}


def test_entra_style_patches(client: TestClient, world: dict) -> None:
    """What Entra ID sends: "Replace" with a string boolean, dotted paths in a value
    object, and a value filter on emails."""
    uid = client.post("/scim/v2/Users", headers=_h(world["scim"]), json=_new_user()).json()["id"]
    path = f"/scim/v2/Users/{uid}"
    for operation in (
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "replace", "value": {"name.givenName": "Babs"}},
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "babs@example.se"},
    ):
        response = client.patch(
            path, headers=_h(world["scim"]), json={"schemas": [PATCH], "Operations": [operation]}
        )
        assert response.status_code == 200, (operation, response.text)
    body = client.get(path, headers=_h(world["scim"])).json()
    assert body["active"] is False and body["name"]["givenName"] == "Babs"
    assert body["emails"][0]["value"] == "babs@example.se"

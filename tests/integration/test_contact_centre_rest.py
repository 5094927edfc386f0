"""Kontaktcenter over REST (issue 16): PATCH /agents/{id} moves under the queue guard (409
with the reason), and the telephony endpoint logs agents in and out by numeric ID."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import SQLModel, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from admin_portal import db
from admin_portal.api.rest.routes import rest_routes
from admin_portal.config import get_settings
from admin_portal.models import Agent, QueueSession
from admin_portal.services.api_clients import create_api_client
from admin_portal.services.auth.rate_limits import reset_rate_limits
from tests.support.contact_centre_factories import build_world
from tests.support.factories import make_company, make_org


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    monkeypatch.setenv("ADMIN_PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'rest.db'}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    SQLModel.metadata.create_all(db.get_engine())
    reset_rate_limits()
    with db.session_scope() as session:
        built = build_world(session)

        def secret(scopes: str) -> str:
            return create_api_client(
                session, actor=built.head, name=scopes, scopes=scopes.split()
            ).secret

        other_org = make_org(session, "Annan")
        make_company(session, other_org)
        values = {
            "write": secret("users:write"),
            "read": secret("users:read"),
            "telephony": secret("telephony"),
            "agent1": built.agent1.id,
            "agent2": built.agent2.id,
            "gbg": built.gbg.id,
            "sthlm": built.sthlm.id,
            "queue": built.queue.id,
        }
    yield values
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def client(world: dict) -> TestClient:
    return TestClient(Starlette(routes=rest_routes), base_url="http://portal.test")


def _h(secret: str, lang: str = "sv") -> dict[str, str]:
    return {"authorization": f"Bearer {secret}", "accept-language": lang}


def _group_of(agent_id: int) -> int:
    with db.session_scope() as session:
        agent = session.get(Agent, agent_id)
        assert agent is not None
        return agent.group_id


def test_patch_moves_an_agent_not_in_a_queue(client: TestClient, world: dict) -> None:
    response = client.patch(
        f"/api/v1/agents/{world['agent2']}",
        json={"group_id": world["sthlm"]},
        headers=_h(world["write"]),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["group"] == "Växel Stockholm"
    assert body["settings"]["phone_timeout_s"] == {"value": 45, "own": False}
    assert _group_of(world["agent2"]) == world["sthlm"]


def test_patch_refused_with_409_while_in_a_queue(client: TestClient, world: dict) -> None:
    response = client.patch(
        f"/api/v1/agents/{world['agent1']}",
        json={"group_id": world["sthlm"]},
        headers=_h(world["write"]),
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "contact_centre.in_queue"
    assert "inloggad i kö (Kundtjänst)" in error["message"]
    assert error["queues"] == ["Kundtjänst"]
    english = client.patch(
        f"/api/v1/agents/{world['agent1']}",
        json={"group_id": world["sthlm"]},
        headers=_h(world["write"], "en"),
    )
    assert "logged in to a queue" in english.json()["error"]["message"]
    assert _group_of(world["agent1"]) == world["gbg"]


def test_patch_needs_write_scope_and_known_fields(client: TestClient, world: dict) -> None:
    url = f"/api/v1/agents/{world['agent2']}"
    assert (
        client.patch(url, json={"group_id": world["sthlm"]}, headers=_h(world["read"])).status_code
        == 403
    )
    assert client.patch(url, json={"group_id": world["sthlm"]}).status_code == 401
    assert client.patch(url, json={"password": "x"}, headers=_h(world["write"])).status_code == 400
    assert client.patch(url, json={"group_id": "x"}, headers=_h(world["write"])).status_code == 404


def test_telephony_logs_in_and_out_by_numeric_id(client: TestClient, world: dict) -> None:
    url = "/api/v1/telephony/queue"
    out = client.post(
        url,
        json={"numeric_id": 101, "queue": "kundtjanst", "action": "logout"},
        headers=_h(world["telephony"]),
    )
    assert out.status_code == 200, out.text
    assert out.json() == {
        "numeric_id": 101,
        "queue": "kundtjanst",
        "logged_in": False,
        "queues": [],
    }
    # Logged out: the move is allowed now.
    moved = client.patch(
        f"/api/v1/agents/{world['agent1']}",
        json={"group_id": world["sthlm"]},
        headers=_h(world["write"]),
    )
    assert moved.status_code == 200
    # And the own phone timeout (60 s) stayed across the move.
    assert moved.json()["settings"]["phone_timeout_s"] == {"value": 60, "own": True}
    back = client.post(
        url,
        json={"numeric_id": "102", "queue": "kundtjanst", "action": "login"},
        headers=_h(world["telephony"]),
    )
    assert back.status_code == 200 and back.json()["queues"] == ["Kundtjänst"]
    with db.session_scope() as session:
        rows = session.exec(select(QueueSession.agent_id)).all()
    assert rows == [world["agent2"]]


def test_telephony_refusals(client: TestClient, world: dict) -> None:
    url = "/api/v1/telephony/queue"
    body = {"numeric_id": 101, "queue": "kundtjanst", "action": "logout"}
    assert client.post(url, json=body, headers=_h(world["write"])).status_code == 403
    assert client.post(url, json=body).status_code == 401
    unknown = client.post(url, json={**body, "numeric_id": 999}, headers=_h(world["telephony"]))
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "contact_centre.queue_unknown"
    assert (
        client.post(url, json={**body, "queue": "nope"}, headers=_h(world["telephony"])).status_code
        == 404
    )
    assert (
        client.post(
            url, json={**body, "action": "dance"}, headers=_h(world["telephony"])
        ).status_code
        == 422
    )
    assert (
        client.post(
            url, json={**body, "numeric_id": True}, headers=_h(world["telephony"])
        ).status_code
        == 422
    )


def test_users_delete_refused_with_409_while_in_a_queue(client: TestClient, world: dict) -> None:
    response = client.delete(f"/api/v1/users/{world['agent1']}", headers=_h(world["write"]))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "contact_centre.in_queue_remove"
    assert "inloggad i kö" in response.json()["error"]["message"]
    assert (
        client.delete(f"/api/v1/users/{world['agent2']}", headers=_h(world["write"])).status_code
        == 204
    )

"""API-klienter's handlers called directly: the secret is shown once, in public state only
until closed or reloaded; forged ids and scopes change nothing; the hash is what is stored."""

from __future__ import annotations

import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.auth.permissions import load_actor
from admin_portal.auth.tokens import hash_secret
from admin_portal.models import ApiClient, User
from admin_portal.services.auth.login import SignedIn
from admin_portal.state import api_clients
from admin_portal.state.api_clients import ApiClientsState
from admin_portal.state.session import SessionState
from tests.support.db_scope import route_scopes
from tests.support.world import build_care_world


@pytest.fixture
def world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> dict[str, User]:
    with Session(engine, expire_on_commit=False) as session:
        base = build_care_world(session, head_username="huvud", other_head_username="annan")
        head, other = base.head, base.other_head
        session.commit()

    route_scopes(monkeypatch, engine, api_clients)
    return {"head": head, "other": other}


def _as(monkeypatch: pytest.MonkeyPatch, engine: Engine, user: User) -> ApiClientsState:
    def who(self: SessionState) -> SignedIn | None:
        with Session(engine) as session:
            actor = load_actor(session, user.id or 0)
        assert actor is not None
        return SignedIn(actor=actor, username=user.username, email=None)

    monkeypatch.setattr(SessionState, "_signed_in", who)
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(ApiClientsState.get_full_name().split(".")[1:])


def test_create_shows_the_secret_once_and_stores_its_hash(
    world: dict, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _as(monkeypatch, engine, world["head"])
    ApiClientsState.create.fn(state, {"name": "Entra", "scope_scim": "on", "scope_root": "on"})
    secret = state.secret
    assert secret.startswith("apc_") and state.error == ""
    assert [c["name"] for c in state.clients] == ["Entra"]
    assert secret not in str(state.clients)
    with Session(engine) as session:
        stored = session.exec(select(ApiClient)).one()
    assert stored.secret_hash == hash_secret(secret) and stored.scopes == "scim"
    ApiClientsState.close_secret.fn(state)
    assert state.secret == ""
    ApiClientsState.create.fn(state, {"name": "Ingen behörighet"})
    assert state.error and state.secret == ""


def test_another_organisations_head_admin_cannot_rotate_or_revoke(
    world: dict, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = _as(monkeypatch, engine, world["head"])
    ApiClientsState.create.fn(mine, {"name": "Entra", "scope_scim": "on"})
    client_id = mine.clients[0]["id"]
    theirs = _as(monkeypatch, engine, world["other"])
    for forged in (client_id, str(client_id), None, -1):
        ApiClientsState.rotate.fn(theirs, forged)
        ApiClientsState.revoke.fn(theirs, forged)
        assert theirs.secret == ""
    with Session(engine) as session:
        stored = session.exec(select(ApiClient)).one()
    assert stored.revoked_at is None and stored.secret_hash == hash_secret(mine.secret)

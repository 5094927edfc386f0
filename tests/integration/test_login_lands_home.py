"""Where Logga in sends a person when the login names no page (issue 14, "Ordinary users").

Through the real handler: a standard user with an ordered service lands on Mina tjänster,
one without on Mitt konto, an admin on Användare.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import reflex as rx
from argon2 import PasswordHasher
from reflex.istate.data import SessionData
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal import routes
from admin_portal.auth import passwords
from admin_portal.config import get_settings
from admin_portal.models import Role
from admin_portal.services.auth.rate_limits import reset_rate_limits
from admin_portal.state.auth import pages as auth_pages
from admin_portal.state.auth.pages import LoginState
from tests.support.factories import grant, make_user
from tests.unit.test_invitation_acceptance import make_invitation

PASSWORD = "en lång och hemlig lösenfras"


@pytest.fixture
def people(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ADMIN_PORTAL_RATE_LIMIT_STORAGE_URL", "memory://")
    get_settings.cache_clear()
    reset_rate_limits()
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    passwords._dummy_hash.cache_clear()
    with Session(engine, expire_on_commit=False) as session:
        invited = make_invitation(session)
        ordered = make_user(session, invited.company, username="med.tjanst", password=PASSWORD)
        invited.orders[0].user_id = ordered.id
        session.add(invited.orders[0])
        make_user(session, invited.company, username="utan.tjanst", password=PASSWORD)
        admin = make_user(session, invited.company, username="admin.en", password=PASSWORD)
        grant(session, admin, Role.HEAD_ADMIN)
        session.commit()

    @contextmanager
    def scope() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as s:
            yield s
            s.commit()

    monkeypatch.setattr(auth_pages, "session_scope", scope)
    yield
    passwords._dummy_hash.cache_clear()
    reset_rate_limits()
    monkeypatch.undo()
    get_settings.cache_clear()


def _landing(username: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The `next` path the login hands to the session route (go_to_session)."""
    handed: list[str] = []
    monkeypatch.setattr(
        auth_pages, "go_to_session", lambda ticket, next_path: handed.append(next_path)
    )
    root = rx.State(_reflex_internal_init=True)
    root.rx_router_session = SessionData(client_token="tab", client_ip="203.0.113.9")
    state = root.get_substate(LoginState.get_full_name().split(".")[1:])
    asyncio.run(LoginState.log_in.fn(state, {"username": username, "password": PASSWORD}))
    assert state.error == ""
    return handed[0]


@pytest.mark.usefixtures("people")
def test_a_standard_user_with_an_ordered_service_lands_on_mina_tjanster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _landing("med.tjanst", monkeypatch) == routes.MY_SERVICES


@pytest.mark.usefixtures("people")
def test_a_standard_user_without_orders_lands_on_mitt_konto(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _landing("utan.tjanst", monkeypatch) == routes.MY_ACCOUNT


@pytest.mark.usefixtures("people")
def test_an_admin_still_lands_on_anvandare(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _landing("admin.en", monkeypatch) == routes.ADMIN_HOME

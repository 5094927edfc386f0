"""The web layer's side of sessions: logout wipes the tab, Visa leaves nothing in state.

Handlers are called directly on a state tree built as the state manager builds it, and the
tree is then serialised as the disk state manager pickles it under `.states/` (Redis
stores the same bytes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import reflex as rx
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import load_actor
from admin_portal.models import LoginSession, User
from admin_portal.services.auth.login import issue_login_ticket, redeem_login_ticket
from admin_portal.state import session as session_module
from admin_portal.state.auth import password_change as password_module
from admin_portal.state.auth.password_change import PasswordChangeState
from admin_portal.state.session import SessionState
from admin_portal.state.users.listing import UsersListState
from admin_portal.state.users.profile import UserProfileState
from tests.support.db_scope import route_scopes
from tests.support.factories import make_user
from tests.support.world import build_care_world

PASSWORD = "en lång demofras för test"
NATIONAL_ID = "198501011236"
SHOWN = "19850101-1236"
T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("cheap_argon2")


@pytest.fixture
def world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> dict:
    with Session(engine, expire_on_commit=False) as session:
        base = build_care_world(session, head_username="huvud", password=PASSWORD)
        head = base.head
        person = make_user(session, base.company, username="person", first_name="Per")
        person.national_id = NATIONAL_ID
        session.add(person)
        session.commit()
        actor = load_actor(session, head.id or 0)

    route_scopes(monkeypatch, engine, session_module, password_module)
    return {"head": head, "person": person, "actor": actor, "engine": engine}


def _root() -> rx.State:
    return rx.State(_reflex_internal_init=True)


def _sub(root: rx.State, cls: type[rx.State]) -> rx.State:
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _every_substate(state: rx.State) -> Iterator[rx.State]:
    yield state
    for substate in state.substates.values():
        yield from _every_substate(substate)


def _stored_bytes(root: rx.State) -> bytes:
    """What a state manager would store for this tab: every substate, pickled."""
    return b"".join(state._serialize() for state in _every_substate(root))


def _script_of(event: object) -> str:
    return repr(event)


def _with_cookie(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    """As if the websocket handshake had carried this session cookie."""
    monkeypatch.setattr(session_module, "session_token_from_header", lambda header: raw)


def test_logging_out_resets_every_substate_and_gives_the_tab_a_new_token(world: dict) -> None:
    root = _root()
    profile, users = _sub(root, UserProfileState), _sub(root, UsersListState)
    session_state = _sub(root, SessionState)
    session_state.signed_in, session_state.display_name = True, "Huvud Admin"
    session_state.lang = "en"
    profile.profile = {"first_name": "Per", "national_id_masked": "19850101-****"}
    profile.mail_history = [{"subject": "Välkommen"}]
    users.rows = [{"username": "person"}]
    users._cursor = "secret-cursor"

    event = asyncio.run(SessionState.log_out.fn(profile))

    assert profile.profile == {} and profile.mail_history == []
    assert users.rows == [] and users._cursor is None
    assert (session_state.signed_in, session_state.display_name) == (False, "")
    assert session_state.lang == "en"  # the browser's language choice is not the person's
    stored = _stored_bytes(root)
    assert b"Huvud Admin" not in stored and b"19850101-****" not in stored
    assert b"secret-cursor" not in stored
    script = _script_of(event)
    assert "sessionStorage.clear()" in script and "/api/logout" in script


def test_reveal_sends_the_number_in_the_answer_and_keeps_none_of_it(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(UserProfileState, "_authorized", lambda self, need="admin": world["actor"])
    monkeypatch.setattr(UserProfileState, "_user_id", lambda self: world["person"].id)
    root = _root()
    profile = _sub(root, UserProfileState)

    answer = UserProfileState.reveal.fn(profile)

    assert SHOWN in _script_of(answer)  # the one frame that answers Visa
    delta = repr(root.get_delta())
    assert SHOWN not in delta and NATIONAL_ID not in delta
    stored = _stored_bytes(root)
    assert SHOWN.encode() not in stored and NATIONAL_ID.encode() not in stored

    # Navigating back to a profile masks it again in the tab.
    after = UserProfileState.load.fn(profile)
    assert SHOWN not in _script_of(after) and "revealed_national_id" in _script_of(after)
    assert SHOWN.encode() not in _stored_bytes(root)


def test_an_idle_session_found_on_load_wipes_the_tab_and_says_why(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine: Engine = world["engine"]
    with time_machine.travel(T0, tick=False) as traveller:
        with Session(engine, expire_on_commit=False) as session:
            user = session.get(User, world["head"].id)
            assert user is not None
            raw = redeem_login_ticket(session, ticket=issue_login_ticket(session, user=user))
            session.commit()
        assert raw is not None
        root = _root()
        profile = _sub(root, UserProfileState)
        _with_cookie(monkeypatch, raw)
        assert SessionState.require_admin.fn(profile) is None  # signed in
        assert _sub(root, SessionState).signed_in
        profile.profile = {"first_name": "Per"}

        traveller.shift(timedelta(minutes=31))
        event = SessionState.require_admin.fn(profile)

    script = _script_of(event)
    assert "idle=1" in script and "sessionStorage.clear()" in script
    assert profile.profile == {} and not _sub(root, SessionState).signed_in


def test_a_visitor_without_a_session_is_simply_sent_to_login(world: dict) -> None:
    root = _root()
    event = SessionState.require_admin.fn(_sub(root, UserProfileState))
    script = _script_of(event)
    assert "sessionStorage" not in script and "idle" not in script


def _signed_in_sessions(engine: Engine, user_id: int, count: int) -> list[str]:
    raws = []
    with Session(engine, expire_on_commit=False) as session:
        user = session.get(User, user_id)
        assert user is not None
        for _ in range(count):
            raw = redeem_login_ticket(session, ticket=issue_login_ticket(session, user=user))
            assert raw is not None
            raws.append(raw)
        session.commit()
    return raws


def _live_count(engine: Engine, user_id: int) -> int:
    with Session(engine) as session:
        return len(
            session.exec(
                select(LoginSession).where(
                    LoginSession.user_id == user_id, col(LoginSession.revoked_at).is_(None)
                )
            ).all()
        )


def test_byt_losenord_changes_only_the_callers_own_password(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, head_id = world["engine"], world["head"].id
    here, _elsewhere = _signed_in_sessions(engine, head_id, 2)
    _with_cookie(monkeypatch, here)
    monkeypatch.setattr(password_module, "session_token_from_header", lambda header: here)
    state = _sub(_root(), PasswordChangeState)

    # Extra, forged fields (another user's id) are ignored: only the form's three texts count.
    wrong = {"current": "fel fel fel fel fel", "password": "x", "user_id": world["person"].id}
    asyncio.run(PasswordChangeState.change.fn(state, wrong))
    assert state.current_error == "Det nuvarande lösenordet stämmer inte."
    assert _live_count(engine, head_id) == 2

    new = "cyklar över isen i februari"
    form = {"current": PASSWORD, "password": new, "repeat": new}
    asyncio.run(PasswordChangeState.change.fn(state, form))
    assert state.done and state.current_error == ""
    assert _live_count(engine, head_id) == 1  # this session only
    stored = _stored_bytes(state._get_root_state())
    assert new.encode() not in stored and PASSWORD.encode() not in stored


def test_byt_losenord_without_a_session_changes_nothing(world: dict) -> None:
    state = _sub(_root(), PasswordChangeState)
    form = {"current": PASSWORD, "password": "cyklar över isen", "repeat": "cyklar över isen"}
    event = asyncio.run(PasswordChangeState.change.fn(state, form))
    assert "logga-in" in _script_of(event) and not state.done

"""The two-factor handlers called directly, as a forging client could (reflex-notes).

The login's half-done state stays server-side; no handler takes a user id; the head-admin
setting refuses everyone else and anything but a boolean.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import reflex as rx
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal import routes
from admin_portal.auth.permissions import load_actor
from admin_portal.models import Organisation, Token, TokenPurpose, TotpCredential, User
from admin_portal.services.auth.login import SignedIn
from admin_portal.services.auth.two_factor import confirm_enrolment, start_enrolment
from admin_portal.state.auth import organisation_security, two_factor, two_factor_login
from admin_portal.state.auth import pages as auth_pages
from admin_portal.state.auth.organisation_security import OrganisationSecurityState
from admin_portal.state.auth.pages import LoginState
from admin_portal.state.auth.two_factor import TwoFactorState
from admin_portal.state.auth.two_factor_login import SecondStepState
from admin_portal.state.session import SessionState
from tests.support.db_scope import route_scopes
from tests.support.world import add_unit_admin, build_care_world

T0 = datetime(2030, 3, 1, 9, 0, 5, tzinfo=UTC)
PASSWORD = "en lång och hemlig lösenfras"

pytestmark = pytest.mark.usefixtures("cheap_argon2")


@pytest.fixture
def world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> dict[str, User]:
    with Session(engine, expire_on_commit=False) as session:
        base = build_care_world(session, head_username="huvud", password=PASSWORD)
        org, head = base.org, base.head
        admin = add_unit_admin(session, base, password=PASSWORD)
        session.commit()

    route_scopes(
        monkeypatch, engine, auth_pages, two_factor, two_factor_login, organisation_security
    )
    return {"head": head, "admin": admin, "org": org}  # type: ignore[dict-item]


def _root() -> rx.State:
    return rx.State(_reflex_internal_init=True)


def _sub(root: rx.State, cls: type[rx.State]):  # type: ignore[no-untyped-def]
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _signed_in_as(monkeypatch: pytest.MonkeyPatch, engine: Engine, user: User | None) -> None:
    def who(self: SessionState) -> SignedIn | None:
        if user is None:
            return None
        with Session(engine) as session:
            actor = load_actor(session, user.id or 0)
        assert actor is not None
        return SignedIn(actor=actor, username=user.username, email=None)

    monkeypatch.setattr(SessionState, "_signed_in", who)


def _enrol(engine: Engine, user: User, when: datetime) -> str:
    with Session(engine, expire_on_commit=False) as session, time_machine.travel(when, tick=False):
        actor = load_actor(session, user.id or 0)
        assert actor is not None
        secret = start_enrolment(session, actor=actor).secret_text.replace(" ", "")
        confirm_enrolment(session, actor=actor, code=pyotp.TOTP(secret).at(when))
        session.commit()
    return secret


def _tokens(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Token.purpose)).all())


def _log_in(root: rx.State, username: str):  # type: ignore[no-untyped-def]
    state = _sub(root, LoginState)
    return asyncio.run(LoginState.log_in.fn(state, {"username": username, "password": PASSWORD}))


def test_the_second_step_token_never_reaches_the_browser(
    engine: Engine, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = _enrol(engine, world["admin"], T0 - timedelta(minutes=5))
    root = _root()
    with time_machine.travel(T0, tick=False):
        event = _log_in(root, "enhetsadmin")

    step = _sub(root, SecondStepState)
    assert step._pending and step.mode == "code"
    assert routes.LOGIN_SECOND_STEP in str(event)
    assert _tokens(engine) == [TokenPurpose.SECOND_FACTOR]  # no login ticket yet
    assert step._pending not in json.dumps(root.get_delta(), default=str)

    with time_machine.travel(T0, tick=False):
        done = SecondStepState.submit_code.fn(step, {"code": pyotp.TOTP(secret).at(T0)})
    assert routes.API_SESSION in str(done)
    assert step._pending == ""
    assert TokenPurpose.LOGIN_TICKET in _tokens(engine)


def test_an_admin_without_two_factor_still_gets_the_ticket_at_once(
    engine: Engine, world: dict
) -> None:
    event = _log_in(_root(), "enhetsadmin")
    assert routes.API_SESSION in str(event)
    assert _tokens(engine) == [TokenPurpose.LOGIN_TICKET]


def test_starting_the_second_step_is_not_an_event_handler() -> None:
    # Only Logga in may start the second step; a client can call any *event* handler, and
    # Reflex makes every public method of a state one.
    assert not {"begin", "_begin"} & set(SecondStepState.event_handlers)
    assert set(SecondStepState.event_handlers) >= {"submit_code", "confirm_enrolment", "finish"}


@pytest.mark.parametrize(
    "form",
    [
        {"code": "123456", "user_id": "1"},
        {"code": "123456", "username": "enhetsadmin", "token": "x"},
        "not a form",
        None,
    ],
)
def test_the_code_handlers_without_a_pending_login_issue_nothing(
    engine: Engine, world: dict, form: object
) -> None:
    _enrol(engine, world["admin"], T0 - timedelta(minutes=5))
    step = _sub(_root(), SecondStepState)
    for handler in (SecondStepState.submit_code, SecondStepState.confirm_enrolment):
        event = handler.fn(step, form)
        assert "expired=1" in str(event)
    assert "expired=1" in str(SecondStepState.finish.fn(step))
    assert _tokens(engine) == []


def test_the_requirement_handler_refuses_an_ordinary_admin(
    engine: Engine, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    _enrol(engine, world["admin"], T0 - timedelta(minutes=5))
    _signed_in_as(monkeypatch, engine, world["admin"])
    state = _sub(_root(), OrganisationSecurityState)

    OrganisationSecurityState.set_requirement.fn(state, True)

    with Session(engine) as session:
        assert session.get(Organisation, world["org"].id).require_admin_two_factor is False


@pytest.mark.parametrize("forged", ["true", 1, {"on": True}, None])
def test_the_requirement_handler_takes_only_a_boolean(
    engine: Engine, world: dict, monkeypatch: pytest.MonkeyPatch, forged: object
) -> None:
    _enrol(engine, world["head"], T0 - timedelta(minutes=5))
    _signed_in_as(monkeypatch, engine, world["head"])
    state = _sub(_root(), OrganisationSecurityState)

    OrganisationSecurityState.set_requirement.fn(state, forged)

    assert state.error != ""
    with Session(engine) as session:
        assert session.get(Organisation, world["org"].id).require_admin_two_factor is False
    OrganisationSecurityState.set_requirement.fn(state, True)
    with Session(engine) as session:
        assert session.get(Organisation, world["org"].id).require_admin_two_factor is True


def test_the_account_handlers_act_only_on_the_signed_in_person(
    engine: Engine, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    _signed_in_as(monkeypatch, engine, None)
    state = _sub(_root(), TwoFactorState)
    TwoFactorState.start.fn(state)
    TwoFactorState.confirm.fn(state, {"code": "123456", "user_id": str(world["admin"].id)})
    TwoFactorState.disable.fn(state, {"password": PASSWORD, "user_id": str(world["admin"].id)})
    with Session(engine) as session:
        assert session.exec(select(TotpCredential)).all() == []

    _signed_in_as(monkeypatch, engine, world["admin"])
    TwoFactorState.start.fn(state)
    assert state.secret_text != "" and state.qr_svg.startswith("<svg")
    with Session(engine) as session:
        owners = session.exec(select(TotpCredential.user_id)).all()
    assert owners == [world["admin"].id]


@pytest.mark.parametrize(("who", "shown"), [("head", True), ("admin", False), (None, False)])
def test_mitt_konto_fills_both_sections_from_one_look_at_the_session(
    engine: Engine,
    world: dict,
    monkeypatch: pytest.MonkeyPatch,
    who: str | None,
    shown: bool,
) -> None:
    looks: list[int] = []
    _signed_in_as(monkeypatch, engine, world[who] if who else None)
    resolve = SessionState._signed_in
    monkeypatch.setattr(SessionState, "_signed_in", lambda self: looks.append(1) or resolve(self))
    with Session(engine, expire_on_commit=False) as session:
        session.get(Organisation, world["org"].id).require_admin_two_factor = True
        session.commit()
    root = _root()
    security = _sub(root, OrganisationSecurityState)
    security.shown = not shown  # whatever the tab showed before is replaced

    asyncio.run(TwoFactorState.load.fn(_sub(root, TwoFactorState)))

    assert len(looks) == 1
    assert (security.shown, security.requires_two_factor) == (shown, shown)

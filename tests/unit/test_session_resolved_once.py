"""One event, one session lookup: a handler that both shows who is signed in and reads a list
resolves the cookie's session once, and hands the actor it found on to the list.

Handlers are called directly on a state tree, with the cookie given as the websocket
handshake would carry it; `resolve_session` is counted where the states call it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import reflex as rx
from sqlmodel import col, func, select

from admin_portal import db
from admin_portal.auth.tokens import hash_secret
from admin_portal.models import AuditEvent, Company, LoginSession, Role, User, utcnow
from admin_portal.state import session as session_module
from admin_portal.state.catalogue import CatalogueState
from admin_portal.state.support_inbox import SupportInboxState
from admin_portal.state.user_bank import UserBankState
from admin_portal.state.users.listing import UsersListState
from admin_portal.state.users.profile import UserProfileState
from tests.support.factories import grant, make_user
from tests.support.world import build_care_world


@pytest.fixture
def cookies(app_db: None) -> dict[str, str]:
    """The raw session tokens of a head admin, support staff and a standard user."""
    with db.session_scope() as session:
        base = build_care_world(session)
        support = make_user(session, base.company, username="kundtjanst")
        grant(session, support, Role.SUPPORT)
        people: dict[str, User] = {"head": base.head, "support": support, "standard": base.standard}
        raws = {}
        for name, user in people.items():
            raws[name] = f"resolved-once-{name}"
            session.add(
                LoginSession(
                    user_id=user.id,
                    token_hash=hash_secret(raws[name]),
                    expires_at=utcnow() + timedelta(hours=1),
                )
            )
    return raws


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every raw token the states resolve, in order."""
    seen: list[str] = []
    real = session_module.resolve_session

    def counted(session, *, raw_token):  # type: ignore[no-untyped-def]
        seen.append(raw_token)
        return real(session, raw_token=raw_token)

    monkeypatch.setattr(session_module, "resolve_session", counted)
    return seen


def _signed_in_as(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setattr(session_module, "session_token_from_header", lambda header: raw)


def _state(cls: type[rx.State]) -> rx.State:
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _refusals() -> int:
    with db.session_scope() as session:
        return session.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(col(AuditEvent.action) == "authorization_failed")
        ).one()


@pytest.mark.parametrize("cls", [SupportInboxState, CatalogueState])
@pytest.mark.parametrize(
    ("who", "allowed", "refusals"),
    [("support", True, 0), ("standard", False, 1)],  # anyone else is refused, once
)
def test_a_support_page_opens_on_one_lookup(
    cls: type[rx.State],
    who: str,
    allowed: bool,
    refusals: int,
    cookies: dict[str, str],
    lookups: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _signed_in_as(monkeypatch, cookies[who])
    state = _state(cls)

    assert cls.on_open.fn(state) is None  # type: ignore[attr-defined]

    assert lookups == [cookies[who]]
    assert state.signed_in and state.allowed == allowed  # type: ignore[attr-defined]
    assert _refusals() == refusals


def test_the_users_list_loads_and_pages_on_one_lookup_per_event(
    cookies: dict[str, str], lookups: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _signed_in_as(monkeypatch, cookies["head"])
    state = _state(UsersListState)
    events = [
        lambda: UsersListState.load.fn(state),
        lambda: UsersListState.set_filter.fn(state, "sort", "username"),
        lambda: (state._found_next("forged-cursor"), UsersListState.next_page.fn(state)),
        lambda: UsersListState.previous_page.fn(state),
    ]
    for event in events:
        lookups.clear()
        event()
        assert lookups == [cookies["head"]]
    assert state.rows and state.page_number == 1  # the pages were really read


def test_the_user_bank_loads_on_one_lookup(
    cookies: dict[str, str], lookups: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _signed_in_as(monkeypatch, cookies["head"])
    state = _state(UserBankState)

    UserBankState.load.fn(state)

    assert lookups == [cookies["head"]]
    assert state.total == 0 and state.rows == []  # read: nobody is removed yet


def test_the_profile_reads_again_after_a_write_on_the_same_lookup(
    cookies: dict[str, str], lookups: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Skicka e-postinbjudan and Skicka verifieringsmeddelande show the profile as it is after
    the write, with the actor the event already authorized: one lookup per event."""
    _signed_in_as(monkeypatch, cookies["head"])
    with db.session_scope() as session:
        company = session.exec(select(Company).order_by(col(Company.id))).first()
        assert company is not None
        person = make_user(session, company, username="inbjuds", email="inbjuds@example.se")
        person_id = person.id
    monkeypatch.setattr(UserProfileState, "_user_id", lambda self: person_id)
    state = _state(UserProfileState)
    events = [
        lambda: UserProfileState.load.fn(state),
        lambda: UserProfileState.invite.fn(state),
        lambda: UserProfileState.send_verification.fn(
            state, {"verification_email": "inbjuds@example.se"}
        ),
    ]
    for event in events:
        lookups.clear()
        event()
        assert lookups == [cookies["head"]]
    assert state.found and state.profile["username"] == "inbjuds"  # the profile was read
    assert state.notice  # the last write went through: "sent to …" is shown

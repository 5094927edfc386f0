"""Sessions end when they should: idle timeout, password change, password reset, removal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import load_actor
from admin_portal.auth.tokens import TokenState, inspect_token, issue_token
from admin_portal.config import get_settings
from admin_portal.models import (
    AuditEvent,
    Company,
    LoginSession,
    LoginThrottle,
    OutboxMessage,
    Role,
    TokenPurpose,
    User,
)
from admin_portal.services.auth.login import (
    InvalidCredentials,
    authenticate,
    end_session,
    issue_login_ticket,
    redeem_login_ticket,
    resolve_session,
    session_status,
    set_password_with_link,
)
from admin_portal.services.auth.password_change import change_password
from admin_portal.services.errors import ValidationFailed
from admin_portal.services.users.removal import (
    remove_user,
    remove_users,
)
from tests.support.factories import grant, make_company, make_org, make_user

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "en lång och hemlig lösenfras"
NEW_PASSWORD = "cyklar över isen i februari"
WRONG = "helt fel men lika lång fras"

pytestmark = pytest.mark.usefixtures("cheap_argon2")


@pytest.fixture
def anna(session: Session) -> User:
    company = make_company(session, make_org(session))
    user = make_user(
        session,
        company,
        username="anna.berg",
        password=PASSWORD,
        first_name="Anna",
        email="anna@example.se",
        verified=True,
    )
    session.commit()
    return user


def _sign_in(session: Session, user: User) -> str:
    raw = redeem_login_ticket(session, ticket=issue_login_ticket(session, user=user))
    assert raw is not None
    session.commit()
    return raw


def _live(session: Session, *raws: str) -> list[bool]:
    return [resolve_session(session, raw_token=raw) is not None for raw in raws]


def _actor(session: Session, user: User):  # type: ignore[no-untyped-def]
    actor = load_actor(session, user.id or 0)
    assert actor is not None
    return actor


# -- the idle timeout ------------------------------------------------------------------------


def test_a_session_unused_longer_than_the_idle_timeout_ends(session: Session, anna: User) -> None:
    idle = get_settings().idle_timeout_minutes
    assert idle == 30  # the documented default
    with time_machine.travel(T0, tick=False) as traveller:
        raw = _sign_in(session, anna)
        traveller.shift(timedelta(minutes=idle))
        assert session_status(session, raw_token=raw) == "live"
        assert _live(session, raw) == [True]
        session.commit()

        traveller.shift(timedelta(minutes=idle, seconds=1))
        assert _live(session, raw) == [False]
        assert session_status(session, raw_token=raw) == "idle"


def test_use_slides_the_idle_timeout(session: Session, anna: User) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        raw = _sign_in(session, anna)
        for _ in range(10):  # five hours, used every 25 minutes
            traveller.shift(timedelta(minutes=25))
            assert _live(session, raw) == [True]
            session.commit()
        traveller.shift(timedelta(minutes=31))
        assert _live(session, raw) == [False]


def test_last_seen_is_written_at_most_once_a_minute(session: Session, anna: User) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        raw = _sign_in(session, anna)
        traveller.shift(timedelta(seconds=59))
        _live(session, raw)
        login = session.exec(select(LoginSession)).one()
        assert login.last_seen_at.replace(tzinfo=UTC) == T0
        traveller.shift(timedelta(seconds=1))
        _live(session, raw)
        assert login.last_seen_at.replace(tzinfo=UTC) == T0 + timedelta(minutes=1)


def test_the_idle_timeout_is_configurable(
    session: Session, anna: User, configure: Callable[..., None]
) -> None:
    configure(idle_timeout_minutes=5)
    with time_machine.travel(T0, tick=False) as traveller:
        raw = _sign_in(session, anna)
        traveller.shift(timedelta(minutes=5, seconds=1))
        assert _live(session, raw) == [False]


def test_a_revoked_or_unknown_session_is_ended_not_idle(session: Session, anna: User) -> None:
    assert session_status(session, raw_token=None) == "none"
    assert session_status(session, raw_token="no-such-session") == "ended"
    raw = _sign_in(session, anna)
    end_session(session, raw_token=raw)
    assert session_status(session, raw_token=raw) == "ended"


def test_the_pages_status_check_does_not_count_as_use(session: Session, anna: User) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        raw = _sign_in(session, anna)
        for _ in range(3):  # the page's timer asks every minute; nobody touches anything
            traveller.shift(timedelta(minutes=10))
            assert session_status(session, raw_token=raw) == "live"
            session.commit()
        traveller.shift(timedelta(minutes=1))
        assert session_status(session, raw_token=raw) == "idle"
        assert _live(session, raw) == [False]


# -- Byt lösenord ------------------------------------------------------------------------------


def test_changing_the_password_ends_every_other_session_and_keeps_this_one(
    session: Session, anna: User
) -> None:
    here, phone, laptop = _sign_in(session, anna), _sign_in(session, anna), _sign_in(session, anna)

    change_password(
        session,
        actor=_actor(session, anna),
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        repeat=NEW_PASSWORD,
        raw_session_token=here,
    )
    session.commit()

    assert _live(session, here, phone, laptop) == [True, False, False]
    assert authenticate(session, username="anna.berg", password=NEW_PASSWORD).id == anna.id
    with pytest.raises(InvalidCredentials):
        authenticate(session, username="anna.berg", password=PASSWORD)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "password_changed")).one()
    assert (event.outcome, event.actor_user_id, event.target_id) == ("ok", anna.id, str(anna.id))
    assert NEW_PASSWORD not in (event.detail or "") and PASSWORD not in (event.detail or "")


def test_the_owner_is_told_by_mail_without_a_link_that_grants_anything(
    session: Session, anna: User
) -> None:
    here = _sign_in(session, anna)
    change_password(
        session,
        actor=_actor(session, anna),
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        repeat=NEW_PASSWORD,
        raw_session_token=here,
    )
    session.commit()

    mail = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "password_changed")).one()
    assert mail.to_address == "anna@example.se"
    assert mail.subject == "Ditt lösenord har bytts"
    assert "token=" not in mail.html_body and "token=" not in mail.text_body
    assert NEW_PASSWORD not in mail.html_body and NEW_PASSWORD not in mail.text_body


def test_a_pending_reset_link_dies_with_a_password_change(session: Session, anna: User) -> None:
    here = _sign_in(session, anna)
    link = issue_token(
        session,
        user_id=anna.id or 0,
        purpose=TokenPurpose.RESET_PASSWORD,
        lifetime=timedelta(hours=1),
    )
    change_password(
        session,
        actor=_actor(session, anna),
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        repeat=NEW_PASSWORD,
        raw_session_token=here,
    )
    session.commit()
    state, _ = inspect_token(session, link, TokenPurpose.RESET_PASSWORD)
    assert state is not TokenState.VALID


def test_a_wrong_current_password_is_a_field_error_that_counts_towards_the_lock(
    session: Session, anna: User
) -> None:
    here, other = _sign_in(session, anna), _sign_in(session, anna)
    actor = _actor(session, anna)
    for _ in range(get_settings().login_max_failures):
        with pytest.raises(ValidationFailed) as caught:
            change_password(
                session,
                actor=actor,
                current_password=WRONG,
                new_password=NEW_PASSWORD,
                repeat=NEW_PASSWORD,
                raw_session_token=here,
            )
        assert caught.value.errors == {"current": "password_change.current_wrong"}
        session.rollback()  # as session_scope does on the error: the failure was committed

    assert session.get(LoginThrottle, "anna.berg") is not None
    failed = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "password_changed", AuditEvent.outcome == "failed"
        )
    ).all()
    assert len(failed) == get_settings().login_max_failures
    # Now locked: even the right password is refused, here and on Logga in.
    with pytest.raises(ValidationFailed) as caught:
        change_password(
            session,
            actor=actor,
            current_password=PASSWORD,
            new_password=NEW_PASSWORD,
            repeat=NEW_PASSWORD,
            raw_session_token=here,
        )
    assert caught.value.errors == {"current": "password_change.locked"}
    with pytest.raises(InvalidCredentials):
        authenticate(session, username="anna.berg", password=PASSWORD)
    session.rollback()
    assert _live(session, here, other) == [True, True]  # nothing ended, nothing changed


@pytest.mark.parametrize(
    ("new", "repeat", "errors"),
    [
        ("kort", "kort", {"password": "password.too_short"}),
        (
            "anna.berg har en lång fras",
            "anna.berg har en lång fras",
            {"password": "password.personal"},
        ),
        (PASSWORD, PASSWORD, {"password": "password_change.same"}),
        (NEW_PASSWORD, NEW_PASSWORD + "x", {"repeat": "set_password.mismatch"}),
    ],
)
def test_the_password_policy_applies_to_the_new_password(
    session: Session, anna: User, new: str, repeat: str, errors: dict[str, str]
) -> None:
    here, other = _sign_in(session, anna), _sign_in(session, anna)
    with pytest.raises(ValidationFailed) as caught:
        change_password(
            session,
            actor=_actor(session, anna),
            current_password=PASSWORD,
            new_password=new,
            repeat=repeat,
            raw_session_token=here,
        )
    assert caught.value.errors == errors
    session.rollback()
    assert _live(session, here, other) == [True, True]


def test_forged_non_text_arguments_are_refused_not_crashed(session: Session, anna: User) -> None:
    with pytest.raises(ValidationFailed):
        change_password(
            session,
            actor=_actor(session, anna),
            current_password=["x"],  # type: ignore[arg-type]
            new_password={"a": 1},  # type: ignore[arg-type]
            repeat=None,  # type: ignore[arg-type]
            raw_session_token=None,
        )


# -- a password reset and removal to the user bank -------------------------------------------


def test_a_password_reset_ends_every_session(session: Session, anna: User) -> None:
    first, second = _sign_in(session, anna), _sign_in(session, anna)
    link = issue_token(
        session,
        user_id=anna.id or 0,
        purpose=TokenPurpose.RESET_PASSWORD,
        lifetime=timedelta(hours=1),
    )
    set_password_with_link(session, raw_token=link, password=NEW_PASSWORD, repeat=NEW_PASSWORD)
    session.commit()
    assert _live(session, first, second) == [False, False]


def _head_admin(session: Session, anna: User) -> User:
    head = make_user(session, _company(session, anna))
    grant(session, head, Role.HEAD_ADMIN)
    session.commit()
    return head


def _company(session: Session, user: User) -> Company:
    company = session.get(Company, user.company_id)
    assert company is not None
    return company


def test_removal_to_the_user_bank_ends_every_session(session: Session, anna: User) -> None:
    first, second = _sign_in(session, anna), _sign_in(session, anna)
    head = _head_admin(session, anna)
    remove_user(session, actor=_actor(session, head), user_id=anna.id)
    session.commit()
    assert _live(session, first, second) == [False, False]
    assert (
        session.exec(
            select(LoginSession).where(
                LoginSession.user_id == anna.id, col(LoginSession.revoked_at).is_(None)
            )
        ).all()
        == []
    )


def test_bulk_removal_ends_every_session_of_everyone_removed(session: Session, anna: User) -> None:
    bo = make_user(session, _company(session, anna), username="bo", password=PASSWORD)
    session.commit()
    sessions = [_sign_in(session, anna), _sign_in(session, bo)]
    head = _head_admin(session, anna)
    remove_users(session, actor=_actor(session, head), user_ids=[anna.id, bo.id])
    session.commit()
    assert _live(session, *sessions) == [False, False]

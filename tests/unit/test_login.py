"""Logging in: one generic error, throttling per normalised username, sessions that end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from argon2 import PasswordHasher
from sqlmodel import Session, col, select

from admin_portal.auth.tokens import issue_token
from admin_portal.config import get_settings
from admin_portal.models import (
    AuditEvent,
    LoginSession,
    LoginThrottle,
    Role,
    TokenPurpose,
    User,
    UserStatus,
)
from admin_portal.services.auth.login import (
    InvalidCredentials,
    authenticate,
    end_session,
    issue_login_ticket,
    redeem_login_ticket,
    resolve_session,
    set_password_with_link,
)
from admin_portal.services.errors import ServiceError
from tests.support.factories import grant, make_company, make_org, make_user

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "en lång och hemlig lösenfras"
WRONG = "helt fel men lika lång fras"


pytestmark = pytest.mark.usefixtures("cheap_argon2")


@pytest.fixture
def anna(session: Session) -> User:
    company = make_company(session, make_org(session))
    user = make_user(session, company, username="Anna.Berg", password=PASSWORD, first_name="Anna")
    session.commit()
    return user


@pytest.fixture
def verify_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real_verify = PasswordHasher.verify

    def counting_verify(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        calls.append(hash if isinstance(hash, str) else hash.decode())
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    return calls


def _failure(session: Session, username: str, password: str) -> InvalidCredentials:
    with pytest.raises(InvalidCredentials) as caught:
        authenticate(session, username=username, password=password)
    return caught.value


def _sign_in(session: Session, user: User) -> str:
    raw = redeem_login_ticket(session, ticket=issue_login_ticket(session, user=user))
    assert raw is not None
    session.commit()
    return raw


# -- authenticate ------------------------------------------------------------------------------


def test_the_right_password_authenticates(session: Session, anna: User) -> None:
    assert authenticate(session, username="Anna.Berg", password=PASSWORD).id == anna.id


@pytest.mark.parametrize("typed", ["anna.berg", "ANNA.BERG", "  Anna.Berg  ", "Ａｎｎａ.Ｂｅｒｇ"])
def test_the_username_is_case_and_width_insensitive(
    session: Session, anna: User, typed: str
) -> None:
    assert authenticate(session, username=typed, password=PASSWORD).id == anna.id


def test_the_password_is_case_sensitive(session: Session, anna: User) -> None:
    _failure(session, "anna.berg", PASSWORD.upper())


def test_unknown_user_wrong_password_and_locked_account_fail_alike(
    session: Session, anna: User
) -> None:
    unknown = _failure(session, "ingen.alls", PASSWORD)
    wrong = _failure(session, "anna.berg", WRONG)
    for _ in range(get_settings().login_max_failures):
        _failure(session, "anna.berg", WRONG)
    locked = _failure(session, "anna.berg", PASSWORD)

    assert type(unknown) is type(wrong) is type(locked) is InvalidCredentials
    assert unknown.key == wrong.key == locked.key == "login.failed"
    assert str(unknown) == str(wrong) == str(locked)
    assert unknown.field is wrong.field is locked.field is None
    assert unknown.params == wrong.params == locked.params == {}


def test_empty_username_or_password_fails_generically(session: Session, anna: User) -> None:
    assert _failure(session, "", PASSWORD).key == "login.failed"
    assert _failure(session, "anna.berg", "").key == "login.failed"


def test_every_kind_of_failure_verifies_one_real_hash(
    session: Session, anna: User, verify_calls: list[str]
) -> None:
    _failure(session, "ingen.alls", PASSWORD)
    assert len(verify_calls) == 1
    _failure(session, "anna.berg", WRONG)
    assert len(verify_calls) == 2
    for _ in range(get_settings().login_max_failures):
        _failure(session, "anna.berg", WRONG)
    verify_calls.clear()
    _failure(session, "anna.berg", PASSWORD)  # locked
    assert len(verify_calls) == 1
    assert all(h.startswith("$argon2id$") for h in verify_calls)


def test_lockout_after_the_configured_number_of_failures(
    session: Session, anna: User, configure: Callable[..., None]
) -> None:
    configure(login_max_failures=3, login_lockout_minutes=10)
    for _ in range(2):
        _failure(session, "anna.berg", WRONG)
    # Two failures are not yet a lockout.
    assert authenticate(session, username="anna.berg", password=PASSWORD).id == anna.id
    session.commit()

    for _ in range(3):
        _failure(session, "anna.berg", WRONG)

    _failure(session, "anna.berg", PASSWORD)


def test_a_successful_login_clears_earlier_failures(
    session: Session, anna: User, configure: Callable[..., None]
) -> None:
    configure(login_max_failures=3)
    _failure(session, "anna.berg", WRONG)
    _failure(session, "anna.berg", WRONG)
    authenticate(session, username="anna.berg", password=PASSWORD)
    session.commit()

    _failure(session, "anna.berg", WRONG)
    _failure(session, "anna.berg", WRONG)
    assert authenticate(session, username="anna.berg", password=PASSWORD).id == anna.id


def test_lockout_counts_per_normalised_username(
    session: Session, anna: User, configure: Callable[..., None]
) -> None:
    configure(login_max_failures=3)
    for typed in ("ANNA.BERG", "anna.berg", " Anna.Berg "):
        _failure(session, typed, WRONG)

    _failure(session, "anna.berg", PASSWORD)
    assert session.get(LoginThrottle, "anna.berg") is not None


def test_lockout_of_one_username_leaves_others_alone(
    session: Session, anna: User, configure: Callable[..., None]
) -> None:
    configure(login_max_failures=2)
    other_company = make_company(session, make_org(session, "Annan"))
    bo = make_user(session, other_company, username="bo.ek", password=PASSWORD)
    session.commit()
    for _ in range(2):
        _failure(session, "anna.berg", WRONG)

    assert authenticate(session, username="bo.ek", password=PASSWORD).id == bo.id


def test_still_locked_just_before_the_lockout_ends(
    session: Session, anna: User, configure: Callable[..., None]
) -> None:
    configure(login_max_failures=3, login_lockout_minutes=10)
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(3):
            _failure(session, "anna.berg", WRONG)
        traveller.shift(timedelta(minutes=10) - timedelta(seconds=1))

        _failure(session, "anna.berg", PASSWORD)


def test_the_account_unlocks_after_the_lockout_minutes(
    session: Session, anna: User, configure: Callable[..., None]
) -> None:
    configure(login_max_failures=3, login_lockout_minutes=10)
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(3):
            _failure(session, "anna.berg", WRONG)
        _failure(session, "anna.berg", PASSWORD)  # locked, even with the right password
        last_failure = T0

        traveller.move_to(last_failure + timedelta(minutes=10, seconds=1))
        user = authenticate(session, username="anna.berg", password=PASSWORD)

    assert user.id == anna.id


def test_attempts_during_a_lock_do_not_extend_it(
    session: Session, anna: User, configure: Callable[..., None]
) -> None:
    configure(login_max_failures=3, login_lockout_minutes=10)
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(3):
            _failure(session, "anna.berg", WRONG)
        traveller.shift(timedelta(minutes=9))
        for _ in range(5):  # someone keeps hammering the locked username
            _failure(session, "anna.berg", WRONG)

        traveller.move_to(T0 + timedelta(minutes=10, seconds=1))
        user = authenticate(session, username="anna.berg", password=PASSWORD)

    assert user.id == anna.id


def test_unknown_usernames_are_throttled_like_known_ones(
    session: Session, anna: User, configure: Callable[..., None]
) -> None:
    configure(login_max_failures=3, login_lockout_minutes=10)
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            _failure(session, "anna.berg", WRONG)
            _failure(session, "Spöke.Ingen", WRONG)

    known = session.get(LoginThrottle, "anna.berg")
    unknown = session.get(LoginThrottle, "spöke.ingen")
    assert known is not None and unknown is not None
    assert (known.failures, known.locked_until) == (unknown.failures, unknown.locked_until)
    assert unknown.locked_until == T0 + timedelta(minutes=10)


def test_a_locked_unknown_username_is_audited_like_a_locked_known_one(
    session: Session, anna: User, configure: Callable[..., None]
) -> None:
    configure(login_max_failures=2)
    for name in ("anna.berg", "spöke.ingen"):
        for _ in range(3):
            _failure(session, name, WRONG)

    outcomes = session.exec(
        select(AuditEvent.outcome).where(AuditEvent.action == "login").order_by(col(AuditEvent.id))
    ).all()
    assert outcomes == ["failed", "failed", "locked"] * 2


def test_a_very_long_username_fails_generically_and_fits_the_throttle_table(
    session: Session, anna: User
) -> None:
    assert _failure(session, "x" * 300, WRONG).key == "login.failed"

    keys = session.exec(select(LoginThrottle.username_key)).all()
    column_length = LoginThrottle.__table__.c.username_key.type.length  # type: ignore[attr-defined]
    assert keys and all(len(key) <= column_length for key in keys)


def test_a_removed_user_cannot_log_in(session: Session, anna: User) -> None:
    anna.status = UserStatus.REMOVED
    session.add(anna)
    session.commit()

    assert _failure(session, "anna.berg", PASSWORD).key == "login.failed"


def test_a_user_without_a_password_cannot_log_in(session: Session) -> None:
    company = make_company(session, make_org(session))
    make_user(session, company, username="utan.losen")
    session.commit()

    _failure(session, "utan.losen", "")
    _failure(session, "utan.losen", PASSWORD)


def test_failed_logins_are_audited_without_the_password(session: Session, anna: User) -> None:
    secret_tries = ["hemligt försök nummer ett", "ett annat hemligt försök"]
    _failure(session, "anna.berg", secret_tries[0])
    _failure(session, "ingen.alls", secret_tries[1])

    events = session.exec(select(AuditEvent).where(AuditEvent.action == "login")).all()
    assert [e.outcome for e in events] == ["failed", "failed"]
    assert events[0].target_id == str(anna.id)
    for event in events:
        values = [str(v) for v in event.model_dump().values() if v is not None]
        assert not any(secret in value for secret in secret_tries for value in values)
        assert not any("$argon2" in value for value in values)


def test_failures_are_kept_even_if_the_caller_rolls_back(session: Session, anna: User) -> None:
    _failure(session, "anna.berg", WRONG)
    session.rollback()

    throttle = session.get(LoginThrottle, "anna.berg")
    assert throttle is not None and throttle.failures == 1


# -- tickets and sessions ----------------------------------------------------------------------


def test_a_redeemed_ticket_gives_a_session_that_resolves_to_the_actor(
    session: Session, anna: User
) -> None:
    grant(session, anna, Role.HEAD_ADMIN)
    user = authenticate(session, username="anna.berg", password=PASSWORD)

    raw = _sign_in(session, user)
    signed_in = resolve_session(session, raw_token=raw)

    assert signed_in is not None
    assert signed_in.actor.user_id == anna.id
    assert signed_in.actor.is_head_admin
    assert signed_in.username == "Anna.Berg"
    # Only a keyed hash of the cookie value is stored.
    stored = session.exec(select(LoginSession)).one()
    assert stored.token_hash != raw


def test_a_ticket_cannot_be_redeemed_twice(session: Session, anna: User) -> None:
    ticket = issue_login_ticket(session, user=anna)

    assert redeem_login_ticket(session, ticket=ticket) is not None
    assert redeem_login_ticket(session, ticket=ticket) is None


def test_a_ticket_expires_after_a_minute(session: Session, anna: User) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        ticket = issue_login_ticket(session, user=anna)
        traveller.shift(timedelta(seconds=61))

        assert redeem_login_ticket(session, ticket=ticket) is None


def test_a_ticket_is_not_a_password_link(session: Session, anna: User) -> None:
    ticket = issue_login_ticket(session, user=anna)

    with pytest.raises(ServiceError) as caught:
        set_password_with_link(session, raw_token=ticket, password=PASSWORD, repeat=PASSWORD)
    assert caught.value.key == "set_password.link_unknown"


def test_unknown_or_missing_session_tokens_resolve_to_none(session: Session, anna: User) -> None:
    _sign_in(session, anna)

    assert resolve_session(session, raw_token=None) is None
    assert resolve_session(session, raw_token="") is None
    assert resolve_session(session, raw_token="not-a-session") is None
    assert resolve_session(session, raw_token="x" * 500) is None


def test_a_session_expires_after_session_hours(session: Session, anna: User) -> None:
    # Used every 20 minutes, so the idle timeout never ends it: only the absolute lifetime.
    hours = get_settings().session_hours
    with time_machine.travel(T0, tick=False) as traveller:
        raw = _sign_in(session, anna)
        for _ in range(hours * 3 - 1):
            traveller.shift(timedelta(minutes=20))
            assert resolve_session(session, raw_token=raw) is not None
        traveller.shift(timedelta(minutes=20) - timedelta(seconds=1))
        assert resolve_session(session, raw_token=raw) is not None

        traveller.shift(timedelta(seconds=1))
        assert resolve_session(session, raw_token=raw) is None


def test_ending_a_session_revokes_it(session: Session, anna: User) -> None:
    raw = _sign_in(session, anna)
    other_device = _sign_in(session, anna)

    end_session(session, raw_token=raw)
    session.commit()

    assert resolve_session(session, raw_token=raw) is None
    assert resolve_session(session, raw_token=other_device) is not None
    logout = session.exec(select(AuditEvent).where(AuditEvent.action == "logout")).one()
    assert logout.actor_user_id == anna.id


def test_ending_an_unknown_session_does_nothing(session: Session, anna: User) -> None:
    end_session(session, raw_token="not-a-session")
    end_session(session, raw_token=None)

    assert session.exec(select(AuditEvent).where(AuditEvent.action == "logout")).all() == []


def test_a_removed_users_session_stops_resolving(session: Session, anna: User) -> None:
    raw = _sign_in(session, anna)
    anna.status = UserStatus.REMOVED
    session.add(anna)
    session.commit()

    assert resolve_session(session, raw_token=raw) is None


def test_setting_a_password_from_a_link_revokes_every_session(session: Session, anna: User) -> None:
    first, second = _sign_in(session, anna), _sign_in(session, anna)
    assert anna.id is not None
    link = issue_token(
        session, user_id=anna.id, purpose=TokenPurpose.RESET_PASSWORD, lifetime=timedelta(hours=1)
    )

    set_password_with_link(
        session,
        raw_token=link,
        password="en helt ny lösenfras här",
        repeat="en helt ny lösenfras här",
    )
    session.commit()

    assert resolve_session(session, raw_token=first) is None
    assert resolve_session(session, raw_token=second) is None
    assert (
        authenticate(session, username="anna.berg", password="en helt ny lösenfras här").id
        == anna.id
    )

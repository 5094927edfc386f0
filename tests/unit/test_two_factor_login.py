"""The login's second step: the half-done login is a hashed, short-lived, single-use token;
the code is checked before any ticket; an organisation's requirement forces enrolment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlmodel import Session, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.auth.tokens import hash_secret
from admin_portal.models import AuditEvent, Role, Token, TokenPurpose, User
from admin_portal.services.auth.login import (
    issue_login_ticket,
    redeem_login_ticket,
    resolve_session,
)
from admin_portal.services.auth.two_factor import (
    confirm_enrolment,
    set_admin_two_factor_requirement,
    start_enrolment,
)
from admin_portal.services.auth.two_factor_codes import CodeRefused, is_enrolled
from admin_portal.services.auth.two_factor_login import (
    SecondStepExpired,
    SecondStepMode,
    begin_second_step,
    complete_second_step,
    confirm_enrolment_at_login,
    describe_second_step,
    finish_login_after_enrolment,
    start_enrolment_at_login,
)
from tests.support.factories import grant, make_company, make_org, make_unit, make_user

T0 = datetime(2030, 3, 1, 9, 0, 5, tzinfo=UTC)
PASSWORD = "en lång och hemlig lösenfras"

pytestmark = pytest.mark.usefixtures("cheap_argon2")


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(session: Session) -> dict[str, User]:
    org = make_org(session)
    company = make_company(session, org)
    unit = make_unit(session, company)
    head = make_user(session, company, username="huvud", password=PASSWORD)
    admin = make_user(session, company, username="enhetsadmin", password=PASSWORD, unit=unit)
    standard = make_user(session, company, username="vanlig", password=PASSWORD, unit=unit)
    grant(session, head, Role.HEAD_ADMIN)
    grant(session, admin, Role.ADMIN, unit=unit)
    session.commit()
    return {"head": head, "admin": admin, "standard": standard}


def _actor(session: Session, user: User) -> Actor:
    actor = load_actor(session, user.id or 0)
    assert actor is not None
    return actor


def _enrol(session: Session, user: User, when: datetime) -> tuple[str, list[str]]:
    with time_machine.travel(when, tick=False):
        actor = _actor(session, user)
        secret = start_enrolment(session, actor=actor).secret_text.replace(" ", "")
        codes = confirm_enrolment(session, actor=actor, code=pyotp.TOTP(secret).at(when))
        session.commit()
    return secret, codes


def _require(session: Session, people: dict[str, User]) -> None:
    _enrol(session, people["head"], T0 - timedelta(hours=1))
    set_admin_two_factor_requirement(session, actor=_actor(session, people["head"]), required=True)
    session.commit()


def test_an_admin_without_two_factor_needs_no_second_step(
    session: Session, people: dict[str, User]
) -> None:
    assert begin_second_step(session, user=people["admin"]) is None
    assert begin_second_step(session, user=people["standard"]) is None


def test_an_enrolled_admin_gets_a_hashed_pending_step_and_no_ticket_yet(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates
) -> None:
    _enrol(session, people["admin"], T0 - timedelta(minutes=5))

    step = begin_second_step(session, user=people["admin"])

    assert step is not None and step.mode is SecondStepMode.CODE
    tokens = session.exec(select(Token)).all()
    assert [t.purpose for t in tokens] == [TokenPurpose.SECOND_FACTOR]
    assert tokens[0].token_hash == hash_secret(step.raw_token) != step.raw_token
    assert tokens[0].expires_at == T0 + timedelta(minutes=10)


def test_the_right_code_completes_the_login(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates
) -> None:
    secret, _ = _enrol(session, people["admin"], T0 - timedelta(minutes=5))
    step = begin_second_step(session, user=people["admin"])
    assert step is not None

    ticket = complete_second_step(session, raw_token=step.raw_token, code=pyotp.TOTP(secret).at(T0))
    raw_session = redeem_login_ticket(session, ticket=ticket)

    assert raw_session is not None
    who = resolve_session(session, raw_token=raw_session)
    assert who is not None and who.actor.user_id == people["admin"].id
    assert "two_factor_verified" in session.exec(select(AuditEvent.action)).all()


def test_a_wrong_code_keeps_the_step_open_and_issues_nothing(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates
) -> None:
    secret, _ = _enrol(session, people["admin"], T0 - timedelta(minutes=5))
    step = begin_second_step(session, user=people["admin"])
    assert step is not None

    with pytest.raises(CodeRefused):
        complete_second_step(session, raw_token=step.raw_token, code="000000")

    purposes = session.exec(select(Token.purpose)).all()
    assert TokenPurpose.LOGIN_TICKET not in purposes
    assert complete_second_step(session, raw_token=step.raw_token, code=pyotp.TOTP(secret).at(T0))


def test_the_pending_step_is_single_use(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates
) -> None:
    secret, _ = _enrol(session, people["admin"], T0 - timedelta(minutes=5))
    step = begin_second_step(session, user=people["admin"])
    assert step is not None
    complete_second_step(session, raw_token=step.raw_token, code=pyotp.TOTP(secret).at(T0))

    clock.shift(timedelta(seconds=30))  # a fresh code: only the used step stands in the way
    with pytest.raises(SecondStepExpired):
        complete_second_step(
            session,
            raw_token=step.raw_token,
            code=pyotp.TOTP(secret).at(T0 + timedelta(seconds=30)),
        )


def test_the_pending_step_expires_after_ten_minutes(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates
) -> None:
    secret, _ = _enrol(session, people["admin"], T0 - timedelta(minutes=5))
    step = begin_second_step(session, user=people["admin"])
    assert step is not None

    clock.shift(timedelta(minutes=10, seconds=1))
    later = T0 + timedelta(minutes=10, seconds=1)
    with pytest.raises(SecondStepExpired):
        complete_second_step(session, raw_token=step.raw_token, code=pyotp.TOTP(secret).at(later))


@pytest.mark.parametrize("forged", ["", "x" * 500, "not-a-token", None, 42])
def test_forged_pending_tokens_are_refused(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates, forged: object
) -> None:
    secret, _ = _enrol(session, people["admin"], T0 - timedelta(minutes=5))
    with pytest.raises(SecondStepExpired):
        complete_second_step(session, raw_token=forged, code=pyotp.TOTP(secret).at(T0))  # type: ignore[arg-type]


def test_a_login_ticket_is_not_a_pending_step(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates
) -> None:
    secret, _ = _enrol(session, people["admin"], T0 - timedelta(minutes=5))
    ticket = issue_login_ticket(session, user=people["admin"])
    with pytest.raises(SecondStepExpired):
        complete_second_step(session, raw_token=ticket, code=pyotp.TOTP(secret).at(T0))


def test_a_recovery_code_completes_the_login_once(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates
) -> None:
    _, codes = _enrol(session, people["admin"], T0 - timedelta(minutes=5))
    first = begin_second_step(session, user=people["admin"])
    assert first is not None
    assert complete_second_step(session, raw_token=first.raw_token, code=codes[0])
    session.commit()

    second = begin_second_step(session, user=people["admin"])
    assert second is not None
    with pytest.raises(CodeRefused):
        complete_second_step(session, raw_token=second.raw_token, code=codes[0])
    details = session.exec(
        select(AuditEvent.detail).where(AuditEvent.action == "two_factor_verified")
    ).all()
    assert details == ["recovery code"]


# -- the organisation requires two-factor -------------------------------------------------------


def test_when_required_an_admin_without_it_enrols_before_getting_a_session(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates
) -> None:
    _require(session, people)
    step = begin_second_step(session, user=people["admin"])
    assert step is not None and step.mode is SecondStepMode.ENROL
    assert describe_second_step(session, raw_token=step.raw_token) is SecondStepMode.ENROL
    # No code step for someone who has no app yet.
    with pytest.raises(SecondStepExpired):
        complete_second_step(session, raw_token=step.raw_token, code="123456")

    enrolment = start_enrolment_at_login(session, raw_token=step.raw_token)
    secret = enrolment.secret_text.replace(" ", "")
    enrolled = confirm_enrolment_at_login(
        session, raw_token=step.raw_token, code=pyotp.TOTP(secret).at(T0)
    )

    assert len(enrolled.recovery_codes) == 10 and is_enrolled(session, people["admin"].id or 0)
    assert TokenPurpose.LOGIN_TICKET not in session.exec(select(Token.purpose)).all()
    ticket = finish_login_after_enrolment(session, raw_token=enrolled.raw_token)
    assert redeem_login_ticket(session, ticket=ticket) is not None
    with pytest.raises(SecondStepExpired):  # the "passed" token is single-use too
        finish_login_after_enrolment(session, raw_token=enrolled.raw_token)


def test_when_required_standard_users_log_in_as_before(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates
) -> None:
    _require(session, people)
    assert begin_second_step(session, user=people["standard"]) is None


def test_an_enrolled_admin_cannot_be_re_enrolled_through_the_login(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates
) -> None:
    _require(session, people)
    _enrol(session, people["admin"], T0 - timedelta(minutes=5))
    step = begin_second_step(session, user=people["admin"])
    assert step is not None and step.mode is SecondStepMode.CODE

    with pytest.raises(SecondStepExpired):
        start_enrolment_at_login(session, raw_token=step.raw_token)
    with pytest.raises(SecondStepExpired):
        confirm_enrolment_at_login(session, raw_token=step.raw_token, code="123456")


def test_when_required_an_existing_session_of_an_admin_without_it_stops_working(
    session: Session, people: dict[str, User], clock: time_machine.Coordinates
) -> None:
    raw = redeem_login_ticket(session, ticket=issue_login_ticket(session, user=people["admin"]))
    plain = redeem_login_ticket(
        session, ticket=issue_login_ticket(session, user=people["standard"])
    )
    assert raw is not None and plain is not None
    assert resolve_session(session, raw_token=raw) is not None

    _require(session, people)

    assert resolve_session(session, raw_token=raw) is None
    assert resolve_session(session, raw_token=plain) is not None

"""The login's second step: after the right password, a TOTP code (or a forced enrolment).

The half-done login is a Token row (purpose `second_factor`): random, stored as a keyed
hash, ten minutes, single use. Its raw value stays on the server (a backend-only state
var), so the user is always the token's, never one a client names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlmodel import Session

from admin_portal.auth.permissions import load_actor
from admin_portal.auth.tokens import TokenState, consume_token, inspect_token, issue_token
from admin_portal.models import TokenPurpose, User, UserStatus, require_id
from admin_portal.services.audit.events import record_event
from admin_portal.services.auth import two_factor_codes as codes
from admin_portal.services.auth.login import issue_login_ticket
from admin_portal.services.auth.two_factor import organisation_requires
from admin_portal.services.auth.two_factor_codes import EnrolmentStart
from admin_portal.services.errors import ServiceError

SECOND_STEP_LIFETIME = timedelta(minutes=10)


class SecondStepMode(StrEnum):
    CODE = "code"  # enrolled: type the code from the app (or a recovery code)
    ENROL = "enrol"  # the organisation requires two-factor and this admin has none yet


@dataclass(frozen=True)
class SecondStep:
    raw_token: str
    mode: SecondStepMode


@dataclass(frozen=True)
class EnrolledAtLogin:
    recovery_codes: list[str]
    # Swapped for the login ticket once the person has kept the recovery codes.
    raw_token: str


class SecondStepExpired(ServiceError):
    """The half-done login is gone (expired, used, unknown): sign in again."""

    def __init__(self) -> None:
        super().__init__("two_factor.step_expired")


def _mode_for(session: Session, user: User) -> SecondStepMode | None:
    uid = require_id(user)
    if codes.is_enrolled(session, uid):
        return SecondStepMode.CODE
    actor = load_actor(session, uid)
    if (
        actor is not None
        and actor.is_admin
        and organisation_requires(session, actor.organisation_id)
    ):
        return SecondStepMode.ENROL
    return None


def begin_second_step(session: Session, *, user: User) -> SecondStep | None:
    """Call right after the password was verified. None: no second step, issue the ticket."""
    mode = _mode_for(session, user)
    if mode is None:
        return None
    raw = issue_token(
        session,
        user_id=require_id(user),
        purpose=TokenPurpose.SECOND_FACTOR,
        lifetime=SECOND_STEP_LIFETIME,
    )
    return SecondStep(raw_token=raw, mode=mode)


def _pending_user(session: Session, raw_token: object, purpose: str) -> User:
    raw = raw_token if isinstance(raw_token, str) else ""
    state, token = inspect_token(session, raw, purpose)
    if state is not TokenState.VALID or token is None:
        raise SecondStepExpired()
    user = session.get(User, token.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        raise SecondStepExpired()
    return user


def describe_second_step(session: Session, *, raw_token: str) -> SecondStepMode:
    """Which step the half-done login needs now. Raises SecondStepExpired when it is gone."""
    user = _pending_user(session, raw_token, TokenPurpose.SECOND_FACTOR)
    mode = _mode_for(session, user)
    if mode is None:  # the requirement was lifted meanwhile: a fresh login needs no code
        raise SecondStepExpired()
    return mode


def _consume(session: Session, raw_token: str, purpose: str) -> None:
    state, _ = consume_token(session, raw_token, purpose)
    if state is not TokenState.VALID:
        raise SecondStepExpired()


def complete_second_step(session: Session, *, raw_token: str, code: object) -> str:
    """Check the code for the half-done login; on success it is used up and a ticket issued."""
    user = _pending_user(session, raw_token, TokenPurpose.SECOND_FACTOR)
    credential = codes.credential_of(session, require_id(user))
    if credential is None or credential.confirmed_at is None:
        raise SecondStepExpired()
    method = codes.check_code(
        session, user=user, credential=credential, code=code if isinstance(code, str) else ""
    )
    _consume(session, raw_token, TokenPurpose.SECOND_FACTOR)
    record_event(
        session,
        action="two_factor_verified",
        organisation_id=user.organisation_id,
        actor_user_id=user.id,
        target_type="user",
        target_id=user.id,
        detail="recovery code" if method == "recovery" else None,
    )
    return issue_login_ticket(session, user=user)


def start_enrolment_at_login(session: Session, *, raw_token: str) -> EnrolmentStart:
    """The forced enrolment's QR code, for an admin whose organisation requires two-factor."""
    user = _pending_user(session, raw_token, TokenPurpose.SECOND_FACTOR)
    if _mode_for(session, user) is not SecondStepMode.ENROL:
        raise SecondStepExpired()
    return codes.begin_enrolment(session, user=user)


def confirm_enrolment_at_login(
    session: Session, *, raw_token: str, code: object
) -> EnrolledAtLogin:
    """The first code turns two-factor on; the recovery codes are shown before the session."""
    user = _pending_user(session, raw_token, TokenPurpose.SECOND_FACTOR)
    if _mode_for(session, user) is not SecondStepMode.ENROL:
        raise SecondStepExpired()
    recovery = codes.confirm_enrolment(
        session, user=user, code=code if isinstance(code, str) else ""
    )
    _consume(session, raw_token, TokenPurpose.SECOND_FACTOR)
    passed = issue_token(
        session,
        user_id=require_id(user),
        purpose=TokenPurpose.SECOND_FACTOR_PASSED,
        lifetime=SECOND_STEP_LIFETIME,
    )
    return EnrolledAtLogin(recovery_codes=recovery, raw_token=passed)


def finish_login_after_enrolment(session: Session, *, raw_token: str) -> str:
    """ "Fortsätt" after the recovery codes: the enrolled admin gets the login ticket."""
    user = _pending_user(session, raw_token, TokenPurpose.SECOND_FACTOR_PASSED)
    if not codes.is_enrolled(session, require_id(user)):
        raise SecondStepExpired()
    _consume(session, raw_token, TokenPurpose.SECOND_FACTOR_PASSED)
    return issue_login_ticket(session, user=user)

"""The second factor of one user: enrolment, code checks (replay, throttling), recovery codes.

Shared by Mitt konto (`services/auth/two_factor.py`) and the login's second step
(`services/auth/two_factor_login.py`). Permission checks belong to those callers; every
function here acts on the user it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, func, select

from admin_portal.auth import totp
from admin_portal.auth.passwords import verify_password
from admin_portal.auth.tokens import hash_secret
from admin_portal.config import get_settings
from admin_portal.models import RecoveryCode, TotpCredential, User, require_id, utcnow
from admin_portal.services.audit.events import record_event
from admin_portal.services.errors import ServiceError

_FAILURE_WINDOW = timedelta(minutes=15)


class CodeRefused(ServiceError):
    """A wrong, replayed or locked-out code (or password). `key` says which, for the person."""


@dataclass(frozen=True)
class EnrolmentStart:
    """What the enrolment screen shows: the QR code and the same secret as text."""

    secret_text: str
    qr_svg: str


def credential_of(session: Session, user_id: int) -> TotpCredential | None:
    return session.exec(select(TotpCredential).where(TotpCredential.user_id == user_id)).first()


def is_enrolled(session: Session, user_id: int) -> bool:
    credential = credential_of(session, user_id)
    return credential is not None and credential.confirmed_at is not None


def recovery_codes_left(session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, col(RecoveryCode.used_at).is_(None))
    ).one()


def begin_enrolment(session: Session, *, user: User) -> EnrolmentStart:
    """A new secret (stored encrypted, unconfirmed) for a user who has none confirmed yet."""
    uid = require_id(user)
    credential = credential_of(session, uid)
    if credential is not None and credential.confirmed_at is not None:
        raise ServiceError("two_factor.already_enrolled")
    secret = totp.new_secret()
    # The row (and its failure counter) is kept across restarts: restarting resets nothing.
    credential = credential or TotpCredential(user_id=uid, secret_encrypted="")
    credential.secret_encrypted = totp.encrypt_secret(secret)
    credential.last_used_step = None
    session.add(credential)
    session.flush()
    uri = totp.provisioning_uri(secret, account=user.username)
    return EnrolmentStart(secret_text=totp.grouped(secret), qr_svg=totp.qr_svg(uri))


def confirm_enrolment(session: Session, *, user: User, code: str) -> list[str]:
    """The first code proves the app holds the secret. Returns the recovery codes (shown once)."""
    uid = require_id(user)
    credential = credential_of(session, uid)
    if credential is None:
        raise ServiceError("two_factor.no_enrolment")
    if credential.confirmed_at is not None:
        raise ServiceError("two_factor.already_enrolled")
    check_code(session, user=user, credential=credential, code=code, allow_recovery=False)
    credential.confirmed_at = utcnow()
    session.add(credential)
    codes = replace_recovery_codes(session, user_id=uid)
    record_event(
        session,
        action="two_factor_enabled",
        organisation_id=user.organisation_id,
        actor_user_id=uid,
        target_type="user",
        target_id=uid,
    )
    return codes


def replace_recovery_codes(session: Session, *, user_id: int) -> list[str]:
    """New codes; every earlier one stops working. Only keyed hashes are stored."""
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    codes = totp.new_recovery_codes()
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=_recovery_hash(code)))
    session.flush()
    return codes


def remove_second_factor(session: Session, *, user_id: int) -> None:
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    session.execute(delete(TotpCredential).where(col(TotpCredential.user_id) == user_id))


def _recovery_hash(code: str) -> str:
    return hash_secret("recovery:" + totp.normalise_code(code))


def check_code(
    session: Session,
    *,
    user: User,
    credential: TotpCredential,
    code: str,
    allow_recovery: bool = True,
    now: datetime | None = None,
) -> str:
    """Accept a current TOTP code (or an unused recovery code). Returns "totp" or "recovery".

    A refusal counts against the account and is committed before CodeRefused is raised, so
    a caller's rollback cannot undo it. While locked, even the right code is refused.
    """
    now = now or utcnow()
    _refuse_if_locked(session, user, credential, now)
    typed = totp.normalise_code(code)
    if totp.looks_like_totp(typed):
        try:
            secret = totp.decrypt_secret(credential.secret_encrypted)
        except totp.SecretUnreadable:
            _refuse(session, user, credential, now, "two_factor.secret_unreadable", "unreadable")
        step = totp.matching_step(secret, typed, now=now)
        if step is not None and _take_step(session, credential, step):
            _clear_failures(session, credential)
            return "totp"
        if step is not None:
            _refuse(session, user, credential, now, "two_factor.code_used", "replayed")
    elif (
        allow_recovery
        and totp.looks_like_recovery_code(typed)
        and _use_recovery_code(session, require_id(user), typed, now)
    ):
        _clear_failures(session, credential)
        record_event(
            session,
            action="two_factor_recovery_code_used",
            organisation_id=user.organisation_id,
            actor_user_id=user.id,
            target_type="user",
            target_id=user.id,
        )
        return "recovery"
    _refuse(session, user, credential, now, "two_factor.code_wrong", "failed")
    raise AssertionError("unreachable")  # _refuse always raises


def check_password(
    session: Session, *, user: User, credential: TotpCredential, password: str
) -> None:
    """The password as the alternative proof (turning two-factor off); throttled alike."""
    now = utcnow()
    _refuse_if_locked(session, user, credential, now)
    if not verify_password(user.password_hash, (password or "")[:256]):
        _refuse(session, user, credential, now, "two_factor.password_wrong", "failed")
    _clear_failures(session, credential)


def _take_step(session: Session, credential: TotpCredential, step: int) -> bool:
    """Record the step as used unless it (or a later one) already was: one winner per step."""
    result = session.execute(
        update(TotpCredential)
        .where(
            col(TotpCredential.id) == credential.id,
            or_(
                col(TotpCredential.last_used_step).is_(None),
                col(TotpCredential.last_used_step) < step,
            ),
        )
        .values(last_used_step=step)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(credential)
    return True


def _use_recovery_code(session: Session, user_id: int, typed: str, now: datetime) -> bool:
    result = session.execute(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.user_id) == user_id,
            col(RecoveryCode.code_hash) == _recovery_hash(typed),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=now)
    )
    return (result.rowcount or 0) >= 1  # type: ignore[attr-defined]


def _refuse_if_locked(
    session: Session, user: User, credential: TotpCredential, now: datetime
) -> None:
    if credential.locked_until is not None and credential.locked_until > now:
        # Attempts during a lock neither count nor extend it.
        _audit_refusal(session, user, "locked")
        session.commit()
        raise CodeRefused("two_factor.locked")


def _refuse(
    session: Session,
    user: User,
    credential: TotpCredential,
    now: datetime,
    key: str,
    outcome: str,
) -> None:
    settings = get_settings()
    if credential.first_failure_at is None or now - credential.first_failure_at > _FAILURE_WINDOW:
        credential.failures = 0
        credential.first_failure_at = now
    credential.failures += 1
    if credential.failures >= settings.totp_max_failures:
        credential.locked_until = now + timedelta(minutes=settings.totp_lockout_minutes)
        credential.failures = 0
        credential.first_failure_at = None
        key, outcome = "two_factor.locked", "locked"
    session.add(credential)
    _audit_refusal(session, user, outcome)
    session.commit()  # the failure counts even though the caller rolls back
    raise CodeRefused(key)


def _clear_failures(session: Session, credential: TotpCredential) -> None:
    credential.failures = 0
    credential.first_failure_at = None
    credential.locked_until = None
    session.add(credential)


def _audit_refusal(session: Session, user: User, outcome: str) -> None:
    # Never the typed code: a near miss of a TOTP code or a recovery code is still a secret.
    record_event(
        session,
        action="two_factor_failed",
        organisation_id=user.organisation_id,
        actor_user_id=user.id,
        target_type="user",
        target_id=user.id,
        outcome=outcome,
    )

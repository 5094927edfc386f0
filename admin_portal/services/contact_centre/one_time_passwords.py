"""Engångslösenord (F3.2): "Behöver nytt lösenord?" sends a one-time password by e-mail or SMS.

The code is 8 digits, single use, valid `one_time_password_minutes`, stored only as a keyed
hash, and at most `one_time_password_max_attempts` wrong guesses are allowed against it.
Requests and guesses are limited per client address; a person gets at most one code per
`one_time_password_cooldown_seconds`. The request answers the same whether or not anyone
matched. A right code becomes a short "Välj lösenord" link: the person then chooses a
password on the existing page.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from functools import lru_cache
from html import escape

from limits import RateLimitItem, parse_many, storage, strategies
from sqlalchemy import update
from sqlmodel import Session, col, select

from admin_portal.auth.tokens import hash_secret, issue_token
from admin_portal.config import get_settings
from admin_portal.i18n import t
from admin_portal.mail.messages import Message, set_password_path
from admin_portal.mail.outbox import enqueue_message
from admin_portal.models import (
    OneTimePassword,
    RoleAssignment,
    TokenPurpose,
    User,
    UserStatus,
    require_id,
    utcnow,
)
from admin_portal.services.audit.events import record_event
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.sms.outbox import enqueue_sms
from admin_portal.validation.identifiers import username_key

CHANNELS = ("email", "sms")
CODE_DIGITS = 8
INVALID = "one_time_password.invalid"
LINK_MINUTES = 15
USERNAME_MAX = 100


class OneTimePasswordLimited(ServiceError):
    def __init__(self) -> None:
        super().__init__("rate_limit.too_many")


@lru_cache(maxsize=4)
def _limiter(storage_url: str) -> strategies.RateLimiter:
    return strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_url))


@lru_cache(maxsize=8)
def _items(notation: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(notation))


def _count(kind: str, client_address: str | None) -> None:
    settings = get_settings()
    limiter = _limiter(settings.rate_limit_storage_url)
    key = (client_address or "unknown").strip()[:64] or "unknown"
    for item in _items(settings.one_time_password_rate_limit_per_address):
        if not limiter.hit(item, "one_time_password", kind, key):
            raise OneTimePasswordLimited()


def reset_one_time_password_limits() -> None:
    """Tests: forget the counters of the memory storage."""
    _limiter(get_settings().rate_limit_storage_url).storage.reset()


def _code_hash(user_id: int, code: str) -> str:
    # Bound to the person: the same digits for someone else hash differently.
    return hash_secret(f"otp:{user_id}:{code}")


def _user(session: Session, username: object) -> User | None:
    """The active person of this username, unless they hold an admin or support grant.

    Administrators keep "Glömt lösenord?" (mail) only: a one-time password by SMS to a
    number an admin typed must not open an account that administers others.
    """
    text = username.strip() if isinstance(username, str) else ""
    if not text or len(text) > USERNAME_MAX:
        return None
    user = session.exec(
        select(User).where(
            User.username_key == username_key(text), User.status == UserStatus.ACTIVE
        )
    ).first()
    if user is None:
        return None
    granted = session.exec(
        select(RoleAssignment.id).where(RoleAssignment.user_id == user.id)
    ).first()
    return None if granted is not None else user


def _message(user: User, code: str, minutes: int) -> tuple[str, str]:
    lang = user.language
    return (
        t("mail.one_time_password.subject", lang),
        t("one_time_password.message", lang, code=code, minutes=minutes),
    )


def request_one_time_password(
    session: Session, *, username: object, channel: object, client_address: str | None
) -> None:
    """Send a new one-time password to the person's e-mail or mobile, if any.

    Raises:
        OneTimePasswordLimited: too many requests from this address (nothing is looked up).
        ValidationFailed: the channel is neither "email" nor "sms".
    """
    _count("request", client_address)
    if channel not in CHANNELS:
        raise ValidationFailed({"channel": "one_time_password.channel_required"})
    user = _user(session, username)
    if user is None:
        return
    target = user.email if channel == "email" else user.mobile
    if not target or (channel == "email" and user.email_bounced_at is not None):
        return
    settings = get_settings()
    now = utcnow()
    uid = require_id(user)
    latest = session.exec(
        select(OneTimePassword.created_at)
        .where(OneTimePassword.user_id == uid)
        .order_by(col(OneTimePassword.created_at).desc())
    ).first()
    if latest is not None and latest > now - timedelta(
        seconds=settings.one_time_password_cooldown_seconds
    ):
        return
    # A new code ends every earlier one.
    session.execute(
        update(OneTimePassword)
        .where(col(OneTimePassword.user_id) == uid, col(OneTimePassword.used_at).is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    expires = now + timedelta(minutes=settings.one_time_password_minutes)
    session.add(
        OneTimePassword(
            user_id=uid,
            channel=str(channel),
            code_hash=_code_hash(uid, code),
            created_at=now,
            expires_at=expires,
        )
    )
    subject, text = _message(user, code, settings.one_time_password_minutes)
    if channel == "email":
        enqueue_message(
            session,
            Message(
                kind="one_time_password",
                language=user.language,
                subject=subject,
                html=f"<p>{escape(text)}</p>",
                text=text,
            ),
            to_address=target,
            organisation_id=user.organisation_id,
            user_id=uid,
            link_expires_at=expires,
        )
    else:
        enqueue_sms(
            session,
            to_number=target,
            body=text,
            organisation_id=user.organisation_id,
            user_id=uid,
            body_expires_at=expires,
        )
    record_event(
        session,
        action="one_time_password_sent",
        organisation_id=user.organisation_id,
        actor_user_id=uid,
        target_type="user",
        target_id=uid,
    )


def redeem_one_time_password(
    session: Session, *, username: object, code: object, client_address: str | None
) -> str:
    """A right, unused, unexpired code: used up now; returns the "Välj lösenord" path.

    A wrong code counts against the password (committed before the refusal).

    Raises:
        OneTimePasswordLimited: too many attempts from this address.
        ServiceError: ``one_time_password.invalid`` for every other failure (no person,
            no code, wrong, used, expired, too many wrong guesses), so nothing is revealed.
    """
    _count("redeem", client_address)
    user = _user(session, username)
    digits = code.strip().replace(" ", "") if isinstance(code, str) else ""
    if user is None or not (digits.isascii() and digits.isdigit() and len(digits) == CODE_DIGITS):
        raise ServiceError(INVALID)
    uid = require_id(user)
    now = utcnow()
    current = session.exec(
        select(OneTimePassword)
        .where(
            OneTimePassword.user_id == uid,
            col(OneTimePassword.used_at).is_(None),
            col(OneTimePassword.expires_at) > now,
        )
        .order_by(col(OneTimePassword.created_at).desc())
    ).first()
    settings = get_settings()
    if current is None or current.failed_attempts >= settings.one_time_password_max_attempts:
        raise ServiceError(INVALID)
    if not hmac.compare_digest(current.code_hash, _code_hash(uid, digits)):
        current.failed_attempts += 1
        session.add(current)
        session.commit()  # the guess counts even though the caller rolls back on the error
        raise ServiceError(INVALID)
    # Single use, also when two tabs send the same code at once: one UPDATE wins.
    won = session.execute(
        update(OneTimePassword)
        .where(col(OneTimePassword.id) == current.id, col(OneTimePassword.used_at).is_(None))
        .values(used_at=now)
    ).rowcount  # type: ignore[attr-defined]
    if won != 1:
        raise ServiceError(INVALID)
    raw = issue_token(
        session,
        user_id=uid,
        purpose=TokenPurpose.RESET_PASSWORD,
        lifetime=timedelta(minutes=LINK_MINUTES),
    )
    record_event(
        session,
        action="one_time_password_used",
        organisation_id=user.organisation_id,
        actor_user_id=uid,
        target_type="user",
        target_id=uid,
    )
    return set_password_path(raw)

"""F3.4: an agent with neither e-mail nor mobile adds their own on Mitt konto.

The address or number is kept aside (`PendingContact`) and a 6-digit code is sent to it;
only the right code makes it the person's (an e-mail address then counts as verified).
Until then no one-time password can go there.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from html import escape

from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.auth.tokens import hash_secret
from admin_portal.i18n import t
from admin_portal.mail.messages import Message
from admin_portal.mail.outbox import enqueue_message
from admin_portal.models import PendingContact, User, UserStatus, require_id, utcnow
from admin_portal.services.errors import NotFound, ServiceError, ValidationFailed
from admin_portal.services.users.email_address import assign_email, email_taken_in_company
from admin_portal.sms.outbox import enqueue_sms
from admin_portal.validation.email import normalise_email
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.identifiers import email_key
from admin_portal.validation.phone import parse_mobile

KINDS = ("email", "mobile")
CODE_DIGITS = 6
CODE_MINUTES = 30
RESEND_SECONDS = 60
MAX_ATTEMPTS = 5
HAS_CONTACT = "own_contact.has_contact"
INVALID = "own_contact.invalid_code"


@dataclass(frozen=True)
class OwnContact:
    needs_contact: bool  # neither e-mail nor mobile: the section is offered
    pending_kind: str  # "" or the kind awaiting its code
    pending_value: str


def _me(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    if user is None or user.status != UserStatus.ACTIVE or actor.api_client_id is not None:
        raise NotFound()
    return user


def _hash(user_id: int, code: str) -> str:
    return hash_secret(f"contact:{user_id}:{code}")


def own_contact(session: Session, *, actor: Actor) -> OwnContact:
    """What Mitt konto shows: whether the person lacks both, and what awaits its code."""
    user = _me(session, actor)
    pending = session.get(PendingContact, user.id)
    live = pending is not None and pending.expires_at > utcnow()
    return OwnContact(
        needs_contact=not user.email and not user.mobile,
        pending_kind=pending.kind if live and pending else "",
        pending_value=pending.value if live and pending else "",
    )


def start_own_contact(session: Session, *, actor: Actor, kind: object, value: object) -> None:
    """Keep the address or number aside and send a code to it.

    Raises:
        ServiceError: ``own_contact.has_contact``: the person already has e-mail or mobile
            (those are changed by an administrator); ``rate_limit.too_many`` within a
            minute of the last code.
        ValidationFailed: the kind, or the address/number, is not valid; the address is
            another person's in the company.
    """
    user = _me(session, actor)
    if user.email or user.mobile:
        raise ServiceError(HAS_CONTACT)
    if kind not in KINDS:
        raise ValidationFailed({"kind": "own_contact.kind_required"})
    raw = value if isinstance(value, str) else ""
    try:
        clean = normalise_email(raw) if kind == "email" else parse_mobile(raw)
    except InvalidInput as problem:
        raise ValidationFailed({"value": problem.key}) from None
    uid = require_id(user)
    if kind == "email" and email_taken_in_company(
        session, company_id=user.company_id, key=email_key(clean), exclude_user_id=uid
    ):
        raise ValidationFailed({"value": "users.email_taken_in_company"})
    now = utcnow()
    pending = session.get(PendingContact, uid)
    if pending is not None and pending.created_at > now - timedelta(seconds=RESEND_SECONDS):
        raise ServiceError("rate_limit.too_many")
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    expires = now + timedelta(minutes=CODE_MINUTES)
    if pending is None:
        pending = PendingContact(
            user_id=uid, kind=str(kind), value=clean, code_hash="", expires_at=expires
        )
    pending.kind, pending.value, pending.code_hash = str(kind), clean, _hash(uid, code)
    pending.created_at, pending.expires_at, pending.failed_attempts = now, expires, 0
    session.add(pending)
    text = t("own_contact.message", user.language, code=code, minutes=CODE_MINUTES)
    if kind == "email":
        enqueue_message(
            session,
            Message(
                kind="own_contact_code",
                language=user.language,
                subject=t("own_contact.subject", user.language),
                html=f"<p>{escape(text)}</p>",
                text=text,
            ),
            to_address=clean,
            organisation_id=user.organisation_id,
            user_id=uid,
            link_expires_at=expires,
        )
    else:
        enqueue_sms(
            session,
            to_number=clean,
            body=text,
            organisation_id=user.organisation_id,
            user_id=uid,
            body_expires_at=expires,
        )
    session.flush()


def confirm_own_contact(session: Session, *, actor: Actor, code: object) -> str:
    """The right code makes the kept address or number the person's. Returns its kind.

    Raises:
        ServiceError: ``own_contact.invalid_code`` (wrong, expired, none pending, too many
            guesses; a wrong guess is committed before the refusal) or
            ``own_contact.has_contact``.
    """
    user = _me(session, actor)
    uid = require_id(user)
    pending = session.get(PendingContact, uid)
    digits = code.strip() if isinstance(code, str) else ""
    if pending is None or pending.expires_at <= utcnow() or pending.failed_attempts >= MAX_ATTEMPTS:
        raise ServiceError(INVALID)
    if user.email or user.mobile:
        raise ServiceError(HAS_CONTACT)
    if not hmac.compare_digest(pending.code_hash, _hash(uid, digits)):
        pending.failed_attempts += 1
        session.add(pending)
        session.commit()
        raise ServiceError(INVALID)
    kind = pending.kind
    if kind == "email":
        assign_email(session, user=user, email=pending.value)
        user.email_verified_at = utcnow()  # proven just now by the code sent to it
    else:
        user.mobile = pending.value
    user.updated_at = utcnow()
    session.add(user)
    session.delete(pending)
    session.flush()
    return kind

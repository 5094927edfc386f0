"""F1.1: prove one exact e-mail address, which activates the user's login connection.

The login connection is active exactly when the user's current address is verified
(`users.email_verified_at`); only then does "Glömt lösenord?" send a link (see
services.auth.request_password_reset). A verification link is bound to the user *and* the
address it was sent to: if the address changes, `assign_email` voids the link, and the
confirmation re-checks the binding anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.auth.tokens import TokenState, consume_token, inspect_token
from admin_portal.config import get_settings
from admin_portal.mail.messages import verify_email_message
from admin_portal.models import (
    OutboxMessage,
    Token,
    TokenPurpose,
    User,
    UserStatus,
    utcnow,
)
from admin_portal.services.audit.events import record_admin_action, record_event
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.services.link_mail import queue_link_mail
from admin_portal.services.users.email_address import assign_email, email_taken_in_company
from admin_portal.services.users.manage import get_user_for_write
from admin_portal.validation.email import normalise_email
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.identifiers import email_key


def queue_verification_mail(
    session: Session, *, user: User, void_earlier: bool = True
) -> OutboxMessage:
    """Queue the verification mail in the caller's transaction; earlier links die.

    Args:
        void_earlier: False when the caller already voided them (in bulk).
    """
    email = user.email or ""
    return queue_link_mail(
        session,
        user=user,
        purpose=TokenPurpose.VERIFY_EMAIL,
        lifetime=timedelta(hours=get_settings().verify_email_link_hours),
        message_for=lambda raw: verify_email_message(
            lang=user.language, name=user.first_name, email=email, raw_token=raw
        ),
        void_earlier=void_earlier,
    )


def send_verification(
    session: Session, *, actor: Actor, user_id: object, email: object = None
) -> User:
    """ "Skicka verifieringsmeddelande" on a profile, optionally with a new or changed address.

    A new address is validated like the profile form does and saved (unverified) first.

    Raises:
        NotFound: the user is not in the actor's scope.
        PermissionDenied: an admin out of the actor's reach (services.users.manage.get_user_for_write):
            a new address would hand their account to whoever reads that mailbox.
        ValidationFailed: a bad or taken address ("email"), or no address at all.
        ServiceError: the address is already verified (nothing to send).
    """
    user = get_user_for_write(session, actor=actor, user_id=user_id)
    if email is not None and (not isinstance(email, str) or email.strip()):
        address = _valid_address(session, user, email)
        if assign_email(session, user=user, email=address):
            user.updated_at = utcnow()
            record_admin_action(session, actor=actor, action="email_changed", user_id=user.id)
    if not user.email:
        raise ValidationFailed({"email": "verification.email_required"})
    if user.email_verified_at is not None:
        raise ServiceError("verification.already_verified", field="email")
    queue_verification_mail(session, user=user)
    record_admin_action(session, actor=actor, action="verification_sent", user_id=user.id)
    return user


def _valid_address(session: Session, user: User, email: object) -> str:
    try:
        address = normalise_email(email if isinstance(email, str) else "")
    except InvalidInput as problem:
        raise ValidationFailed({"email": problem.key}) from None
    if email_taken_in_company(
        session, company_id=user.company_id, key=email_key(address), exclude_user_id=user.id
    ):
        raise ValidationFailed({"email": "users.email_taken_in_company"})
    return address


@dataclass(frozen=True)
class VerificationLink:
    """What the confirm page shows on open (opening does not use the link up)."""

    state: TokenState
    email: str = ""


def _bound_user(session: Session, token: Token | None) -> User | None:
    """The token's user, if active and still holding the very address the link went to."""
    if token is None or not token.email:
        return None
    user = session.get(User, token.user_id)
    if user is None or user.status != UserStatus.ACTIVE or not user.email_key:
        return None
    return user if email_key(token.email) == user.email_key else None


def describe_verification_link(session: Session, *, raw_token: str) -> VerificationLink:
    state, token = inspect_token(session, raw_token, TokenPurpose.VERIFY_EMAIL)
    if state is not TokenState.VALID:
        return VerificationLink(state=state)
    user = _bound_user(session, token)
    if user is None or user.email is None:
        return VerificationLink(state=TokenState.USED)  # the address changed since
    return VerificationLink(state=state, email=user.email)


def confirm_verification(session: Session, *, raw_token: str) -> User:
    """The user pressed "Verifiera": the address is proven, the login connection active.

    Raises:
        ServiceError: verification.link_expired / link_used / link_unknown.
    """
    state, token = inspect_token(session, raw_token, TokenPurpose.VERIFY_EMAIL)
    if state is TokenState.VALID and _bound_user(session, token) is None:
        state = TokenState.USED
    if state is TokenState.VALID:
        state, token = consume_token(session, raw_token, TokenPurpose.VERIFY_EMAIL)
    user = _bound_user(session, token) if state is TokenState.VALID else None
    if user is None:
        key = state.value if state is not TokenState.VALID else "used"
        raise ServiceError(f"verification.link_{key}")
    now = utcnow()
    user.email_verified_at = user.email_verified_at or now
    user.email_bounced_at = None
    user.updated_at = now
    record_event(
        session,
        action="email_verified",
        organisation_id=user.organisation_id,
        actor_user_id=user.id,
        target_type="user",
        target_id=user.id,
    )
    return user

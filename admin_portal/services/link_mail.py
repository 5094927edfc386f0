"""A mail carrying a single-use link: the token and the outbox row in the caller's transaction.

Welcome (set-password) and verification mails differ in the token's purpose, its lifetime
and the words; the rules are the same: the token remembers the address it was sent to, and
the mail exists if and only if the caller's change commits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session

from admin_portal.auth.tokens import issue_token
from admin_portal.mail.messages import Message
from admin_portal.mail.outbox import enqueue_message
from admin_portal.models import OutboxMessage, User, require_id, utcnow


def queue_link_mail(
    session: Session,
    *,
    user: User,
    purpose: str,
    lifetime: timedelta,
    message_for: Callable[[str], Message],
    void_earlier: bool = True,
) -> OutboxMessage:
    """Issue a token bound to the user's current address and queue `message_for(raw_token)`.

    Args:
        void_earlier: False when the caller already voided earlier links (in bulk).
    """
    if not user.email:
        raise ValueError("a link mail needs an e-mail address")
    raw = issue_token(
        session,
        user_id=require_id(user),
        purpose=purpose,
        lifetime=lifetime,
        email=user.email,
        void_earlier=void_earlier,
    )
    return enqueue_message(
        session,
        message_for(raw),
        to_address=user.email,
        organisation_id=user.organisation_id,
        user_id=user.id,
        # The token is issued just above with the same lifetime: the body dies with it.
        link_expires_at=utcnow() + lifetime,
    )

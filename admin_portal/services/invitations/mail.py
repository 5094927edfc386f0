"""The invitation link and the mails around it (F4.8), always in the caller's transaction.

A new link is a new random secret; only its keyed hash is stored on the invitation, so
rotating it (a resend) makes every earlier link dead at once.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from admin_portal.auth.tokens import hash_secret, new_secret
from admin_portal.config import get_settings
from admin_portal.mail.messages import invitation_message, support_case_message
from admin_portal.mail.outbox import enqueue_message, redacted_body_values
from admin_portal.models import (
    Invitation,
    InvitationStatus,
    OutboxMessage,
    OutboxStatus,
    utcnow,
)


def issue_invitation_link(
    session: Session, *, invitation: Invitation, inviter: str, organisation: str, services: str
) -> None:
    """Rotate the token, restart the expiry and queue the mail in the invitation's language.

    The earlier mail, if still waiting in the outbox, is cancelled: it carries a dead link.
    """
    cancel_pending_invitation_mail(session, invitation=invitation)
    raw = new_secret()
    now = utcnow()
    invitation.token_hash = hash_secret(raw)
    invitation.expires_at = now + timedelta(hours=get_settings().invitation_link_hours)
    invitation.status = InvitationStatus.CREATED
    invitation.sent_at = None
    session.add(invitation)
    message = invitation_message(
        lang=invitation.language,
        name=invitation.first_name,
        inviter=inviter,
        organisation=organisation,
        services=services,
        raw_token=raw,
    )
    row = enqueue_message(
        session,
        message,
        to_address=invitation.email,
        organisation_id=invitation.organisation_id,
        user_id=None,  # the person is not a user until they accept
        link_expires_at=invitation.expires_at,
    )
    invitation.outbox_message_id = row.id
    session.add(invitation)


def cancel_pending_invitation_mail(session: Session, *, invitation: Invitation) -> None:
    if invitation.outbox_message_id is None:
        return
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == invitation.outbox_message_id,
            col(OutboxMessage.status) == OutboxStatus.PENDING,
        )
        # Its link was rotated away: nothing in it needs keeping.
        .values(status=OutboxStatus.CANCELLED, **redacted_body_values())
    )


def queue_support_mail(
    session: Session, *, organisation_id: int, organisation: str, person: str, services: str
) -> None:
    """Kundtjänst hears of a new digital-treatment or therapy case (F4.8)."""
    enqueue_message(
        session,
        support_case_message(organisation=organisation, person=person, services=services),
        to_address=get_settings().support_email,
        organisation_id=organisation_id,
        user_id=None,
    )

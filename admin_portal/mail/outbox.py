"""Queue a message in the caller's transaction: the mail exists if and only if the change does."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from admin_portal.mail.messages import Message
from admin_portal.models import OutboxMessage, OutboxStatus, utcnow


def enqueue_message(
    session: Session,
    message: Message,
    *,
    to_address: str,
    organisation_id: int | None,
    user_id: int | None,
) -> OutboxMessage:
    row = OutboxMessage(
        organisation_id=organisation_id,
        user_id=user_id,
        kind=message.kind,
        language=message.language,
        to_address=to_address,
        subject=message.subject,
        html_body=message.html,
        text_body=message.text,
        status=OutboxStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    session.add(row)
    session.flush()  # assigns the id the idempotency key is derived from
    return row


def cancel_pending_for_user(session: Session, *, user_id: int) -> int:
    """Pending mail to a user who was removed must not go out. Returns how many were cancelled."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.user_id) == user_id, col(OutboxMessage.status) == OutboxStatus.PENDING
        )
        .values(status=OutboxStatus.CANCELLED)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]

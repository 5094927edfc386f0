"""Queue a message in the caller's transaction: the mail exists if and only if the change does.

Tokens are stored hashed, so a mail's body is the only place its working link exists. The
body is kept only while it may still be needed: until the mail is handed to Resend (a retry
must send the very same body under the same idempotency key), and for the local mailbox
(no Resend key: the outbox *is* the mailbox) until its link expires. Then the bodies are
replaced by `REDACTED_BODY`; recipient, subject and status stay for the mail history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from admin_portal.mail.kinds import MAIL_KINDS
from admin_portal.mail.messages import Message
from admin_portal.models import OutboxMessage, OutboxStatus, utcnow

# What is left of a body once its link no longer needs to be kept (the migration copies it).
REDACTED_BODY = "[redacted]"
# Rows a dispatcher may still send: their bodies must stay whole.
_LIVE = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def redacted_body_values() -> dict[str, object]:
    """Column values that blank a row's bodies (for UPDATE statements)."""
    return {"html_body": REDACTED_BODY, "text_body": REDACTED_BODY, "link_expires_at": None}


def enqueue_message(
    session: Session,
    message: Message,
    *,
    to_address: str,
    organisation_id: int | None,
    user_id: int | None,
    link_expires_at: datetime | None = None,
) -> OutboxMessage:
    """Add the outbox row for `message` to the caller's transaction.

    Args:
        link_expires_at: When the single-use link in the body stops working (None for mail
            without one); after it, the worker blanks the body even if it was never sent.
    """
    if message.kind not in MAIL_KINDS:
        # The mail history would show the admin a bare code: name the kind first.
        raise ValueError(f"unknown mail kind {message.kind!r}: add it to mail/kinds.py")
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
        link_expires_at=link_expires_at,
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
        .values(status=OutboxStatus.CANCELLED, **redacted_body_values())
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def blank_expired_bodies(session: Session, *, now: datetime | None = None) -> int:
    """Blank the bodies of mail that is not waiting to be sent and whose link has died.

    Mainly the local mailbox's LOCAL rows; also DEAD ones (never delivered, link now
    useless). Rows still PENDING or SENDING keep their bodies: a send in flight or a retry
    needs them, and the link in them is dead anyway. Idempotent: a blanked row's
    `link_expires_at` is cleared, so the index only holds rows that still carry a link.

    Returns:
        How many rows were blanked.
    """
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.link_expires_at).is_not(None),
            col(OutboxMessage.link_expires_at) <= (now or utcnow()),
            col(OutboxMessage.status).not_in(_LIVE),
        )
        .values(**redacted_body_values())
    )
    return result.rowcount or 0  # type: ignore[attr-defined]

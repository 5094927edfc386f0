"""Mail waiting to be delivered: written in the same transaction as the change that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for (another) attempt
    SENDING = "sending"  # claimed by a dispatcher
    SENT = "sent"  # accepted by Resend
    LOCAL = "local"  # no Resend key: kept in the local mailbox (/dev/mail)
    DEAD = "dead"  # permanently rejected, or out of attempts
    CANCELLED = "cancelled"  # e.g. the recipient was removed before delivery


class DeliveryEvent(StrEnum):
    """What Resend reports about a mail after accepting it (its webhook `email.*` types)."""

    SENT = "sent"
    DELAYED = "delivery_delayed"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    COMPLAINED = "complained"


# Webhooks may arrive in any order: a mail's recorded event only moves to a higher rank, so
# a late "sent" never hides "delivered", nor "delivered" a bounce or a complaint.
DELIVERY_EVENT_RANK: dict[str, int] = {
    DeliveryEvent.SENT: 1,
    DeliveryEvent.DELAYED: 2,
    DeliveryEvent.DELIVERED: 3,
    DeliveryEvent.BOUNCED: 4,
    DeliveryEvent.COMPLAINED: 5,
}


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # "Already sent within the last N hours" (bulk verification) per user and kind.
        Index("ix_outbox_user_kind_created", "user_id", "kind", "created_at"),
        # Rows claimed together are resent together, under the same batch idempotency key.
        Index("ix_outbox_batch_key", "batch_key"),
        # The worker blanks the bodies of mail whose link has expired (see mail.outbox).
        Index("ix_outbox_link_expires", "link_expires_at"),
        # Resend's webhooks name the mail by the id Resend gave it (mail.provider_events).
        Index("ix_outbox_provider_message_id", "provider_message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    kind: str = Field(max_length=50)
    language: str = Field(max_length=2)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    html_body: str
    text_body: str
    status: str = Field(default=OutboxStatus.PENDING, max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    provider_message_id: str | None = Field(default=None, max_length=100)
    # Set when the row is claimed into a Resend batch call (see mail.dispatcher).
    batch_key: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    # When the link in the body stops working; None once the body is blanked, or when the
    # mail carries no secret link. The body is the only place the raw token ever exists.
    link_expires_at: datetime | None = None
    sent_at: datetime | None = None
    # What Resend later reported (a DeliveryEvent value, its webhooks) and when: None until a
    # webhook names the mail. Only ever moves up DELIVERY_EVENT_RANK.
    delivery_event: str | None = Field(default=None, max_length=20)
    delivery_event_at: datetime | None = None

    @property
    def idempotency_key(self) -> str:
        # Stable per row: a retry or a resend after a crash can never deliver twice.
        return f"admin-portal-outbox-{self.id}"

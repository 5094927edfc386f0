"""What Resend's webhooks left behind: the calls already processed, and refused addresses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class MailWebhookEvent(SQLModel, table=True):
    """One processed webhook call, by its svix-id: a redelivery is recognised and skipped."""

    __tablename__ = "mail_webhook_events"
    # The worker forgets ids older than mail.provider_events.WEBHOOK_ID_RETENTION.
    __table_args__ = (Index("ix_mail_webhook_events_received_at", "received_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # Svix retries a call under the same id; the unique constraint decides between two
    # deliveries of it processed at the same moment.
    webhook_id: str = Field(max_length=100, unique=True)
    event_type: str = Field(max_length=50)
    outbox_message_id: int | None = Field(
        default=None, foreign_key="outbox_messages.id", ondelete="SET NULL"
    )
    received_at: datetime = Field(default_factory=utcnow)


class MailSuppression(SQLModel, table=True):
    """An address Resend reported as bounced or complained about: no more mail goes to it.

    Keyed by the address in lower case without surrounding blanks. The dispatcher stops
    queued mail to it (mail.suppressions); mail goes again once the person's address is
    changed to another one.
    """

    __tablename__ = "mail_suppressions"

    id: int | None = Field(default=None, primary_key=True)
    address_key: str = Field(max_length=254, unique=True)
    reason: str = Field(max_length=20)  # DeliveryEvent.BOUNCED or COMPLAINED
    outbox_message_id: int | None = Field(
        default=None, foreign_key="outbox_messages.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow)

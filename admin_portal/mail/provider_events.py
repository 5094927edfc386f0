"""Resend's later reports about a mail (its webhooks), recorded against the outbox row.

The HTTP route (api/webhook_routes.py) checks the signature; this module trusts only what
a verified payload says. Each call is processed once, by its svix-id: the id is stored in
the same transaction as the change it causes, under a unique constraint, so a redelivery
(Svix retries until it gets a 2xx) or two deliveries at once change nothing more.
The outbox row is found by the id Resend gave the mail (`data.email_id`); an unknown id is
acknowledged and ignored (mail of another deployment on the same Resend account, or one
whose row was purged). The delivery hooks hear of each recorded event (mail.outcomes).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from admin_portal.mail.outcomes import DeliveryHook, DeliveryOutcome, installed_delivery_hooks
from admin_portal.mail.suppressions import suppress_address
from admin_portal.models import (
    DELIVERY_EVENT_RANK,
    DeliveryEvent,
    MailWebhookEvent,
    OutboxMessage,
    OutboxStatus,
)

logger = logging.getLogger(__name__)

# Resend's webhook types -> what is recorded. Others (opened, clicked, ...) are acknowledged.
EVENT_TYPES: dict[str, DeliveryEvent] = {
    "email.sent": DeliveryEvent.SENT,
    "email.delivered": DeliveryEvent.DELIVERED,
    "email.delivery_delayed": DeliveryEvent.DELAYED,
    "email.bounced": DeliveryEvent.BOUNCED,
    "email.complained": DeliveryEvent.COMPLAINED,
}
_REFUSALS = (DeliveryEvent.BOUNCED, DeliveryEvent.COMPLAINED)
# Svix retries a call for about a day and a half at most; a processed id is kept well past
# that, then forgotten by the worker's hourly maintenance.
WEBHOOK_ID_RETENTION = timedelta(days=7)


class Result(StrEnum):
    """What became of one webhook call (all are answered 200)."""

    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # this svix-id was processed before
    UNKNOWN = "unknown"  # no outbox row has this Resend id
    IGNORED = "ignored"  # a type the portal does not follow, or no email_id


def record_provider_event(
    session: Session,
    *,
    webhook_id: str,
    payload: Any,
    now: datetime,
    hooks: Sequence[DeliveryHook] | None = None,
) -> Result:
    """Record one verified webhook call in the caller's transaction (the caller commits).

    Args:
        webhook_id: The svix-id header (the signature covers it).
        payload: The parsed JSON body: ``{"type": "email.delivered", "data": {"email_id"}}``.
        now: When it arrived.
        hooks: Told the recorded outcome; defaults to the installed delivery hooks.

    Returns:
        What was done; the route answers 200 in every case, so Svix stops retrying.
    """
    event_type, email_id = _fields(payload)
    event = EVENT_TYPES.get(event_type)
    row = None
    if event is not None and email_id:
        row = session.execute(
            select(OutboxMessage).where(col(OutboxMessage.provider_message_id) == email_id)
        ).scalar_one_or_none()
    try:
        with session.begin_nested():
            session.add(
                MailWebhookEvent(
                    webhook_id=webhook_id[:100],
                    event_type=event_type[:50],
                    outbox_message_id=row.id if row else None,
                    received_at=now,
                )
            )
    except IntegrityError:
        return Result.DUPLICATE
    if event is None or not email_id:
        return Result.IGNORED
    if row is None or row.id is None:
        logger.info("webhook %s: no outbox row for this Resend id; ignored", event_type)
        return Result.UNKNOWN
    if DELIVERY_EVENT_RANK[event] > DELIVERY_EVENT_RANK.get(row.delivery_event or "", 0):
        row.delivery_event, row.delivery_event_at = event, now
    if event in _REFUSALS:
        suppress_address(session, address=row.to_address, reason=event, outbox_id=row.id, now=now)
    outcome = DeliveryOutcome(
        outbox_id=row.id,
        user_id=row.user_id,
        to=row.to_address,
        status=OutboxStatus(row.status),
        recipient_rejected=event in _REFUSALS,
        provider_event=event,
    )
    session.flush()
    for hook in installed_delivery_hooks() if hooks is None else hooks:
        hook(session, [outcome], now)
    return Result.RECORDED


def forget_old_webhook_ids(session: Session, *, now: datetime) -> int:
    """Delete processed webhook ids older than WEBHOOK_ID_RETENTION; returns how many."""
    result = session.execute(
        delete(MailWebhookEvent).where(
            col(MailWebhookEvent.received_at) < now - WEBHOOK_ID_RETENTION
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _fields(payload: Any) -> tuple[str, str]:
    """The event type and Resend's email id, as strings ('' when absent or malformed)."""
    if not isinstance(payload, dict):
        return "", ""
    event_type = payload.get("type")
    data = payload.get("data")
    email_id = data.get("email_id") if isinstance(data, dict) else None
    return (
        event_type if isinstance(event_type, str) else "",
        email_id if isinstance(email_id, str) else "",
    )

"""Queue an SMS in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from admin_portal.config import get_settings
from admin_portal.models import SmsMessage, SmsStatus, utcnow

REDACTED = "[redacted]"


def enqueue_sms(
    session: Session,
    *,
    to_number: str,
    body: str,
    organisation_id: int | None,
    user_id: int | None,
    body_expires_at: datetime | None = None,
) -> SmsMessage:
    """Add the outbox row; without a provider it is `local` from the start.

    Args:
        to_number: E.164 (validation/phone's form).
        body_expires_at: When the code in the body stops working; a local body is blanked
            after it.
    """
    row = SmsMessage(
        organisation_id=organisation_id,
        user_id=user_id,
        to_number=to_number,
        body=body[:500],
        status=SmsStatus.PENDING if get_settings().sms_via_provider else SmsStatus.LOCAL,
        next_attempt_at=utcnow(),
        body_expires_at=body_expires_at,
    )
    session.add(row)
    session.flush()
    return row

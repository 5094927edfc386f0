"""Deliver due SMS through the provider; blank bodies once they are no longer needed."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from admin_portal.config import get_settings
from admin_portal.models import SmsMessage, SmsStatus, utcnow
from admin_portal.sms.outbox import REDACTED
from admin_portal.sms.sender import SmsFailure, SmsSender, sender_from_settings

logger = logging.getLogger(__name__)
BATCH = 50


def deliver_due(session: Session, sender: SmsSender) -> int:
    """Send every pending SMS that is due (one commit per message). Returns how many went."""
    settings = get_settings()
    sent = 0
    due = session.exec(
        select(SmsMessage)
        .where(SmsMessage.status == SmsStatus.PENDING, col(SmsMessage.next_attempt_at) <= utcnow())
        .order_by(col(SmsMessage.id))
        .limit(BATCH)
    ).all()
    for row in due:
        row.attempts += 1
        try:
            row.provider_id = sender.send(to_number=row.to_number, body=row.body)
        except SmsFailure as failure:
            row.last_error = failure.reason[:300]
            if not failure.retry or row.attempts >= settings.sms_max_attempts:
                row.status, row.body = SmsStatus.FAILED, REDACTED
            else:
                row.next_attempt_at = utcnow() + timedelta(seconds=30 * 2 ** (row.attempts - 1))
        else:
            # Handed over: the code must not stay readable in our database.
            row.status, row.body, row.sent_at = SmsStatus.SENT, REDACTED, utcnow()
            sent += 1
        session.add(row)
        session.commit()
    return sent


def blank_expired_local(session: Session) -> int:
    """A local outbox body loses its code once the code has expired."""
    result = session.execute(
        update(SmsMessage)
        .where(
            col(SmsMessage.body) != REDACTED,
            col(SmsMessage.body_expires_at).is_not(None),
            col(SmsMessage.body_expires_at) <= utcnow(),
        )
        .values(body=REDACTED)
    )
    session.commit()
    return result.rowcount or 0  # type: ignore[attr-defined]


def run_once(engine: Engine) -> None:
    """`worker --once`: deliver what is due now and blank expired local bodies."""
    sender = sender_from_settings(get_settings())
    with Session(engine) as session:
        if sender is not None:
            deliver_due(session, sender)
        blank_expired_local(session)


def run_forever(engine: Engine, stop: threading.Event, poll_seconds: float) -> None:
    """The worker's SMS loop: deliver what is due, blank expired local bodies, wait."""
    sender = sender_from_settings(get_settings())
    logger.info("sms sender: %r", sender or "local outbox")
    while not stop.is_set():
        try:
            with Session(engine) as session:
                if sender is not None:
                    deliver_due(session, sender)
                blank_expired_local(session)
        except Exception:
            logger.exception("sms delivery failed; trying again later")
        stop.wait(poll_seconds)

"""A bounced mail flags its person's address (the profile shows it; F0.8).

A delivery hook (mail.outcomes), wired by the composition root (admin_portal/wiring.py):
the mail layer reports outcomes and knows nothing of users.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session, col

from admin_portal.mail.outcomes import DeliveryOutcome
from admin_portal.models import User

# The dispatcher's logger, as before the hook moved here.
logger = logging.getLogger("admin_portal.mail.dispatcher")


def mark_bounced(session: Session, outcomes: Sequence[DeliveryOutcome], now: datetime) -> None:
    """Flag the address of each bounced mail's user, unless it changed since it was queued.

    Only the address the mail went to is known bad; a user who has moved on to a new
    address must not inherit the old one's bounce.
    """
    for outcome in outcomes:
        if outcome.bounced and outcome.user_id is not None:
            _mark(session, outcome, now)


def _mark(session: Session, outcome: DeliveryOutcome, now: datetime) -> None:
    email = session.execute(
        select(col(User.email)).where(col(User.id) == outcome.user_id)
    ).scalar_one_or_none()
    if email is None or email.strip().casefold() != outcome.to.strip().casefold():
        return
    session.execute(
        update(User).where(col(User.id) == outcome.user_id).values(email_bounced_at=now)
    )
    logger.info("user %s: e-mail address marked as bounced", outcome.user_id)

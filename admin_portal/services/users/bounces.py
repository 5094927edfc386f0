"""A refused mail flags its person's address (the profile shows it; F0.8).

Refused: the provider rejected the recipient when the mail was sent (a synchronous bounce),
Resend reported a bounce or a spam complaint later (its webhooks), or the dispatcher stopped
the mail because the address was refused before. A delivery hook (mail.outcomes), wired by
the composition root (admin_portal/wiring.py): the mail layer reports outcomes and knows
nothing of users.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session, col

from admin_portal.mail.outcomes import DeliveryOutcome
from admin_portal.models import User
from admin_portal.services.audit import record_event

# The dispatcher's logger, as before the hook moved here.
logger = logging.getLogger("admin_portal.mail.dispatcher")


def mark_bounced(session: Session, outcomes: Sequence[DeliveryOutcome], now: datetime) -> None:
    """Flag the address of each refused mail's user, unless it changed since it was queued.

    Only the address the mail went to is known bad; a user who has moved on to a new
    address must not inherit the old one's bounce.
    """
    for outcome in outcomes:
        if outcome.address_refused and outcome.user_id is not None:
            _mark(session, outcome, now)


def _mark(session: Session, outcome: DeliveryOutcome, now: datetime) -> None:
    found = session.execute(
        select(col(User.email), col(User.organisation_id), col(User.email_bounced_at)).where(
            col(User.id) == outcome.user_id
        )
    ).one_or_none()
    if found is None:
        return
    email, organisation_id, already = found
    if email is None or email.strip().casefold() != outcome.to.strip().casefold():
        return
    if already is not None:
        return  # flagged before: one audit event per refused address, not per stopped mail
    session.execute(
        update(User).where(col(User.id) == outcome.user_id).values(email_bounced_at=now)
    )
    refusal = "complained" if outcome.complained else "bounced"
    record_event(
        session,
        action="email_address_refused",
        organisation_id=organisation_id,
        actor_user_id=None,
        target_type="user",
        target_id=outcome.user_id,
        detail=f"refusal={refusal}",
    )
    logger.info("user %s: e-mail address marked as bounced (%s)", outcome.user_id, refusal)

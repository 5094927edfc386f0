"""An invitation's delivery state follows its mail (Min organisation, Inbjudna).

A delivery hook (mail.outcomes), wired by the composition root (admin_portal/wiring.py):
the mail layer reports outcomes and knows nothing of invitations.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from admin_portal.mail.outcomes import DeliveryOutcome
from admin_portal.models import Invitation, InvitationStatus


def advance_invitations(
    session: Session, outcomes: Sequence[DeliveryOutcome], now: datetime
) -> None:
    """Move each waiting invitation whose latest mail was delivered (or bounced) along.

    Only that mail counts (a resend points the invitation at a new one), and only an
    invitation still waiting moves: accepted, revoked or expired ones keep their state.
    """
    delivered = [o.outbox_id for o in outcomes if o.delivered]
    rejected = [o.outbox_id for o in outcomes if o.bounced]
    for ids, status, waiting in (
        (delivered, InvitationStatus.SENT, (InvitationStatus.CREATED,)),
        (rejected, InvitationStatus.BOUNCED, (InvitationStatus.CREATED, InvitationStatus.SENT)),
    ):
        if ids:
            values: dict[str, object] = {"status": status}
            if status == InvitationStatus.SENT:
                values["sent_at"] = now
            session.execute(
                update(Invitation)
                .where(
                    col(Invitation.outbox_message_id).in_(ids),
                    col(Invitation.status).in_(waiting),
                )
                .values(**values)
            )

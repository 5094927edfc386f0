"""An invitation's delivery state follows its mail (Min organisation, Inbjudna).

A delivery hook (mail.outcomes), wired by the composition root (admin_portal/wiring.py):
the mail layer reports outcomes and knows nothing of invitations. Handed to Resend moves a
new invitation to SENT; Resend's later report of delivery (its webhooks) to DELIVERED; a
bounce or a spam complaint, at sending or later, to BOUNCED. What the admin reads is
`delivery_label`: the mail's own word, where Resend gave one, beats the stored status.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session, col

from admin_portal.mail.outcomes import DeliveryOutcome
from admin_portal.models import DeliveryEvent, Invitation, InvitationStatus, OutboxMessage
from admin_portal.services.audit import record_event

_C, _S, _D = InvitationStatus.CREATED, InvitationStatus.SENT, InvitationStatus.DELIVERED


def advance_invitations(
    session: Session, outcomes: Sequence[DeliveryOutcome], now: datetime
) -> None:
    """Move each waiting invitation whose latest mail was delivered (or refused) along.

    Only that mail counts (a resend points the invitation at a new one), and only an
    invitation still waiting moves: accepted, revoked or expired ones keep their state.
    """
    handed = [o.outbox_id for o in outcomes if o.delivered]
    arrived = [o.outbox_id for o in outcomes if o.reached_inbox]
    refused = {o.outbox_id: o for o in outcomes if o.address_refused}
    if handed:
        _move(session, handed, (_C,), status=InvitationStatus.SENT, sent_at=now)
    if arrived:
        _move(session, arrived, (_C, _S), status=InvitationStatus.DELIVERED)
    if refused:
        _refuse(session, refused)


def _move(session: Session, ids: list[int], waiting: tuple[str, ...], **values: object) -> None:
    session.execute(
        update(Invitation)
        .where(col(Invitation.outbox_message_id).in_(ids), col(Invitation.status).in_(waiting))
        .values(**values)
    )


def _refuse(session: Session, refused: dict[int, DeliveryOutcome]) -> None:
    moving = session.execute(
        select(
            col(Invitation.id), col(Invitation.organisation_id), col(Invitation.outbox_message_id)
        ).where(
            col(Invitation.outbox_message_id).in_(list(refused)),
            col(Invitation.status).in_((_C, _S, _D)),
        )
    ).all()
    for invitation_id, organisation_id, outbox_id in moving:
        session.execute(
            update(Invitation)
            .where(col(Invitation.id) == invitation_id)
            .values(status=InvitationStatus.BOUNCED)
        )
        refusal = "complained" if refused[outbox_id].complained else "bounced"
        record_event(
            session,
            action="email_address_refused",
            organisation_id=organisation_id,
            actor_user_id=None,
            target_type="invitation",
            target_id=invitation_id,
            detail=f"refusal={refusal}",
        )


def delivery_label(status: str, mail: OutboxMessage | None) -> str:
    """The word of Inbjudna's Leverans column: an `org.delivery_<word>` key's word.

    Resend's report on the latest mail (delivered, bounced, complained, delayed) when there
    is one; then the invitation's own BOUNCED (a synchronous bounce); else the outbox state.
    """
    if mail is not None and mail.delivery_event and mail.delivery_event != DeliveryEvent.SENT:
        return mail.delivery_event
    if status == InvitationStatus.BOUNCED:
        return "bounced"
    return mail.status if mail is not None else ""

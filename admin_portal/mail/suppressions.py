"""Addresses no mail may go to: Resend reported a bounce or a spam complaint for them.

A webhook (mail.provider_events) adds the address; from then on the dispatcher stops every
claimed mail to it instead of sending it (`stop_refused`), and tells the delivery hooks, so
the person's address is flagged and an invitation shows why. Mail flows again once the
person has another address: the suppression is on the address, never on the person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from admin_portal.mail.claims import Claim, SessionFactory, Unit, batch_key_for, update_outbox
from admin_portal.models import DELIVERY_EVENT_RANK, MailSuppression, OutboxMessage, OutboxStatus


def address_key(address: str) -> str:
    """How an address is compared: without surrounding blanks, in lower case."""
    return address.strip().lower()


def suppress_address(
    session: Session, *, address: str, reason: str, outbox_id: int | None, now: datetime
) -> None:
    """Refuse all further mail to `address` (in the caller's transaction).

    Args:
        reason: DeliveryEvent.BOUNCED or COMPLAINED; a complaint outranks a bounce.
    """
    key = address_key(address)
    existing = session.execute(
        select(MailSuppression).where(col(MailSuppression.address_key) == key)
    ).scalar_one_or_none()
    if existing is not None:
        if DELIVERY_EVENT_RANK[reason] > DELIVERY_EVENT_RANK.get(existing.reason, 0):
            existing.reason = reason
        return
    try:
        # A savepoint: two webhooks for the same address at once must not undo the caller.
        with session.begin_nested():
            session.add(
                MailSuppression(
                    address_key=key, reason=reason, outbox_message_id=outbox_id, created_at=now
                )
            )
    except IntegrityError:
        pass  # the other webhook suppressed it first


def refused_addresses(session: Session, addresses: Iterable[str]) -> dict[str, str]:
    """The suppressed ones among `addresses`: address key -> reason."""
    keys = {address_key(a) for a in addresses}
    if not keys:
        return {}
    rows = session.execute(
        select(col(MailSuppression.address_key), col(MailSuppression.reason)).where(
            col(MailSuppression.address_key).in_(sorted(keys))
        )
    ).all()
    return {key: reason for key, reason in rows}


@dataclass(frozen=True)
class Stopped:
    """A claimed mail that is not sent: its address was refused before."""

    claim: Claim
    reason: str  # the suppression's reason (a DeliveryEvent value)


def stop_refused(
    new_session: SessionFactory, units: list[Unit], claimed_at: datetime
) -> tuple[list[Unit], list[Stopped]]:
    """Take the mail to refused addresses out of freshly claimed units.

    A batch sent before (some member on its second attempt or later) goes again whole,
    under its own key: Resend may have accepted it already and must be able to answer from
    its idempotency cache. A first-time batch that loses members is stamped with the key of
    what is left before anything is sent, as claims._stamp_units would stamp it.

    Returns:
        The units to send, and the claims to record as stopped (still SENDING, ours).
    """
    refused = _refused_in(new_session, units)
    if not refused:
        return units, []
    kept: list[Unit] = []
    stopped: list[Stopped] = []
    restamp: dict[int, str | None] = {}
    for unit in units:
        out = [c for c in unit.claims if address_key(c.mail.to) in refused]
        if not out or (unit.batch_key is not None and any(c.attempts > 1 for c in unit.claims)):
            kept.append(unit)
            continue
        stopped += [Stopped(c, refused[address_key(c.mail.to)]) for c in out]
        rest = tuple(c for c in unit.claims if c not in out)
        if rest:
            key = batch_key_for([c.mail.outbox_id for c in rest]) if len(rest) > 1 else None
            if key != unit.batch_key:
                restamp.update({c.mail.outbox_id: key for c in rest})
            kept.append(Unit(rest, key))
    if restamp:
        with new_session() as session:
            for outbox_id, key in restamp.items():
                update_outbox(
                    session,
                    (col(OutboxMessage.id) == outbox_id)
                    & (col(OutboxMessage.status) == OutboxStatus.SENDING)
                    & (col(OutboxMessage.claimed_at) == claimed_at),
                    batch_key=key,
                )
            session.commit()
    return kept, stopped


def _refused_in(new_session: SessionFactory, units: list[Unit]) -> dict[str, str]:
    addresses = [claim.mail.to for unit in units for claim in unit.claims]
    if not addresses:
        return {}
    with new_session() as session:
        return refused_addresses(session, addresses)

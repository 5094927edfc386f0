"""Delivery outcomes, told to whoever follows their mail: the mail layer knows no one else.

The dispatcher records each outcome and then calls every installed hook with the
outcomes it recorded, in the same transaction: a bounced address is flagged on its user,
an invitation follows its mail (services). Resend's later reports (its webhooks:
delivered, bounced, complained, ...) reach the same hooks as outcomes carrying the
`provider_event` (mail.provider_events), and so does mail the dispatcher stops because
its address was refused before (mail.suppressions). Which hooks there are is decided by the
composition root (admin_portal/wiring.py), which the worker (and the tests) install.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from admin_portal.models import DeliveryEvent, OutboxStatus


@dataclass(frozen=True)
class DeliveryOutcome:
    """What became of one outbox row in this attempt (only outcomes that were recorded)."""

    outbox_id: int
    user_id: int | None  # the person the mail was about, if any
    to: str  # the address it went to
    status: OutboxStatus  # SENT, LOCAL, PENDING (retry) or DEAD
    recipient_rejected: bool  # the provider refused the recipient (a bounce)
    # Set when the outcome is a later report of the provider (a DeliveryEvent value), or
    # the reason an address was refused before, for mail stopped because of it.
    provider_event: str | None = None

    @property
    def delivered(self) -> bool:
        """Handed to Resend, or kept in the local mailbox (this attempt's own outcome)."""
        return self.provider_event is None and self.status in (
            OutboxStatus.SENT,
            OutboxStatus.LOCAL,
        )

    @property
    def reached_inbox(self) -> bool:
        """Resend reported the mail delivered to the recipient's mail server."""
        return self.provider_event == DeliveryEvent.DELIVERED

    @property
    def bounced(self) -> bool:
        """The recipient was refused: at sending, by a later bounce, or before (stopped)."""
        if self.provider_event is not None:
            return self.provider_event == DeliveryEvent.BOUNCED
        return self.recipient_rejected and self.status == OutboxStatus.DEAD

    @property
    def complained(self) -> bool:
        """The recipient marked the mail as spam (or it was stopped for an earlier one)."""
        return self.provider_event == DeliveryEvent.COMPLAINED

    @property
    def address_refused(self) -> bool:
        """No more mail may go to this address: it bounced or its owner complained."""
        return self.bounced or self.complained


# Called with the session of the recording transaction (never commit in it), the
# outcomes recorded, and the dispatcher's clock.
DeliveryHook = Callable[[Session, Sequence[DeliveryOutcome], datetime], None]

_INSTALLED: list[DeliveryHook] = []


def install_delivery_hooks(hooks: Sequence[DeliveryHook]) -> None:
    """Make `hooks` the ones every dispatch calls (replacing any installed before)."""
    _INSTALLED[:] = list(hooks)


def installed_delivery_hooks() -> tuple[DeliveryHook, ...]:
    """The hooks installed by the composition root, in order."""
    return tuple(_INSTALLED)

"""Delivery outcomes, told to whoever follows their mail: the mail layer knows no one else.

The dispatcher records each outcome and then calls every installed hook with the
outcomes it recorded, in the same transaction: a bounced address is flagged on its user,
an invitation follows its mail (services). Which hooks there are is decided by the
composition root (admin_portal/wiring.py), which the worker (and the tests) install.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from admin_portal.models import OutboxStatus


@dataclass(frozen=True)
class DeliveryOutcome:
    """What became of one outbox row in this attempt (only outcomes that were recorded)."""

    outbox_id: int
    user_id: int | None  # the person the mail was about, if any
    to: str  # the address it went to
    status: OutboxStatus  # SENT, LOCAL, PENDING (retry) or DEAD
    recipient_rejected: bool  # the provider refused the recipient (a bounce)

    @property
    def delivered(self) -> bool:
        """Handed to Resend, or kept in the local mailbox."""
        return self.status in (OutboxStatus.SENT, OutboxStatus.LOCAL)

    @property
    def bounced(self) -> bool:
        """Dead because the recipient was refused."""
        return self.recipient_rejected and self.status == OutboxStatus.DEAD


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

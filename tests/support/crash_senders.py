"""Senders that die mid-delivery, like a worker killed by SIGKILL: the crash doubles.

The dispatcher must recover from a death between "handed to Resend" and "recorded as sent";
these doubles die at exactly that point. `Killed` is a BaseException so nothing in the
dispatcher catches it and records an outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from admin_portal.mail.senders import OutgoingMail, SendResult
from tests.support.memory_sender import MemorySender


class Killed(BaseException):
    """Like SIGKILL: nothing in the dispatcher may catch it and record an outcome."""


@dataclass
class DiesAfterBatch(MemorySender):
    """Delivers a batch, then dies before the dispatcher can record it.

    Attributes:
        times: How many batches end in a death (None: every one); later ones succeed.
        died: How many times it has died so far.
    """

    times: int | None = None
    died: int = 0

    def send_batch(
        self, mails: Sequence[OutgoingMail], *, idempotency_key: str
    ) -> list[SendResult]:
        results = super().send_batch(mails, idempotency_key=idempotency_key)
        if self.times is None or self.died < self.times:
            self.died += 1
            raise Killed
        return results


class DiesWhileSending(MemorySender):
    """Delivers a single mail, then dies before the dispatcher can record it."""

    def send(self, mail: OutgoingMail) -> SendResult:
        super().send(mail)
        raise Killed

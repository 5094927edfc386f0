"""MemorySender: the test double of a mail sender (records calls, answers like Resend)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from admin_portal.mail.senders import (
    OutgoingMail,
    PermanentSendError,
    SendResult,
)
from admin_portal.models import OutboxStatus


@dataclass(frozen=True)
class BatchCall:
    """One `MemorySender.send_batch` request as the sender saw it."""

    idempotency_key: str
    mails: tuple[OutgoingMail, ...]

    @property
    def outbox_ids(self) -> list[int]:
        return [mail.outbox_id for mail in self.mails]


@dataclass
class MemorySender:
    """Test double: records every call and answers like Resend would (idempotently).

    Attributes:
        calls: Every mail handed to `send` or `send_batch`, retries included.
        batch_calls: Every `send_batch` request, retries included.
        delivered: Mails that reached the "inbox": at most once per idempotency key
            (a row's key for `send`, the request's key for `send_batch`).
        failures: Exceptions to raise, in order, one per request (single or batch).
        reject: Addresses `send` and `send_batch` refuse like Resend refuses an invalid
            one (a permanent error that rejects the whole batch).
    """

    makes_requests: bool = False
    calls: list[OutgoingMail] = field(default_factory=list)
    batch_calls: list[BatchCall] = field(default_factory=list)
    delivered: list[OutgoingMail] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)
    _ids: dict[str, str] = field(default_factory=dict, repr=False)
    _issued: int = field(default=0, repr=False)
    _batches: dict[str, tuple[tuple[OutgoingMail, ...], list[SendResult]]] = field(
        default_factory=dict, repr=False
    )

    def fail_next(self, *errors: Exception) -> None:
        """Raise these exceptions on the next calls, one per call."""
        self.failures.extend(errors)

    def send(self, mail: OutgoingMail) -> SendResult:
        """Record the call, raise a queued failure or deliver once per idempotency key."""
        self.calls.append(mail)
        if self.failures:
            raise self.failures.pop(0)
        self._check_recipients([mail])
        if mail.idempotency_key not in self._ids:
            self._ids[mail.idempotency_key] = self._next_id()
            self.delivered.append(mail)
        return SendResult(OutboxStatus.SENT, self._ids[mail.idempotency_key])

    def send_batch(
        self, mails: Sequence[OutgoingMail], *, idempotency_key: str
    ) -> list[SendResult]:
        """Record the request, raise a queued failure or deliver the batch once per key.

        Raises:
            PermanentSendError: The key was used before for other mails (Resend's 409), or
                a mail goes to an address in `reject`.
        """
        batch = tuple(mails)
        self.calls.extend(batch)
        self.batch_calls.append(BatchCall(idempotency_key, batch))
        if self.failures:
            raise self.failures.pop(0)
        if idempotency_key in self._batches:
            earlier, results = self._batches[idempotency_key]
            if earlier != batch:
                raise PermanentSendError("memory 409 invalid_idempotent_request")
            return list(results)
        self._check_recipients(batch)
        results = [SendResult(OutboxStatus.SENT, self._next_id()) for _ in batch]
        self._batches[idempotency_key] = (batch, results)
        self.delivered.extend(batch)
        return list(results)

    def _check_recipients(self, mails: Sequence[OutgoingMail]) -> None:
        for mail in mails:
            if mail.to in self.reject:
                raise PermanentSendError(
                    "memory 422 validation_error: Invalid `to` field.", recipient_rejected=True
                )

    def _next_id(self) -> str:
        self._issued += 1
        return f"memory-{self._issued}"

"""Deliver due outbox rows: claim, send, record the outcome, each in its own short transaction.

Why this shape:
- The claim is a conditional UPDATE (PENDING -> SENDING) committed before any HTTP call, so
  two dispatchers never send the same row at once and no transaction stays open during I/O.
- Rows are sent in batches (Resend's /emails/batch, `mail_batch_size` at most) under a key
  derived from the batch's sorted outbox ids and stored on the rows as `batch_key`. A row
  that was ever part of a batch request is only ever resent in that same batch, and a row
  that was ever sent alone only alone (under its own key): whatever Resend accepted before
  is then answered from its idempotency cache instead of being delivered twice.
- A row stuck in SENDING longer than the lease belongs to a dispatcher that died between
  the send and the mark-sent. It is claimed again, with its whole batch, and resent with the
  *same* key.
- A row Resend accepted has its bodies blanked in the same UPDATE that marks it SENT
  (see mail.outbox): the raw token of its link exists nowhere else.
- Every outcome UPDATE is guarded by our `claimed_at`: if our lease expired and another
  dispatcher took the row over, we leave its state alone.
- A claimed mail to an address Resend reported as bounced or complained about is not sent
  but recorded DEAD, and the hooks hear of it (mail.suppressions).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from admin_portal.config import get_settings
from admin_portal.db import get_engine
from admin_portal.mail.claims import Claim, SessionFactory, claim_due, update_outbox
from admin_portal.mail.outbox import redacted_body_values
from admin_portal.mail.outcomes import DeliveryHook, DeliveryOutcome, installed_delivery_hooks
from admin_portal.mail.pacing import Pacer, backoff_seconds, mail_rate_limiter
from admin_portal.mail.senders import (
    MAX_BATCH_SIZE,
    PermanentSendError,
    Sender,
    SendResult,
    TransientSendError,
    sender_from_settings,
)
from admin_portal.mail.suppressions import Stopped, stop_refused
from admin_portal.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)
_LAST_ERROR_CHARS = 1000  # the column's max_length


@dataclass
class DispatchReport:
    """What one `dispatch_due` call did, for logs and tests."""

    claimed: int = 0
    sent: int = 0
    local: int = 0
    retried: int = 0
    dead: int = 0
    released: int = 0  # claimed but handed back unsent because our lease was running out
    lost: int = 0  # outcome not recorded: another dispatcher had taken the row over
    batches: int = 0  # batches handed to the sender in one call each (single sends not counted)

    @property
    def busy(self) -> bool:
        """True when anything was claimed (the loop polls again at once)."""
        return self.claimed > 0


def dispatch_due(
    engine_or_session_factory: Engine | SessionFactory,
    sender: Sender,
    *,
    now: datetime | None = None,
    limit: int | None = None,
    batch_size: int | None = None,
    lease: timedelta = DEFAULT_LEASE,
    rate_limiter: Pacer | None = None,
    max_attempts: int | None = None,
    rng: Callable[[], float] = random.random,
    hooks: Sequence[DeliveryHook] | None = None,
) -> DispatchReport:
    """Claim due outbox rows, hand them to `sender` in batches, and record every outcome.

    Each batch is one rate-limited request. A batch Resend rejects as a whole (4xx) is sent
    again row by row, so one bad address does not sink the others; a transient failure
    sends the whole batch back to PENDING to be retried as the same batch.

    Args:
        engine_or_session_factory: An Engine, or a callable returning a new Session.
        sender: Where mail goes (Resend, local mailbox, memory).
        now: Fixed "current time" for tests (naive means UTC); defaults to the clock.
        limit: Most rows claimed in this call (a batch being resent is always claimed
            whole); defaults to the batch size, i.e. one request per call.
        batch_size: Most mails per batch request; defaults to `settings.mail_batch_size`.
        lease: How long a claim protects a row; older SENDING rows are taken over.
        rate_limiter: Paces HTTP calls; defaults to the shared Resend ceiling
            (`mail_rate_limiter`: `settings.mail_requests_per_second` for all workers
            together, counted in the rate-limit storage).
        max_attempts: Defaults to `settings.mail_max_attempts`.
        rng: Jitter source for the backoff.
        hooks: Told every recorded outcome (mail.outcomes); defaults to the hooks the
            composition root installed.

    Returns:
        Counts of what happened.
    """
    settings = get_settings()
    batch_size = max(1, min(batch_size or settings.mail_batch_size, MAX_BATCH_SIZE))

    def clock() -> datetime:
        return _aware_utc(now) if now else datetime.now(UTC)

    run = _Run(
        new_session=_session_factory(engine_or_session_factory),
        sender=sender,
        limiter=rate_limiter or mail_rate_limiter(settings),
        claimed_at=clock(),
        started=time.monotonic(),
        lease=lease,
        clock=clock,
        max_attempts=max_attempts or settings.mail_max_attempts,
        rng=rng,
        hooks=installed_delivery_hooks() if hooks is None else tuple(hooks),
    )
    units, run.report.dead = claim_due(
        run.new_session, run.claimed_at, limit or batch_size, batch_size, lease, run.max_attempts
    )
    run.report.claimed = sum(len(unit.claims) for unit in units)
    units, stopped = stop_refused(run.new_session, units, run.claimed_at)
    if stopped:
        run.record_stopped(stopped)
    for index, unit in enumerate(units):
        if run.out_of_time():
            run.release([claim for rest in units[index:] for claim in rest.claims])
            break
        if unit.batch_key is None:
            run.send_one(unit.claims[0])
        else:
            run.send_batch(unit.claims, unit.batch_key)
    return run.report


def run_forever(
    stop_event: threading.Event,
    poll_seconds: float = 1.0,
    *,
    engine_or_session_factory: Engine | SessionFactory | None = None,
    sender: Sender | None = None,
) -> None:
    """The worker loop: dispatch until `stop_event` is set; errors are logged, not fatal.

    Args:
        stop_event: Set it (e.g. from a signal handler) to stop after the current mail.
        poll_seconds: Pause between polls when nothing was due.
        engine_or_session_factory: Defaults to the app's engine.
        sender: Defaults to `sender_from_settings()`.
    """
    target = engine_or_session_factory or get_engine()
    sender = sender or sender_from_settings()
    limiter = mail_rate_limiter()
    while not stop_event.is_set():
        try:
            report = dispatch_due(target, sender, rate_limiter=limiter)
        except Exception:
            # A locked or unreachable database is usually temporary; keep the worker alive.
            logger.exception("dispatch failed; retrying in %.1fs", poll_seconds)
            report = DispatchReport()
        if report.busy:
            logger.info("dispatched: %s", report)
            continue  # there may be more due right away
        stop_event.wait(poll_seconds)


def _aware_utc(value: datetime) -> datetime:
    # SQLModel stores these columns as UTCDateTime, which refuses naive values in SQL
    # expressions (the ORM converts on assignment, Core statements do not).
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _session_factory(target: Engine | SessionFactory) -> SessionFactory:
    if isinstance(target, Engine):
        engine = target
        return lambda: Session(engine, expire_on_commit=False)
    return target


# -- sending and recording --------------------------------------------------------------------------


@dataclass
class _Run:
    """One `dispatch_due` call's sending half: everything the outcomes need to be recorded."""

    new_session: SessionFactory
    sender: Sender
    limiter: Pacer
    claimed_at: datetime
    started: float
    lease: timedelta
    clock: Callable[[], datetime]
    max_attempts: int
    rng: Callable[[], float]
    hooks: tuple[DeliveryHook, ...]

    def __post_init__(self) -> None:
        self.report = DispatchReport()

    def out_of_time(self) -> bool:
        """Past half the lease: a send can hang until its HTTP timeout, so stop claiming work.

        Handing the rest back beats another dispatcher taking over rows we still work on.
        """
        return time.monotonic() - self.started > self.lease.total_seconds() / 2

    def release(self, claims: Sequence[Claim]) -> None:
        """Hand unsent claims back, undoing the attempt the claim counted."""
        with self.new_session() as session:
            released = sum(
                update_outbox(
                    session,
                    self._ours(claim),
                    status=OutboxStatus.PENDING,
                    claimed_at=None,
                    attempts=col(OutboxMessage.attempts) - 1,
                )
                for claim in claims
            )
            session.commit()
        self.report.released += released
        logger.warning("released %d claimed mails: the batch ran too long", released)

    def record_stopped(self, stopped: Sequence[Stopped]) -> None:
        """Record mail not sent because its address was refused before: DEAD, body blanked."""
        outcomes: list[tuple[Claim, dict[str, object]]] = [
            (
                item.claim,
                {
                    **self._dead(f"not sent: the address was refused before ({item.reason})"),
                    "delivery_event": item.reason,
                    "delivery_event_at": self.clock(),
                    **redacted_body_values(),
                },
            )
            for item in stopped
        ]
        self._record(outcomes, events={i.claim.mail.outbox_id: i.reason for i in stopped})
        logger.info("stopped %d mails to refused addresses", len(stopped))

    def send_one(self, claim: Claim) -> None:
        """One request for one mail, under the row's own idempotency key."""
        self._wait()
        try:
            result = self.sender.send(claim.mail)
        except PermanentSendError as exc:
            self._record([(claim, self._dead(_error_text(exc)))], bounced=exc.recipient_rejected)
            logger.warning("outbox %s dead: %s", claim.mail.outbox_id, exc)
            return
        except Exception as exc:
            # Transient by class, or unexpected (a bug, an SDK surprise): retrying with
            # backoff is the safe default, and max_attempts still ends it.
            self._retry_or_dead([claim], exc)
            return
        self._record([(claim, self._delivered(result))])

    def send_batch(self, claims: Sequence[Claim], batch_key: str) -> None:
        """One request for the whole batch; on a 4xx, one request per row instead."""
        self._wait()
        self.report.batches += 1
        mails = [claim.mail for claim in claims]
        try:
            results = self.sender.send_batch(mails, idempotency_key=batch_key)
            if len(results) != len(mails):
                raise TransientSendError(f"{len(results)} results for a batch of {len(mails)}")
        except PermanentSendError as exc:
            logger.warning("batch %s rejected, sending its rows one by one: %s", batch_key, exc)
            self._send_rows_alone(claims)
            return
        except Exception as exc:
            self._retry_or_dead(list(claims), exc)
            return
        self._record([(c, self._delivered(r)) for c, r in zip(claims, results, strict=True)])

    def _send_rows_alone(self, claims: Sequence[Claim]) -> None:
        # A rejected batch delivered nothing (Resend validates batches strictly), so its rows
        # may go out under their own keys. Dropping the batch key first means a crash from
        # here on recovers them one by one too, never as a batch under a new key.
        with self.new_session() as session:
            for claim in claims:
                update_outbox(session, self._ours(claim), batch_key=None)
            session.commit()
        for index, claim in enumerate(claims):
            if self.out_of_time():
                self.release(claims[index:])
                return
            self.send_one(claim)

    def _wait(self) -> None:
        if self.sender.makes_requests:
            self.limiter.wait()

    def _retry_or_dead(self, claims: list[Claim], exc: Exception) -> None:
        """Back to PENDING with backoff (all together, keeping the batch), or dead if spent."""
        error = _error_text(exc)
        first = claims[0].mail.outbox_id
        if not isinstance(exc, TransientSendError):
            logger.exception("outbox %s: unexpected error while sending", first, exc_info=exc)
        # One delay for the whole batch, so its rows come due again together.
        delay = backoff_seconds(max(c.attempts for c in claims), rng=self.rng)
        retry_after = exc.retry_after if isinstance(exc, TransientSendError) else None
        if retry_after is not None:
            delay = max(delay, retry_after)
        retry_at = self.clock() + timedelta(seconds=delay)
        outcomes: list[tuple[Claim, dict[str, object]]] = []
        for claim in claims:
            if claim.attempts >= self.max_attempts:
                text = f"gave up after {claim.attempts} attempts: {error}"
                outcomes.append((claim, self._dead(_clip(text))))
                logger.warning("outbox %s dead: %s", claim.mail.outbox_id, text)
            else:
                pending = {"status": OutboxStatus.PENDING, "claimed_at": None, "last_error": error}
                outcomes.append((claim, {**pending, "next_attempt_at": retry_at}))
        self._record(outcomes)
        logger.info(
            "outbox %s (%d rows): retry in %.0fs after %s", first, len(claims), delay, error
        )

    def _delivered(self, result: SendResult) -> dict[str, object]:
        local = result.status == OutboxStatus.LOCAL
        values: dict[str, object] = {
            "status": OutboxStatus.LOCAL if local else OutboxStatus.SENT,
            "claimed_at": None,
            "provider_message_id": result.provider_message_id,
            "sent_at": None if local else self.clock(),
            "last_error": None,
        }
        if not local:
            # Handed to Resend: a SENT row is never sent again, so its working link need
            # not stay here in plain text. Until now the body stayed whole, so a retry or a
            # resend after a crash carried the same payload under the same key.
            values.update(redacted_body_values())
        return values

    @staticmethod
    def _dead(error: str) -> dict[str, object]:
        return {"status": OutboxStatus.DEAD, "claimed_at": None, "last_error": error}

    def _ours(self, claim: Claim) -> Any:
        return (
            (col(OutboxMessage.id) == claim.mail.outbox_id)
            & (col(OutboxMessage.status) == OutboxStatus.SENDING)
            & (col(OutboxMessage.claimed_at) == self.claimed_at)
        )

    def _record(
        self,
        outcomes: Sequence[tuple[Claim, dict[str, object]]],
        *,
        bounced: bool = False,
        events: dict[int, str] | None = None,
    ) -> None:
        """Record outcomes in one transaction; rows no longer ours are counted as lost.

        Args:
            events: Per outbox id, the refusal that stopped the mail (see record_stopped).
        """
        counters = {
            OutboxStatus.SENT: "sent",
            OutboxStatus.LOCAL: "local",
            OutboxStatus.PENDING: "retried",
            OutboxStatus.DEAD: "dead",
        }
        with self.new_session() as session:
            changed = [
                update_outbox(session, self._ours(claim), **values) for claim, values in outcomes
            ]
            recorded = [
                DeliveryOutcome(
                    outbox_id=claim.mail.outbox_id,
                    user_id=claim.user_id,
                    to=claim.mail.to,
                    status=OutboxStatus(str(values["status"])),
                    recipient_rejected=bounced or bool(events),
                    provider_event=(events or {}).get(claim.mail.outbox_id),
                )
                for (claim, values), ok in zip(outcomes, changed, strict=True)
                if ok
            ]
            if recorded:
                # The capabilities that follow their mail (a bounced address, an
                # invitation's state) update in this same transaction.
                for hook in self.hooks:
                    hook(session, recorded, self.clock())
            session.commit()
        for (_, values), ok in zip(outcomes, changed, strict=True):
            if ok:
                name = counters[OutboxStatus(str(values["status"]))]
                setattr(self.report, name, getattr(self.report, name) + 1)
            else:
                self.report.lost += 1
                logger.warning("outbox outcome not recorded: another dispatcher took the row over")


def _error_text(exc: BaseException) -> str:
    # SendError messages are built secret-free by the senders. Anything else may carry
    # arbitrary data (URLs, payloads), so only its class name is stored; the log has the rest.
    if isinstance(exc, PermanentSendError | TransientSendError):
        return _clip(str(exc))
    return f"unexpected {type(exc).__name__}"


def _clip(text: str) -> str:
    return text[:_LAST_ERROR_CHARS]

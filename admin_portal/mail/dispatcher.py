"""Deliver due outbox rows: claim, send, record the outcome, each in its own short transaction.

Why this shape:
- The claim is a conditional UPDATE (PENDING -> SENDING) committed before any HTTP call, so
  two dispatchers never send the same row at once and no transaction stays open during I/O.
- A row stuck in SENDING longer than the lease belongs to a dispatcher that died between
  the send and the mark-sent. It is claimed again and resent with the *same* idempotency
  key, so Resend answers with the original message instead of delivering twice.
- Every outcome UPDATE is guarded by our `claimed_at`: if our lease expired and another
  dispatcher took the row over, we leave its state alone.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from admin_portal.config import get_settings
from admin_portal.db import get_engine
from admin_portal.mail.senders import (
    OutgoingMail,
    PermanentSendError,
    Sender,
    TransientSendError,
    sender_from_settings,
)
from admin_portal.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
DEFAULT_LEASE = timedelta(minutes=5)
BACKOFF_BASE_SECONDS = 30.0
BACKOFF_CAP_SECONDS = 3600.0
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

    @property
    def busy(self) -> bool:
        """True when anything was claimed (the loop polls again at once)."""
        return self.claimed > 0


class RateLimiter:
    """Spaces calls at least 1/rate seconds apart; shared across dispatch runs.

    Args:
        per_second: Allowed calls per second; 0 or less disables the limit.
        clock: Monotonic seconds (injectable for tests).
        sleep: How to wait (injectable for tests).
    """

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next_at: float | None = None

    def wait(self) -> None:
        """Block until the next call is allowed, then reserve the slot after it."""
        if self.interval <= 0:
            return
        now = self._clock()
        if self._next_at is not None and now < self._next_at:
            self._sleep(self._next_at - now)
            now = self._next_at
        self._next_at = now + self.interval


def backoff_seconds(
    attempts: int,
    *,
    base: float = BACKOFF_BASE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
    rng: Callable[[], float] = random.random,
) -> float:
    """Exponential backoff with jitter: between half and all of min(cap, base * 2**(n-1)).

    The jitter spreads retries of many mails that failed together (e.g. during an outage);
    keeping at least half the delay keeps the growth visible.

    Args:
        attempts: Attempts made so far (1 after the first failure).
        base: Delay after the first failure before jitter.
        cap: Upper bound for any delay.
        rng: Uniform [0, 1) source (injectable for tests).
    """
    exponent = min(max(attempts - 1, 0), 30)  # 2**30 * base is far above any cap
    ceiling = min(cap, base * 2**exponent)
    return ceiling / 2 + rng() * ceiling / 2


def dispatch_due(
    engine_or_session_factory: Engine | SessionFactory,
    sender: Sender,
    *,
    now: datetime | None = None,
    limit: int = 50,
    lease: timedelta = DEFAULT_LEASE,
    rate_limiter: RateLimiter | None = None,
    max_attempts: int | None = None,
    rng: Callable[[], float] = random.random,
) -> DispatchReport:
    """Claim due outbox rows and hand each to `sender`, recording every outcome.

    Args:
        engine_or_session_factory: An Engine, or a callable returning a new Session.
        sender: Where mail goes (Resend, local mailbox, memory).
        now: Fixed "current time" for tests (naive means UTC); defaults to the clock.
        limit: Most rows claimed in this call.
        lease: How long a claim protects a row; older SENDING rows are taken over.
        rate_limiter: Spaces HTTP calls; defaults to `settings.mail_requests_per_second`.
            Pass the same one to every call (as `run_forever` does) so the limit holds
            across calls.
        max_attempts: Defaults to `settings.mail_max_attempts`.
        rng: Jitter source for the backoff.

    Returns:
        Counts of what happened.
    """
    settings = get_settings()
    new_session = _session_factory(engine_or_session_factory)
    max_attempts = max_attempts or settings.mail_max_attempts
    limiter = rate_limiter or RateLimiter(settings.mail_requests_per_second)

    def clock() -> datetime:
        return _aware_utc(now) if now else datetime.now(UTC)

    report = DispatchReport()
    claimed_at = clock()
    claimed_at_monotonic = time.monotonic()
    claims, report.dead = _claim(new_session, claimed_at, limit, lease, max_attempts)
    report.claimed = len(claims)
    for index, claim in enumerate(claims):
        # A send can hang until its HTTP timeout. Past half the lease, hand the rest back
        # rather than risk another dispatcher taking over rows we are still working on.
        if time.monotonic() - claimed_at_monotonic > lease.total_seconds() / 2:
            rest = [c.mail.outbox_id for c in claims[index:]]
            report.released = _release(new_session, rest, claimed_at)
            logger.warning("released %d claimed mails: the batch ran too long", report.released)
            break
        if sender.makes_requests:
            limiter.wait()
        _deliver_one(new_session, sender, claim, claimed_at, clock, max_attempts, rng, report)
    return report


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
    limiter = RateLimiter(get_settings().mail_requests_per_second)
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


@dataclass(frozen=True)
class _Claim:
    mail: OutgoingMail
    attempts: int  # including the attempt this claim started


def _claim(
    new_session: SessionFactory,
    now: datetime,
    limit: int,
    lease: timedelta,
    max_attempts: int,
) -> tuple[list[_Claim], int]:
    """Claim up to `limit` due rows in one short transaction; return them and how many died.

    The claim counts the attempt, so a mail whose sending kills the worker still runs out
    of attempts instead of being retried forever.
    """
    stale_before = now - lease
    due = or_(
        (col(OutboxMessage.status) == OutboxStatus.PENDING)
        & (col(OutboxMessage.next_attempt_at) <= now),
        (col(OutboxMessage.status) == OutboxStatus.SENDING)
        & (col(OutboxMessage.claimed_at) <= stale_before),
    )
    claimed: list[int] = []
    dead: list[int] = []
    with new_session() as session:
        # SKIP LOCKED lets concurrent PostgreSQL dispatchers pass each other by; SQLite
        # ignores it and the conditional UPDATE below is what makes the claim safe.
        candidates = session.execute(
            select(col(OutboxMessage.id), col(OutboxMessage.status), col(OutboxMessage.attempts))
            .where(due)
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row_id, status, attempts in candidates:
            still_due = (col(OutboxMessage.id) == row_id) & due
            if status == OutboxStatus.SENDING and attempts >= max_attempts:
                # The final attempt's dispatcher died mid-send. Resending forever could
                # loop on a mail that kills the worker, so stop here.
                if _update(
                    session,
                    still_due,
                    status=OutboxStatus.DEAD,
                    claimed_at=None,
                    last_error="lease expired during the final attempt; delivery unknown",
                ):
                    dead.append(row_id)
                continue
            if _update(
                session,
                still_due,
                status=OutboxStatus.SENDING,
                claimed_at=now,
                attempts=col(OutboxMessage.attempts) + 1,
            ):
                claimed.append(row_id)
        rows = {
            row.id: row
            for row in session.execute(
                select(OutboxMessage).where(col(OutboxMessage.id).in_(claimed))
            ).scalars()
        }
        claims = [_Claim(OutgoingMail.from_row(rows[i]), rows[i].attempts) for i in claimed]
        session.commit()
    for row_id in dead:
        logger.error("outbox %s dead: lease expired during the final attempt", row_id)
    return claims, len(dead)


def _deliver_one(
    new_session: SessionFactory,
    sender: Sender,
    claim: _Claim,
    claimed_at: datetime,
    clock: Callable[[], datetime],
    max_attempts: int,
    rng: Callable[[], float],
    report: DispatchReport,
) -> None:
    mail = claim.mail
    ours = (
        (col(OutboxMessage.id) == mail.outbox_id)
        & (col(OutboxMessage.status) == OutboxStatus.SENDING)
        & (col(OutboxMessage.claimed_at) == claimed_at)
    )
    try:
        result = sender.send(mail)
    except PermanentSendError as exc:
        report.dead += _outcome(
            new_session,
            ours,
            report,
            status=OutboxStatus.DEAD,
            claimed_at=None,
            last_error=_error_text(exc),
        )
        logger.warning("outbox %s dead: %s", mail.outbox_id, exc)
        return
    except Exception as exc:
        # Transient by class, or unexpected (a bug, an SDK surprise): retrying with backoff
        # is the safe default, and max_attempts still ends it.
        _retry_or_dead(new_session, claim, ours, exc, clock(), max_attempts, rng, report)
        return
    status = OutboxStatus.LOCAL if result.status == OutboxStatus.LOCAL else OutboxStatus.SENT
    count = _outcome(
        new_session,
        ours,
        report,
        status=status,
        claimed_at=None,
        provider_message_id=result.provider_message_id,
        sent_at=clock() if status == OutboxStatus.SENT else None,
        last_error=None,
    )
    if status == OutboxStatus.LOCAL:
        report.local += count
    else:
        report.sent += count


def _retry_or_dead(
    new_session: SessionFactory,
    claim: _Claim,
    ours: object,
    exc: Exception,
    now: datetime,
    max_attempts: int,
    rng: Callable[[], float],
    report: DispatchReport,
) -> None:
    mail, attempts = claim.mail, claim.attempts
    error = _error_text(exc)
    if not isinstance(exc, TransientSendError):
        logger.exception("outbox %s: unexpected error while sending", mail.outbox_id, exc_info=exc)
    if attempts >= max_attempts:
        report.dead += _outcome(
            new_session,
            ours,
            report,
            status=OutboxStatus.DEAD,
            claimed_at=None,
            last_error=_clip(f"gave up after {attempts} attempts: {error}"),
        )
        logger.warning("outbox %s dead after %d attempts: %s", mail.outbox_id, attempts, error)
        return
    delay = backoff_seconds(attempts, rng=rng)
    retry_after = exc.retry_after if isinstance(exc, TransientSendError) else None
    if retry_after is not None:
        delay = max(delay, retry_after)
    report.retried += _outcome(
        new_session,
        ours,
        report,
        status=OutboxStatus.PENDING,
        claimed_at=None,
        next_attempt_at=now + timedelta(seconds=delay),
        last_error=error,
    )
    logger.info("outbox %s: retry in %.0fs after %s", mail.outbox_id, delay, error)


def _outcome(
    new_session: SessionFactory, ours: object, report: DispatchReport, **values: object
) -> int:
    """Record one outcome in its own transaction; 0 if the row is no longer ours."""
    with new_session() as session:
        changed = _update(session, ours, **values)
        session.commit()
    if not changed:
        report.lost += 1
        logger.warning("outbox outcome not recorded: the row was taken over by another dispatcher")
    return 1 if changed else 0


def _release(new_session: SessionFactory, ids: Sequence[int], claimed_at: datetime) -> int:
    """Hand unsent claims back, undoing the attempt the claim counted."""
    with new_session() as session:
        released = 0
        for row_id in ids:
            released += _update(
                session,
                (col(OutboxMessage.id) == row_id)
                & (col(OutboxMessage.status) == OutboxStatus.SENDING)
                & (col(OutboxMessage.claimed_at) == claimed_at),
                status=OutboxStatus.PENDING,
                claimed_at=None,
                attempts=col(OutboxMessage.attempts) - 1,
            )
        session.commit()
    return released


def _update(session: Session, where: object, **values: object) -> int:
    result = session.execute(update(OutboxMessage).where(where).values(**values))  # type: ignore[arg-type]
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _error_text(exc: BaseException) -> str:
    # SendError messages are built secret-free by the senders. Anything else may carry
    # arbitrary data (URLs, payloads), so only its class name is stored; the log has the rest.
    if isinstance(exc, PermanentSendError | TransientSendError):
        return _clip(str(exc))
    return f"unexpected {type(exc).__name__}"


def _clip(text: str) -> str:
    return text[:_LAST_ERROR_CHARS]

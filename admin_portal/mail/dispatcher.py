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
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, not_, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from admin_portal.config import get_settings
from admin_portal.db import get_engine
from admin_portal.mail.outbox import redacted_body_values
from admin_portal.mail.senders import (
    MAX_BATCH_SIZE,
    OutgoingMail,
    PermanentSendError,
    Sender,
    SendResult,
    TransientSendError,
    sender_from_settings,
)
from admin_portal.models import Invitation, InvitationStatus, OutboxMessage, OutboxStatus, User

logger = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
DEFAULT_LEASE = timedelta(minutes=5)
BACKOFF_BASE_SECONDS = 30.0
BACKOFF_CAP_SECONDS = 3600.0
BATCH_KEY_PREFIX = "admin-portal-batch-"
_LAST_ERROR_CHARS = 1000  # the column's max_length
_LIVE = (OutboxStatus.PENDING, OutboxStatus.SENDING)


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


def batch_key_for(outbox_ids: Iterable[int]) -> str:
    """The idempotency key of a batch request: the same ids always give the same key.

    Args:
        outbox_ids: The batch's outbox row ids, in any order.

    Returns:
        ``"admin-portal-batch-"`` and the SHA-256 of the sorted ids (83 characters).
    """
    joined = ",".join(str(i) for i in sorted(outbox_ids))
    return BATCH_KEY_PREFIX + hashlib.sha256(joined.encode()).hexdigest()


def dispatch_due(
    engine_or_session_factory: Engine | SessionFactory,
    sender: Sender,
    *,
    now: datetime | None = None,
    limit: int | None = None,
    batch_size: int | None = None,
    lease: timedelta = DEFAULT_LEASE,
    rate_limiter: RateLimiter | None = None,
    max_attempts: int | None = None,
    rng: Callable[[], float] = random.random,
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
        rate_limiter: Spaces HTTP calls; defaults to `settings.mail_requests_per_second`.
            Pass the same one to every call (as `run_forever` does) so the limit holds
            across calls.
        max_attempts: Defaults to `settings.mail_max_attempts`.
        rng: Jitter source for the backoff.

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
        limiter=rate_limiter or RateLimiter(settings.mail_requests_per_second),
        claimed_at=clock(),
        started=time.monotonic(),
        lease=lease,
        clock=clock,
        max_attempts=max_attempts or settings.mail_max_attempts,
        rng=rng,
    )
    units, run.report.dead = _claim(
        run.new_session, run.claimed_at, limit or batch_size, batch_size, lease, run.max_attempts
    )
    run.report.claimed = sum(len(unit.claims) for unit in units)
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
    user_id: int | None


@dataclass(frozen=True)
class _Unit:
    """Rows claimed together for one request; a lone row (no batch key) is sent by itself."""

    claims: tuple[_Claim, ...]
    batch_key: str | None


# -- claiming ------------------------------------------------------------------------------------


def _claim(
    new_session: SessionFactory,
    now: datetime,
    limit: int,
    batch_size: int,
    lease: timedelta,
    max_attempts: int,
) -> tuple[list[_Unit], int]:
    """Claim up to `limit` due rows in one short transaction, grouped into send units.

    Returns the units and how many rows died. The claim counts the attempt, so a mail
    whose sending kills the worker still runs out of attempts instead of being retried
    forever. Three kinds of due rows, each kept to the key it was first sent under:
    rows with a `batch_key` are claimed with their whole batch; rows already tried alone
    (attempts > 0, no key) are claimed alone; untried rows form new batches.
    """
    stale_before = now - lease
    due = _due(OutboxMessage, now, stale_before)
    groups: list[list[int]] = []
    fresh: list[int] = []
    dead: list[int] = []
    seen_keys: set[str] = set()
    with new_session() as session:
        # SKIP LOCKED lets concurrent PostgreSQL dispatchers pass each other by; SQLite
        # ignores it and the conditional UPDATEs below are what make the claim safe.
        candidates = session.execute(
            select(
                col(OutboxMessage.id),
                col(OutboxMessage.status),
                col(OutboxMessage.attempts),
                col(OutboxMessage.batch_key),
            )
            .where(due)
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        taken = 0
        for row_id, status, attempts, batch_key in candidates:
            if taken >= limit:
                break
            if batch_key is not None:
                if batch_key not in seen_keys:
                    seen_keys.add(batch_key)
                    group = _claim_group(session, batch_key, now, stale_before, max_attempts, dead)
                    if group:
                        groups.append(group)
                        taken += len(group)
                continue
            if status == OutboxStatus.SENDING and attempts >= max_attempts:
                _kill_final_attempt(session, (col(OutboxMessage.id) == row_id) & due, row_id, dead)
                continue
            if not _claim_row(session, row_id, due, now):
                continue
            taken += 1
            if attempts > 0 or status == OutboxStatus.SENDING:
                groups.append([row_id])  # tried alone before: its own key, alone again
            else:
                fresh.append(row_id)
                if len(fresh) == batch_size:
                    groups.append(fresh)
                    fresh = []
        if fresh:
            groups.append(fresh)
        units = _stamp_units(session, groups)
        session.commit()
    for row_id in dead:
        logger.error("outbox %s dead: lease expired during the final attempt", row_id)
    return units, len(dead)


def _due(entity: Any, now: datetime, stale_before: datetime) -> Any:
    return or_(
        (entity.status == OutboxStatus.PENDING) & (entity.next_attempt_at <= now),
        (entity.status == OutboxStatus.SENDING) & (entity.claimed_at <= stale_before),
    )


def _claim_row(session: Session, row_id: int, due: Any, now: datetime) -> bool:
    return bool(
        _update(
            session,
            (col(OutboxMessage.id) == row_id) & due,
            status=OutboxStatus.SENDING,
            claimed_at=now,
            attempts=col(OutboxMessage.attempts) + 1,
        )
    )


def _kill_final_attempt(session: Session, where: Any, row_id: int, dead: list[int]) -> None:
    # The final attempt's dispatcher died mid-send. Resending forever could loop on a mail
    # that kills the worker, so stop here.
    if _update(
        session,
        where,
        status=OutboxStatus.DEAD,
        claimed_at=None,
        last_error="lease expired during the final attempt; delivery unknown",
    ):
        dead.append(row_id)


def _claim_group(
    session: Session,
    batch_key: str,
    now: datetime,
    stale_before: datetime,
    max_attempts: int,
    dead: list[int],
) -> list[int]:
    """Claim every live row of one earlier batch, or none of them; return the claimed ids.

    Part of a batch must never be resent under another key while the rest may still be
    in flight, so the group is skipped when any live member is not due (another dispatcher
    holds it) or locked by a concurrent claim.
    """
    in_group = col(OutboxMessage.batch_key) == batch_key
    live = col(OutboxMessage.status).in_(_LIVE)
    due = _due(OutboxMessage, now, stale_before)
    members = session.execute(
        select(col(OutboxMessage.id), col(OutboxMessage.status), col(OutboxMessage.attempts))
        .where(in_group & live)
        .with_for_update(skip_locked=True)
    ).all()
    total = session.execute(
        select(func.count()).select_from(OutboxMessage).where(in_group & live)
    ).scalar_one()
    if len(members) != total:
        return []  # some rows are locked by a concurrent claim
    for row_id, status, attempts in members:
        if status == OutboxStatus.SENDING and attempts >= max_attempts:
            _kill_final_attempt(session, (col(OutboxMessage.id) == row_id) & due, row_id, dead)
    # One statement, so the "all due" check and the claim cannot be split by another writer.
    other = aliased(OutboxMessage)
    blocked = exists().where(
        and_(
            col(other.batch_key) == batch_key,
            col(other.status).in_(_LIVE),
            not_(_due(other, now, stale_before)),
        )
    )
    _update(
        session,
        in_group & live & due & ~blocked,
        status=OutboxStatus.SENDING,
        claimed_at=now,
        attempts=col(OutboxMessage.attempts) + 1,
    )
    return list(
        session.execute(
            select(col(OutboxMessage.id)).where(
                in_group
                & (col(OutboxMessage.status) == OutboxStatus.SENDING)
                & (col(OutboxMessage.claimed_at) == now)
            )
        ).scalars()
    )


def _stamp_units(session: Session, groups: list[list[int]]) -> list[_Unit]:
    """Store each group's batch key (None for a lone row) and load what the senders need.

    The key is computed from the ids actually claimed: a batch that lost rows (cancelled,
    dead) is a different request and must not reuse the old key, which Resend would refuse.
    """
    claimed = [row_id for group in groups for row_id in group]
    rows = {
        row.id: row
        for row in session.execute(
            select(OutboxMessage).where(col(OutboxMessage.id).in_(claimed))
        ).scalars()
    }
    units = []
    for unsorted in groups:
        # The request body must be the same on every resend (Resend compares payloads
        # under one key), so its order follows the ids, like the key does.
        group = sorted(unsorted)
        key = batch_key_for(group) if len(group) > 1 else None
        for row_id in group:
            if rows[row_id].batch_key != key:
                rows[row_id].batch_key = key
        claims = tuple(
            _Claim(OutgoingMail.from_row(rows[i]), rows[i].attempts, rows[i].user_id) for i in group
        )
        units.append(_Unit(claims, key))
    session.flush()
    return units


# -- sending and recording --------------------------------------------------------------------------


@dataclass
class _Run:
    """One `dispatch_due` call's sending half: everything the outcomes need to be recorded."""

    new_session: SessionFactory
    sender: Sender
    limiter: RateLimiter
    claimed_at: datetime
    started: float
    lease: timedelta
    clock: Callable[[], datetime]
    max_attempts: int
    rng: Callable[[], float]

    def __post_init__(self) -> None:
        self.report = DispatchReport()

    def out_of_time(self) -> bool:
        """Past half the lease: a send can hang until its HTTP timeout, so stop claiming work.

        Handing the rest back beats another dispatcher taking over rows we still work on.
        """
        return time.monotonic() - self.started > self.lease.total_seconds() / 2

    def release(self, claims: Sequence[_Claim]) -> None:
        """Hand unsent claims back, undoing the attempt the claim counted."""
        with self.new_session() as session:
            released = sum(
                _update(
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

    def send_one(self, claim: _Claim) -> None:
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

    def send_batch(self, claims: Sequence[_Claim], batch_key: str) -> None:
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

    def _send_rows_alone(self, claims: Sequence[_Claim]) -> None:
        # A rejected batch delivered nothing (Resend validates batches strictly), so its rows
        # may go out under their own keys. Dropping the batch key first means a crash from
        # here on recovers them one by one too, never as a batch under a new key.
        with self.new_session() as session:
            for claim in claims:
                _update(session, self._ours(claim), batch_key=None)
            session.commit()
        for index, claim in enumerate(claims):
            if self.out_of_time():
                self.release(claims[index:])
                return
            self.send_one(claim)

    def _wait(self) -> None:
        if self.sender.makes_requests:
            self.limiter.wait()

    def _retry_or_dead(self, claims: list[_Claim], exc: Exception) -> None:
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
        outcomes: list[tuple[_Claim, dict[str, object]]] = []
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

    def _ours(self, claim: _Claim) -> Any:
        return (
            (col(OutboxMessage.id) == claim.mail.outbox_id)
            & (col(OutboxMessage.status) == OutboxStatus.SENDING)
            & (col(OutboxMessage.claimed_at) == self.claimed_at)
        )

    def _record(
        self, outcomes: Sequence[tuple[_Claim, dict[str, object]]], *, bounced: bool = False
    ) -> None:
        """Record outcomes in one transaction; rows no longer ours are counted as lost."""
        counters = {
            OutboxStatus.SENT: "sent",
            OutboxStatus.LOCAL: "local",
            OutboxStatus.PENDING: "retried",
            OutboxStatus.DEAD: "dead",
        }
        with self.new_session() as session:
            changed = [_update(session, self._ours(claim), **values) for claim, values in outcomes]
            if bounced:
                for (claim, _), ok in zip(outcomes, changed, strict=True):
                    if ok:
                        _mark_bounced(session, claim, self.clock())
            _advance_invitations(session, outcomes, changed, bounced=bounced, now=self.clock())
            session.commit()
        for (_, values), ok in zip(outcomes, changed, strict=True):
            if ok:
                name = counters[OutboxStatus(str(values["status"]))]
                setattr(self.report, name, getattr(self.report, name) + 1)
            else:
                self.report.lost += 1
                logger.warning("outbox outcome not recorded: another dispatcher took the row over")


def _advance_invitations(
    session: Session,
    outcomes: Sequence[tuple[_Claim, dict[str, object]]],
    changed: Sequence[int],  # rows each outcome updated: 0 when no longer ours
    *,
    bounced: bool,
    now: datetime,
) -> None:
    """An invitation's delivery state follows its latest mail (Min organisation, Inbjudna).

    Only that mail counts (a resend points the invitation at a new one), and only an
    invitation still waiting moves: accepted, revoked or expired ones keep their state.
    """
    delivered = [
        claim.mail.outbox_id
        for (claim, values), ok in zip(outcomes, changed, strict=True)
        if ok and values["status"] in (OutboxStatus.SENT, OutboxStatus.LOCAL)
    ]
    rejected = [
        claim.mail.outbox_id
        for (claim, values), ok in zip(outcomes, changed, strict=True)
        if ok and bounced and values["status"] == OutboxStatus.DEAD
    ]
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


def _mark_bounced(session: Session, claim: _Claim, now: datetime) -> None:
    """Flag the user's address as bounced, unless it changed since the mail was queued.

    Only the address the mail went to is known bad; a user who has moved on to a new
    address must not inherit the old one's bounce.
    """
    if claim.user_id is None:
        return
    email = session.execute(
        select(col(User.email)).where(col(User.id) == claim.user_id)
    ).scalar_one_or_none()
    if email is None or email.strip().casefold() != claim.mail.to.strip().casefold():
        return
    session.execute(update(User).where(col(User.id) == claim.user_id).values(email_bounced_at=now))
    logger.info("user %s: e-mail address marked as bounced", claim.user_id)


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

"""Claiming due outbox rows for one dispatch, grouped into the requests that send them.

The claim is a conditional UPDATE (PENDING -> SENDING) committed before any HTTP call;
see dispatcher.py for why rows keep the batch (and the idempotency key) they were first
sent in.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, not_, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from admin_portal.mail.senders import OutgoingMail
from admin_portal.models import OutboxMessage, OutboxStatus

# The dispatcher's logger: a claim's log lines read as the dispatch's own.
logger = logging.getLogger("admin_portal.mail.dispatcher")

SessionFactory = Callable[[], Session]
BATCH_KEY_PREFIX = "admin-portal-batch-"
_LIVE = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def batch_key_for(outbox_ids: Iterable[int]) -> str:
    """The idempotency key of a batch request: the same ids always give the same key.

    Args:
        outbox_ids: The batch's outbox row ids, in any order.

    Returns:
        ``"admin-portal-batch-"`` and the SHA-256 of the sorted ids (83 characters).
    """
    joined = ",".join(str(i) for i in sorted(outbox_ids))
    return BATCH_KEY_PREFIX + hashlib.sha256(joined.encode()).hexdigest()


@dataclass(frozen=True)
class Claim:
    mail: OutgoingMail
    attempts: int  # including the attempt this claim started
    user_id: int | None


@dataclass(frozen=True)
class Unit:
    """Rows claimed together for one request; a lone row (no batch key) is sent by itself."""

    claims: tuple[Claim, ...]
    batch_key: str | None


# -- claiming ------------------------------------------------------------------------------------


def claim_due(
    new_session: SessionFactory,
    now: datetime,
    limit: int,
    batch_size: int,
    lease: timedelta,
    max_attempts: int,
) -> tuple[list[Unit], int]:
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
        update_outbox(
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
    if update_outbox(
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
    update_outbox(
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


def _stamp_units(session: Session, groups: list[list[int]]) -> list[Unit]:
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
            Claim(OutgoingMail.from_row(rows[i]), rows[i].attempts, rows[i].user_id) for i in group
        )
        units.append(Unit(claims, key))
    session.flush()
    return units


def update_outbox(session: Session, where: object, **values: object) -> int:
    result = session.execute(update(OutboxMessage).where(where).values(**values))  # type: ignore[arg-type]
    return int(result.rowcount or 0)  # type: ignore[attr-defined]

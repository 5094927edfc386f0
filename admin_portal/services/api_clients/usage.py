"""What an API client's calls leave in Granskningslogg: writes one by one, reads per minute.

The issue's rule is "every call is audited with the client as the actor". Writing one
audit event per read made an integration that polls (an IdP syncing every few minutes
reads thousands of users a run) the bulk of the log. So:

- every write call, and every call refused as unauthenticated or out of scope (401/403),
  gets its own `api_call` event, as before;
- read calls (GET, and SCIM's POST .search) are counted per client and minute in
  `api_client_read_windows` (an atomic upsert on its primary key), and that minute's one
  `api_reads` event, written by the minute's first read, is updated with the counts
  (`reads=N failed=M window=... last=<endpoint> status=<code>`) by each later read.

So each call is in the log, with the client as the actor, and reads cost one tiny upsert
and one in-place update of an unindexed column instead of an insert into the audit table
and its indexes. The upsert's row lock (PostgreSQL) or the write lock (SQLite) serialises
the reads of one client and minute, so counts are never lost and the event is made once.
The client's `last_used_at` moves with every write and once per minute with reads.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from admin_portal.models import ApiClient, ApiClientReadWindow, AuditEvent, utcnow
from admin_portal.services.audit import record_event

READS_ACTION = "api_reads"
CALL_ACTION = "api_call"


def _outcome(status: int) -> str:
    return "ok" if status < 400 else "denied" if status in (401, 403, 404) else "failed"


def record_write_call(session: Session, *, client: ApiClient, endpoint: str, status: int) -> None:
    """One `api_call` audit event for this call, with the client as the actor."""
    client.last_used_at = utcnow()
    session.add(client)
    record_event(
        session,
        action=CALL_ACTION,
        organisation_id=client.organisation_id,
        actor_user_id=None,
        target_type="api_client",
        target_id=client.id,
        outcome=_outcome(status),
        detail=f"call={endpoint} status={status}",
    ).actor_api_client_id = client.id


def record_read_call(
    session: Session,
    *,
    client: ApiClient,
    endpoint: str,
    status: int,
    now: datetime | None = None,
) -> int:
    """Count one read in the client's current minute; returns the minute's reads so far."""
    at = now or utcnow()
    window = at.replace(second=0, microsecond=0)
    failed = 1 if status >= 400 else 0
    table = ApiClientReadWindow.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    upsert = (
        insert(table)
        .values(api_client_id=client.id, window_start=window, reads=1, failed=failed)
        .on_conflict_do_update(
            index_elements=[table.c.api_client_id, table.c.window_start],
            set_={"reads": table.c.reads + 1, "failed": table.c.failed + failed},
        )
        .returning(table.c.reads, table.c.failed, table.c.audit_event_id)
    )
    reads, failed_total, event_id = session.execute(upsert).one()
    minute = window.strftime("%Y-%m-%dT%H:%MZ")
    if event_id is None:
        event = record_event(
            session,
            action=READS_ACTION,
            organisation_id=client.organisation_id,
            actor_user_id=None,
            target_type="api_client",
            target_id=client.id,
            detail=f"reads={reads} failed={failed_total} window={minute} last={endpoint} status={status}",
        )
        event.actor_api_client_id = client.id
        session.flush()
        session.execute(
            update(table)
            .where(table.c.api_client_id == client.id, table.c.window_start == window)
            .values(audit_event_id=event.id)
        )
        client.last_used_at = at
        session.add(client)
    else:
        outcome = "ok" if failed_total == 0 else "failed"
        session.execute(
            update(AuditEvent)
            .where(col(AuditEvent.id) == event_id)
            # Ints and constants only (the scan in tests/unit/test_audit_log.py checks).
            .values(
                detail=f"reads={reads} failed={failed_total} window={minute} last={endpoint} status={status}",
                outcome=outcome,
            )
        )
    return int(reads)

"""Applying an import (F1.3): a background job (`apply_step`, run by the worker).

Only rows whose preview said "add" or "change" are touched, and each is checked again
against the database of that moment, because the person may have verified their address,
been removed or moved out of the admin's scope since, or someone else may have taken the
address.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import (
    APPLYING_OUTCOMES,
    AuditEvent,
    BackgroundJob,
    ImportOutcome,
    ImportStatus,
    JobKind,
    User,
    UserImport,
    UserImportRow,
    UserStatus,
    utcnow,
)
from admin_portal.services import jobs
from admin_portal.services.audit.events import record_event
from admin_portal.services.errors import PermissionDenied, ServiceError
from admin_portal.services.spreadsheets.import_people import (
    address_holders as _address_holders,
)
from admin_portal.services.spreadsheets.import_people import (
    chunks,
    in_scope,
)
from admin_portal.services.spreadsheets.imports import (
    APPLIED,
    APPLY_CHUNK,
    LOOKUP_CHUNK,
    _own_import,
)
from admin_portal.services.users.email_address import assign_new_emails
from admin_portal.services.users.manage import users_out_of_reach
from admin_portal.validation.email import normalise_email
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.identifiers import email_key

# --------------------------------------------------------------------------- apply


def start_apply(
    session: Session, *, actor: Actor, import_id: object, request_key: object
) -> jobs.JobProgress:
    """Queue applying a previewed import, once. A repeated request gets the same job.

    Raises:
        NotFound: unknown, another organisation's or another admin's import (head admins
            may apply any in their organisation).
        PermissionDenied: not an admin, or the request key belongs to someone else.
        ServiceError: a malformed request key, or the import was discarded.
    """
    user_import = _own_import(session, actor, import_id)
    key = jobs.valid_request_key(request_key)
    started = jobs.find_started_job(
        session, actor=actor, kind=JobKind.IMPORT_APPLY, request_key=key
    )
    if started is not None:
        if jobs.read_json(started.parameters).get("import_id") != user_import.id:
            raise PermissionDenied()
        return jobs.progress_of(started)
    if user_import.job_id is not None:  # applied already (from another tab or request)
        job = session.get(BackgroundJob, user_import.job_id)
        assert job is not None
        return jobs.progress_of(job)
    if user_import.status != ImportStatus.PREVIEWED:
        raise ServiceError("import.not_applicable")
    # Claim the import in one conditional UPDATE: two requests racing with different keys
    # cannot both start a job.
    claimed = session.execute(
        update(UserImport)
        .where(
            col(UserImport.id) == user_import.id,
            col(UserImport.status) == ImportStatus.PREVIEWED,
        )
        .values(status=ImportStatus.APPLYING)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise ServiceError("import.not_applicable")
    session.refresh(user_import)
    total = session.exec(
        select(func.count())
        .select_from(UserImportRow)
        .where(
            UserImportRow.import_id == user_import.id,
            col(UserImportRow.outcome).in_([str(o) for o in APPLYING_OUTCOMES]),
        )
    ).one()
    job = jobs.create_job(
        session,
        actor=actor,
        kind=JobKind.IMPORT_APPLY,
        request_key=key,
        parameters={"import_id": user_import.id},
        total=total,
    )
    user_import.job_id = job.id
    session.add(user_import)
    record_event(
        session,
        action="user_import_applied",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="user_import",
        target_id=user_import.id,
        detail=f"rows={total}",
    )
    return jobs.progress_of(job)


def apply_step(session: Session, job: BackgroundJob) -> bool:
    """Apply the next chunk of an import's changing rows (the worker calls this).

    Each row is checked again: the user is still active, in the scope of the admin who
    started the job, without an active connection, and the address is still free in the
    company. Never commits; returns True when the import is done.
    """
    import_id = jobs.read_json(job.parameters).get("import_id")
    user_import = session.get(UserImport, import_id) if isinstance(import_id, int) else None
    if user_import is None or user_import.organisation_id != job.organisation_id:
        job.error = "import.not_found"
        return True
    actor = load_actor(session, job.created_by_id)
    if actor is not None and (not actor.is_admin or actor.organisation_id != job.organisation_id):
        actor = None  # no longer an admin here: every remaining row is out of scope
    after = int(job.cursor or 0)
    # Plain tuples, not ORM rows: the session's identity map stays small.
    rows = [
        _Pending(row_id, number, user_id, email)
        for row_id, number, user_id, email in session.execute(
            sa_select(
                col(UserImportRow.id),
                col(UserImportRow.row_number),
                col(UserImportRow.user_id),
                col(UserImportRow.email),
            )
            .where(
                col(UserImportRow.import_id) == user_import.id,
                col(UserImportRow.outcome).in_([str(o) for o in APPLYING_OUTCOMES]),
                col(UserImportRow.row_number) > after,
            )
            .order_by(col(UserImportRow.row_number))
            .limit(APPLY_CHUNK)
        ).all()
    ]
    if rows:
        with _large_page_cache(session):
            verdicts = _apply_rows(session, actor, job.organisation_id, rows)
        applied = verdicts.get(APPLIED, 0)
        failed = verdicts.get(ImportOutcome.EMAIL_TAKEN, 0) + verdicts.get(
            ImportOutcome.INVALID_EMAIL, 0
        )
        job.processed += len(rows)
        job.succeeded += applied
        job.failed += failed
        job.skipped += len(rows) - applied - failed
        jobs.add_to_summary(job, {str(k): v for k, v in verdicts.items()})
        job.cursor = str(rows[-1].number)
    if len(rows) < APPLY_CHUNK:
        user_import.status = ImportStatus.APPLIED
        user_import.applied_at = utcnow()
        session.add(user_import)
        return True
    return False


# SQLite's page cache for the step (KiB, as PRAGMA cache_size takes a negative number):
# a chunk's UPDATE touches pages all over the users table, its six search indexes and two
# FTS5 tables; with the default 2 MB most of them are read again for every row.
_STEP_CACHE_KIB = 64 * 1024


@contextmanager
def _large_page_cache(session: Session) -> Iterator[None]:
    """A larger page cache on SQLite while the step runs; the pooled connection gets its
    own size back afterwards (PostgreSQL: nothing to do)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = {-_STEP_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")


@dataclass
class _Pending:
    """A changing row of the preview, as apply reads it."""

    id: int
    number: int
    user_id: int | None
    email: str | None
    address: str = ""
    key: str = ""
    verdict: str | None = None


@dataclass(frozen=True)
class _Target:
    """What the re-check needs of the row's user, read as plain columns (no ORM object)."""

    id: int
    organisation_id: int
    status: str
    company_id: int
    unit_id: int | None
    email_key: str | None
    verified: bool


def _targets(session: Session, user_ids: list[int]) -> dict[int | None, _Target]:
    # Locked (PostgreSQL) so a profile edit in between cannot be overwritten unseen.
    found: dict[int | None, _Target] = {}
    for chunk in chunks(user_ids, LOOKUP_CHUNK):
        for uid, org_id, status, company_id, unit_id, key, verified_at in session.execute(
            sa_select(
                col(User.id),
                col(User.organisation_id),
                col(User.status),
                col(User.company_id),
                col(User.unit_id),
                col(User.email_key),
                col(User.email_verified_at),
            )
            .where(col(User.id).in_(chunk))
            .with_for_update()
        ).all():
            found[uid] = _Target(
                uid, org_id, status, company_id, unit_id, key, verified_at is not None
            )
    return found


def _recheck(
    actor: Actor | None,
    organisation_id: int,
    user: _Target | None,
    key: str,
    holders: dict[tuple[int, str], int],
    out_of_reach: set[int],
) -> str | None:
    """Why the row can no longer be applied, or None when it can."""
    if user is None or user.status != UserStatus.ACTIVE or user.organisation_id != organisation_id:
        return ImportOutcome.UNKNOWN_USERNAME
    if actor is None or not in_scope(actor, user.company_id, user.unit_id):
        return ImportOutcome.OUT_OF_SCOPE
    if user.id in out_of_reach:
        return ImportOutcome.ADMIN_OUT_OF_REACH
    if user.email_key == key:
        return ImportOutcome.UNCHANGED
    if user.verified:
        return ImportOutcome.CONNECTION_ACTIVE
    holder = holders.get((user.company_id, key))
    if holder is not None and holder != user.id:
        return ImportOutcome.EMAIL_TAKEN
    return None


def _apply_rows(
    session: Session, actor: Actor | None, organisation_id: int, rows: list[_Pending]
) -> Counter[str]:
    user_ids = sorted({r.user_id for r in rows if r.user_id is not None})
    users = _targets(session, user_ids)
    for row in rows:
        try:
            row.address = normalise_email(row.email or "")
            row.key = email_key(row.address)
        except InvalidInput:
            row.verdict = ImportOutcome.INVALID_EMAIL  # stored as valid; never apply another
    holders = _address_holders(
        session,
        ((users[r.user_id].company_id, r.key) for r in rows if r.user_id in users and r.key),
    )
    # Grants may have changed since the preview: who is out of reach is decided again now.
    out_of_reach = (
        set() if actor is None else users_out_of_reach(session, actor=actor, user_ids=user_ids)
    )
    ready: list[tuple[_Pending, int]] = []
    for row in rows:
        if row.verdict is None:
            user = users.get(row.user_id)
            row.verdict = _recheck(actor, organisation_id, user, row.key, holders, out_of_reach)
            if row.verdict is None and user is not None:
                ready.append((row, user.id))
                # Claimed: a later row of the chunk cannot take the same address.
                holders[(user.company_id, row.key)] = user.id
    now = utcnow()
    try:
        # One savepoint for the chunk: the checks above make a conflict rare (only a
        # writer racing this step), and one savepoint per row would cost more than the rows.
        # Two statements for the chunk (links voided, addresses set), not one per user.
        with session.begin_nested():
            assign_new_emails(
                session, changes=[(user_id, row.address) for row, user_id in ready], now=now
            )
    except IntegrityError:
        _assign_one_by_one(session, ready, now)
    else:
        for row, _ in ready:
            row.verdict = APPLIED
    _record(session, actor, rows, now)
    return Counter(str(r.verdict) for r in rows)


def _assign_one_by_one(session: Session, ready: list[tuple[_Pending, int]], now: datetime) -> None:
    """The slow path after a conflict: each row in its own savepoint, so only the row whose
    address was taken meanwhile fails (the unique constraint decides)."""
    for row, user_id in ready:
        try:
            with session.begin_nested():
                assign_new_emails(session, changes=[(user_id, row.address)], now=now)
        except IntegrityError:
            row.verdict = ImportOutcome.EMAIL_TAKEN
        else:
            row.verdict = APPLIED


def _record(session: Session, actor: Actor | None, rows: list[_Pending], now: datetime) -> None:
    """The rows' verdicts and one audit event per changed user, each in one statement."""
    table: Any = UserImportRow.__table__  # type: ignore[attr-defined]
    if session.connection().dialect.name == "postgresql":
        # One statement over arrays instead of an executemany (see assign_new_emails).
        session.execute(
            text(
                "UPDATE user_import_rows SET applied_outcome = v.verdict, "
                "applied_at = CASE WHEN v.verdict IS NULL THEN CAST(:at AS timestamp) END "
                "FROM unnest(CAST(:ids AS integer[]), CAST(:verdicts AS text[])) "
                "AS v(id, verdict) WHERE user_import_rows.id = v.id"
            ),
            {
                "ids": [r.id for r in rows],
                "verdicts": [None if r.verdict == APPLIED else str(r.verdict) for r in rows],
                "at": now,
            },
        )
    else:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(applied_at=bindparam("at"), applied_outcome=bindparam("verdict")),
            [
                {
                    "row_id": r.id,
                    "at": now if r.verdict == APPLIED else None,
                    "verdict": None if r.verdict == APPLIED else r.verdict,
                }
                for r in rows
            ],
        )
    changed = [r.user_id for r in rows if r.verdict == APPLIED]
    if changed and actor is not None:
        # What record_admin_action writes, for the whole chunk at once.
        session.execute(
            insert(AuditEvent.__table__),  # type: ignore[attr-defined]
            [
                {
                    "organisation_id": actor.organisation_id,
                    "actor_user_id": actor.user_id,
                    "action": "email_imported",
                    "target_type": "user",
                    "target_id": str(user_id),
                    "target_user_id": user_id,
                    "outcome": "ok",
                    "created_at": now,
                }
                for user_id in changed
            ],
        )

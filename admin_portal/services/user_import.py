"""Import e-mail addresses from the Anställda/användare template (F1.3): preview, then apply.

Preview reads the upload, decides one outcome per row and stores it (UserImportRow), so the
admin applies exactly what they read and can download the report later. Lookups are by
chunk (usernames, then addresses), never one query per row.

Apply is a background job (`apply_step`, run by the worker): only rows whose preview said
"add" or "change" are touched, and each is checked again against the database of that
moment, because the person may have verified their address, been removed or moved out
of the admin's scope since, or someone else may have taken the address.

Rules (from the help article, seed 001): only users without an active login connection
(no verified address) get an address; an invalid address is never applied. Another
organisation's username is "unknown": its existence is never revealed.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.i18n import normalise_language, t
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
from admin_portal.services.audit import record_event
from admin_portal.services.email_address import assign_email, void_verification_links
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError
from admin_portal.services.spreadsheets import IMPORT_COLUMNS, SpreadsheetError, read_sheet
from admin_portal.services.users import users_out_of_reach
from admin_portal.validation.email import normalise_email
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.identifiers import email_key, username_key

LOOKUP_CHUNK = 500  # keys per IN (...): well below every database's parameter limit
INSERT_CHUNK = 5000
APPLY_CHUNK = 1000
PAGE_SIZE = 50
_USERNAME_MAX = 200  # UserImportRow.username
_EMAIL_MAX = 320  # UserImportRow.email

# How a re-check at apply time sorts a row into the job's counters.
_SKIPPED_AT_APPLY = frozenset(
    {
        ImportOutcome.UNCHANGED,
        ImportOutcome.CONNECTION_ACTIVE,
        ImportOutcome.UNKNOWN_USERNAME,
        ImportOutcome.OUT_OF_SCOPE,
        ImportOutcome.ADMIN_OUT_OF_REACH,
    }
)
APPLIED = "applied"  # summary/report key for a row whose address was set


@dataclass(frozen=True)
class ImportSummary:
    """What the page shows about an import (no personal data: counts only)."""

    id: int
    filename: str
    file_format: str
    status: str
    row_count: int
    counts: dict[str, int]
    will_change: int  # rows that add or change an address when applied
    job_id: int | None
    created_at: datetime
    applied_at: datetime | None


@dataclass(frozen=True)
class ImportRowView:
    row_number: int
    username: str
    email: str
    outcome: str
    applied_outcome: str  # "" until apply has handled the row; "applied" when it set it


@dataclass(frozen=True)
class ImportRowsPage:
    rows: list[ImportRowView]
    total: int
    page: int
    pages: int


# --------------------------------------------------------------------------- reading


def _summary(user_import: UserImport) -> ImportSummary:
    assert user_import.id is not None
    counts = jobs.read_json(user_import.counts)
    return ImportSummary(
        id=user_import.id,
        filename=user_import.filename,
        file_format=user_import.file_format,
        status=user_import.status,
        row_count=user_import.row_count,
        counts={k: int(v) for k, v in counts.items()},
        will_change=sum(int(counts.get(o, 0)) for o in APPLYING_OUTCOMES),
        job_id=user_import.job_id,
        created_at=user_import.created_at,
        applied_at=user_import.applied_at,
    )


def _own_import(session: Session, actor: Actor, import_id: object) -> UserImport:
    """An import the actor may see: their own, or any in the organisation for a head admin.

    The rows hold usernames and addresses, so other admins' imports stay theirs.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    if not isinstance(import_id, int) or isinstance(import_id, bool):
        raise NotFound()
    user_import = session.get(UserImport, import_id)
    if (
        user_import is None
        or user_import.organisation_id != actor.organisation_id
        or (user_import.created_by_id != actor.user_id and not actor.is_head_admin)
    ):
        raise NotFound()
    return user_import


def get_import(session: Session, *, actor: Actor, import_id: object) -> ImportSummary:
    """Raises NotFound for unknown, another organisation's or another admin's import."""
    return _summary(_own_import(session, actor, import_id))


def latest_import(session: Session, *, actor: Actor) -> ImportSummary | None:
    """The newest import this admin uploaded: a reloaded page shows it again."""
    if not actor.is_admin:
        raise PermissionDenied()
    user_import = session.exec(
        select(UserImport)
        .where(
            UserImport.organisation_id == actor.organisation_id,
            UserImport.created_by_id == actor.user_id,
        )
        .order_by(col(UserImport.id).desc())
        .limit(1)
    ).first()
    return None if user_import is None else _summary(user_import)


def list_import_rows(
    session: Session,
    *,
    actor: Actor,
    import_id: object,
    page: object = 1,
    outcome: object = None,
    page_size: int = PAGE_SIZE,
) -> ImportRowsPage:
    """One page of an import's rows in file order, optionally of one preview outcome."""
    user_import = _own_import(session, actor, import_id)
    wanted = outcome if outcome in {o.value for o in ImportOutcome} else None
    where = [UserImportRow.import_id == user_import.id]
    if wanted is not None:
        where.append(UserImportRow.outcome == wanted)
    total = session.exec(select(func.count()).select_from(UserImportRow).where(*where)).one()
    pages = max(1, math.ceil(total / page_size))
    number = page if isinstance(page, int) and not isinstance(page, bool) else 1
    number = min(max(1, number), pages)
    rows = session.exec(
        select(UserImportRow)
        .where(*where)
        .order_by(col(UserImportRow.row_number))
        .offset((number - 1) * page_size)
        .limit(page_size)
    ).all()
    return ImportRowsPage(rows=[_row_view(r) for r in rows], total=total, page=number, pages=pages)


def _row_view(row: UserImportRow) -> ImportRowView:
    return ImportRowView(
        row_number=row.row_number,
        username=row.username,
        email=row.email or "",
        outcome=row.outcome,
        applied_outcome=APPLIED if row.applied_at is not None else (row.applied_outcome or ""),
    )


def outcome_text(outcome: str, lang: str) -> str:
    return t(f"import.outcome.{outcome}", lang)


def import_report_rows(
    session: Session, *, actor: Actor, import_id: object, lang: str
) -> Iterator[list[str]]:
    """The row report as spreadsheet rows: header, then every row in file order, by chunk.

    Raises:
        NotFound/PermissionDenied: checked before the first row (call `get_import` first
            when the caller must answer before streaming).
    """
    lang = normalise_language(lang)
    user_import = _own_import(session, actor, import_id)
    yield [t(f"import.report.{c}", lang) for c in ("row", "username", "email", "preview", "result")]
    done = user_import.status == ImportStatus.APPLIED
    after = 0
    while True:
        chunk = session.exec(
            select(UserImportRow)
            .where(UserImportRow.import_id == user_import.id, UserImportRow.row_number > after)
            .order_by(col(UserImportRow.row_number))
            .limit(APPLY_CHUNK)
        ).all()
        for row in chunk:
            yield [
                str(row.row_number),
                row.username,
                row.email or "",
                outcome_text(row.outcome, lang),
                _result_text(row, done, lang),
            ]
        if len(chunk) < APPLY_CHUNK:
            return
        after = chunk[-1].row_number


def _result_text(row: UserImportRow, done: bool, lang: str) -> str:
    if row.applied_at is not None:
        return t("import.result.applied", lang)
    if row.applied_outcome:
        return outcome_text(row.applied_outcome, lang)
    return t("import.result.not_changed", lang) if done else ""


# --------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class _Person:
    id: int
    company_id: int
    unit_id: int | None
    email: str | None
    email_key: str | None
    verified: bool


def _in_scope(actor: Actor, company_id: int, unit_id: int | None) -> bool:
    # permissions.can_manage_user on a looked-up row (the organisation is in the query).
    return (
        actor.is_head_admin
        or company_id in actor.company_ids
        or (unit_id is not None and unit_id in actor.unit_ids)
    )


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _people_by_username(
    session: Session, organisation_id: int, keys: Iterable[str]
) -> dict[str, _Person]:
    """Active users of the organisation by username key. Other organisations' users are never
    loaded, so their usernames look exactly like unknown ones."""
    found: dict[str, _Person] = {}
    for chunk in _chunks(sorted(set(keys)), LOOKUP_CHUNK):
        rows = session.execute(
            sa_select(
                col(User.id),
                col(User.username_key),
                col(User.company_id),
                col(User.unit_id),
                col(User.email),
                col(User.email_key),
                col(User.email_verified_at),
            ).where(
                col(User.organisation_id) == organisation_id,
                col(User.status) == UserStatus.ACTIVE,
                col(User.username_key).in_(chunk),
            )
        ).all()
        for uid, key, company_id, unit_id, email, ekey, verified_at in rows:
            found[key] = _Person(uid, company_id, unit_id, email, ekey, verified_at is not None)
    return found


def _address_holders(
    session: Session, pairs: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """(company id, e-mail key) -> the user holding it, removed users included: the
    company's unique constraint counts them too."""
    wanted = set(pairs)
    companies = sorted({c for c, _ in wanted})
    holders: dict[tuple[int, str], int] = {}
    for chunk in _chunks(sorted({k for _, k in wanted}), LOOKUP_CHUNK):
        rows = session.exec(
            select(User.id, User.company_id, User.email_key).where(
                col(User.email_key).in_(chunk), col(User.company_id).in_(companies)
            )
        ).all()
        for uid, company_id, key in rows:
            if (company_id, key) in wanted and uid is not None and key is not None:
                holders[(company_id, key)] = uid
    return holders


@dataclass
class _Row:
    number: int
    username: str
    email: str  # normalised when valid, else as typed (trimmed)
    outcome: str = ""
    person: _Person | None = None
    key: str = ""  # the e-mail key of a valid address


def _decide(
    rows: list[_Row], actor: Actor, people: dict[str, _Person], out_of_reach: set[int]
) -> list[_Row]:
    """Every row's outcome but the two that need the whole file (duplicates) or the
    database (taken addresses); returns the rows still waiting for those."""
    username_counts = Counter(username_key(r.username) for r in rows if r.username)
    waiting = []
    for row in rows:
        ukey = username_key(row.username) if row.username else ""
        person = people.get(ukey) if ukey else None
        row.person = person
        if person is None:
            row.outcome = ImportOutcome.UNKNOWN_USERNAME
        elif not _in_scope(actor, person.company_id, person.unit_id):
            row.outcome = ImportOutcome.OUT_OF_SCOPE
        elif person.id in out_of_reach:
            row.outcome = ImportOutcome.ADMIN_OUT_OF_REACH  # finding A.1: an admin above
        elif username_counts[ukey] > 1:
            # Two rows for one person: which address is meant is unclear, so neither is used.
            row.outcome = ImportOutcome.DUPLICATE_IN_FILE
        elif not row.email:
            row.outcome = ImportOutcome.MISSING_EMAIL
        else:
            try:
                row.email = normalise_email(row.email)
            except InvalidInput:
                row.outcome = ImportOutcome.INVALID_EMAIL
                continue
            row.key = email_key(row.email)
            if row.key == person.email_key:
                row.outcome = ImportOutcome.UNCHANGED
            elif person.verified:
                row.outcome = ImportOutcome.CONNECTION_ACTIVE
            else:
                waiting.append(row)
    return waiting


def preview_import(session: Session, *, actor: Actor, filename: str, data: bytes) -> ImportSummary:
    """Read an uploaded template, decide each row's outcome and store the preview.

    Raises:
        PermissionDenied: the actor administers nothing.
        SpreadsheetError: the file is too large, has too many rows, cannot be read, lacks
            the username or e-mail column, or holds no rows.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    sheet = read_sheet(data, filename, columns=IMPORT_COLUMNS, required=IMPORT_COLUMNS)
    rows = [
        _Row(
            number=r.number,
            username=r.values.get("username", "").strip()[:_USERNAME_MAX],
            email=r.values.get("email", "").strip(),
        )
        for r in sheet.rows
    ]
    if not rows:
        raise SpreadsheetError("spreadsheet.no_rows")
    people = _people_by_username(
        session, actor.organisation_id, (username_key(r.username) for r in rows if r.username)
    )
    out_of_reach = users_out_of_reach(
        session, actor=actor, user_ids=[p.id for p in people.values()]
    )
    waiting = _decide(rows, actor, people, out_of_reach)
    # One address for two people of one company: neither row can be right.
    pair_counts = Counter((r.person.company_id, r.key) for r in waiting if r.person)
    free = []
    for row in waiting:
        assert row.person is not None
        if pair_counts[(row.person.company_id, row.key)] > 1:
            row.outcome = ImportOutcome.DUPLICATE_IN_FILE
        else:
            free.append(row)
    holders = _address_holders(
        session, ((r.person.company_id, r.key) for r in free if r.person is not None)
    )
    for row in free:
        assert row.person is not None
        holder = holders.get((row.person.company_id, row.key))
        if holder is not None and holder != row.person.id:
            row.outcome = ImportOutcome.EMAIL_TAKEN
        elif row.person.email_key:
            row.outcome = ImportOutcome.EMAIL_CHANGED
        else:
            row.outcome = ImportOutcome.EMAIL_ADDED
    counts = Counter(r.outcome for r in rows)
    user_import = UserImport(
        organisation_id=actor.organisation_id,
        created_by_id=actor.user_id,
        filename=_safe_filename(filename),
        file_format=sheet.file_format,
        row_count=len(rows),
        counts=json.dumps({str(k): v for k, v in sorted(counts.items())}),
    )
    session.add(user_import)
    session.flush()
    table: Any = UserImportRow.__table__  # type: ignore[attr-defined]
    for chunk in _chunks(rows, INSERT_CHUNK):
        session.execute(
            insert(table),
            [
                {
                    "import_id": user_import.id,
                    "row_number": r.number,
                    "username": r.username,
                    "email": r.email[:_EMAIL_MAX] or None,
                    "outcome": str(r.outcome),
                    "user_id": r.person.id if r.person else None,
                }
                for r in chunk
            ],
        )
    record_event(
        session,
        action="user_import_previewed",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="user_import",
        target_id=user_import.id,
        detail=f"format={sheet.file_format} rows={len(rows)}",
    )
    return _summary(user_import)


def _safe_filename(filename: str) -> str:
    # Shown back to the admin only; no path, no control characters.
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:255] or "import"


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
    # Plain tuples, not ORM rows: the session's identity map stays small, and every
    # statement assign_email runs is cheaper for it.
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


def _recheck(
    actor: Actor | None,
    organisation_id: int,
    user: User | None,
    key: str,
    holders: dict[tuple[int, str], int],
    out_of_reach: set[int],
) -> str | None:
    """Why the row can no longer be applied, or None when it can."""
    if user is None or user.status != UserStatus.ACTIVE or user.organisation_id != organisation_id:
        return ImportOutcome.UNKNOWN_USERNAME
    if actor is None or not _in_scope(actor, user.company_id, user.unit_id):
        return ImportOutcome.OUT_OF_SCOPE
    if user.id in out_of_reach:
        return ImportOutcome.ADMIN_OUT_OF_REACH
    if user.email_key == key:
        return ImportOutcome.UNCHANGED
    if user.email_verified_at is not None:
        return ImportOutcome.CONNECTION_ACTIVE
    holder = holders.get((user.company_id, key))
    if holder is not None and holder != user.id:
        return ImportOutcome.EMAIL_TAKEN
    return None


def _apply_rows(
    session: Session, actor: Actor | None, organisation_id: int, rows: list[_Pending]
) -> Counter[str]:
    user_ids = sorted({r.user_id for r in rows if r.user_id is not None})
    # Locked (PostgreSQL) so a profile edit in between cannot be overwritten unseen.
    users: dict[int | None, User] = {
        u.id: u
        for u in session.exec(
            select(User).where(col(User.id).in_(user_ids)).with_for_update()
        ).all()
    }
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
    ready: list[tuple[_Pending, User]] = []
    for row in rows:
        if row.verdict is None:
            user = users.get(row.user_id)
            row.verdict = _recheck(actor, organisation_id, user, row.key, holders, out_of_reach)
            if row.verdict is None and user is not None:
                ready.append((row, user))
                # Claimed: a later row of the chunk cannot take the same address.
                holders[(user.company_id, row.key)] = user.id or 0
    now = utcnow()
    try:
        # One savepoint for the chunk: the checks above make a conflict rare (only a
        # writer racing this step), and one savepoint per row would cost more than the rows.
        with session.begin_nested():
            # One UPDATE voids the chunk's verification links (was one per user).
            void_verification_links(session, user_ids=[u.id for _, u in ready if u.id])
            for row, user in ready:
                assign_email(session, user=user, email=row.address, links_voided=True)
                user.updated_at = now
            session.flush()
    except IntegrityError:
        _assign_one_by_one(session, ready, now)
    else:
        for row, _ in ready:
            row.verdict = APPLIED
    _record(session, actor, rows, now)
    return Counter(str(r.verdict) for r in rows)


def _assign_one_by_one(session: Session, ready: list[tuple[_Pending, User]], now: datetime) -> None:
    """The slow path after a conflict: each row in its own savepoint, so only the row whose
    address was taken meanwhile fails (the unique constraint decides)."""
    for row, user in ready:
        try:
            with session.begin_nested():
                assign_email(session, user=user, email=row.address)
                user.updated_at = now
                session.flush()
        except IntegrityError:
            row.verdict = ImportOutcome.EMAIL_TAKEN
        else:
            row.verdict = APPLIED


def _record(session: Session, actor: Actor | None, rows: list[_Pending], now: datetime) -> None:
    """The rows' verdicts and one audit event per changed user, each in one statement."""
    table: Any = UserImportRow.__table__  # type: ignore[attr-defined]
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

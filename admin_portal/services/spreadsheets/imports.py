"""Import e-mail addresses from the Anställda/användare template (F1.3): reading an import.

The preview is import_preview.py, the apply job import_apply.py; this module holds what
both share (limits, the summary) and what the pages read (summary, rows, report).

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

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.i18n import normalise_language, t
from admin_portal.models import (
    APPLYING_OUTCOMES,
    ImportOutcome,
    ImportStatus,
    UserImport,
    UserImportRow,
)
from admin_portal.services import jobs
from admin_portal.services.errors import NotFound, PermissionDenied
from admin_portal.validation.ids import is_int

LOOKUP_CHUNK = 500  # keys per IN (...): well below every database's parameter limit
INSERT_CHUNK = 5000
# Rows per apply step (one transaction). Larger steps commit less often (each commit writes
# new FTS5 segments on SQLite, and each step re-reads the actor and grants); 5,000 keeps a
# step to a few seconds, so progress still moves and a killed step loses little.
APPLY_CHUNK = 5000
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
    number = page if is_int(page) else 1
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

"""Användarbanken's search: the users search over removed users, plus removal details.

The text, company and paging come from the users search (search/users.py) (trigram indexes, keyset
pages, bounded count); an exact personnummer is one indexed lookup. Removal details for
the page's rows are fetched in one query, never one per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, literal, literal_column, tuple_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor, can_use_user_bank
from admin_portal.models import Company, RoleAssignment, Unit, User, UserStatus
from admin_portal.models.search_rows import search_rows, search_rows_fts
from admin_portal.search import ddl
from admin_portal.search.ddl import sqlite_fts_available
from admin_portal.search.query import UserQuery
from admin_portal.search.rows_ddl import search_rows_available
from admin_portal.search.text import (
    TRIGRAM_MIN,
    clean_text,
    doc_contains,
    fts_match,
    user_text_condition,
)
from admin_portal.search.users import search_users
from admin_portal.services.errors import NotFound
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.ids import is_int
from admin_portal.validation.national_id import mask_national_id, parse_national_id


@dataclass(frozen=True)
class BankQuery:
    text: str = ""
    national_id: str = ""
    company_id: int | None = None
    removed_from: date | None = None  # inclusive, by calendar day (UTC)
    removed_to: date | None = None  # inclusive
    removed_by_id: int | None = None
    cursor: str | None = None


@dataclass(frozen=True)
class BankRow:
    id: int
    full_name: str
    username: str
    email: str
    company_name: str
    unit_name: str
    national_id_masked: str
    removed_at: str
    removed_by: str
    removed_reason: str


@dataclass(frozen=True)
class BankPage:
    rows: list[BankRow]
    next_cursor: str | None
    total: int
    total_is_lower_bound: bool
    national_id_error: str = ""  # message key when the typed personnummer is not valid


def search_bank(session: Session, *, actor: Actor, query: BankQuery) -> BankPage:
    """Head administrators of the organisation only; everyone else gets "not found"."""
    if not can_use_user_bank(actor):
        raise NotFound()
    typed_id = query.national_id.strip() if isinstance(query.national_id, str) else ""
    if typed_id:
        try:
            national_id = parse_national_id(typed_id)
        except InvalidInput as problem:
            return BankPage(
                rows=[],
                next_cursor=None,
                total=0,
                total_is_lower_bound=False,
                national_id_error=problem.key,
            )
        users = session.exec(
            select(User)
            .where(
                User.organisation_id == actor.organisation_id,
                User.national_id == national_id,
                User.status == UserStatus.REMOVED,
            )
            .limit(50)
        ).all()
        rows = _details(session, [u.id for u in users if u.id is not None])
        return BankPage(rows=rows, next_cursor=None, total=len(rows), total_is_lower_bound=False)
    if query.removed_from or query.removed_to or query.removed_by_id:
        return _search_by_removal(session, actor, query)
    page = search_users(
        session,
        actor=actor,
        query=UserQuery(
            text=query.text if isinstance(query.text, str) else "",
            company_id=query.company_id,
            status="removed",
            sort="name",
            cursor=query.cursor,
        ),
    )
    return BankPage(
        rows=_details(session, [r.id for r in page.rows]),
        next_cursor=page.next_cursor,
        total=page.total,
        total_is_lower_bound=page.total_is_lower_bound,
    )


_PAGE = 25
_COUNT_CAP = 1000
# Cursor values are bound with the column's own type, so SQLite compares like with like.
_REMOVED_AT_TYPE = User.__table__.c.removed_at.type  # type: ignore[attr-defined]


def _search_by_removal(session: Session, actor: Actor, query: BankQuery) -> BankPage:
    """Removal date range and/or remover: newest removals first, keyset-paged on (removed_at, id).

    The composite index (organisation_id, status, removed_at, id) makes the range a single
    index read. A text of three or more characters is the users search's own substring
    test (see _RangeText); shorter ones are tested on each row of the range. The first page
    and its count, bounded at _COUNT_CAP, are one statement.
    """
    conditions: list[Any] = [
        col(User.organisation_id) == actor.organisation_id,
        col(User.status) == UserStatus.REMOVED,
    ]
    window = _removal_window(query)
    conditions += _in_window(col(User.removed_at), window)
    if is_int(query.removed_by_id):
        conditions.append(User.removed_by_id == query.removed_by_id)
    if is_int(query.company_id):
        conditions.append(User.company_id == query.company_id)
    raw = query.text if isinstance(query.text, str) else ""
    cleaned = clean_text(raw)
    source: Any = _USERS
    if len(cleaned) >= TRIGRAM_MIN:
        source, text_conditions = _range_text(session, actor, cleaned, conditions, window)
        conditions += text_conditions
    elif raw.strip():
        conditions.append(user_text_condition(raw.strip().casefold()[:200]))
    after = _decode(query.cursor)
    order = (col(User.removed_at).desc(), col(User.id).desc())
    if after is None:
        # The newest _COUNT_CAP + 1 matches in order: the page is their start, the count
        # their number; one read of the range serves both.
        top = (
            sa_select(col(User.id), col(User.removed_at))
            .select_from(source)
            .where(*conditions)
            .order_by(*order)
            .limit(_COUNT_CAP + 1)
            .cte("top")
        )
        counted = sa_select(func.count()).select_from(top).scalar_subquery()
        rows = session.execute(
            sa_select(top.c.id, top.c.removed_at, counted)
            .order_by(top.c.removed_at.desc(), top.c.id.desc())
            .limit(_PAGE + 1)
        ).all()
        found = [(r[0], r[1]) for r in rows]
        total = int(rows[0][2]) if rows else 0
    else:
        keyset = tuple_(col(User.removed_at), col(User.id)) < tuple_(
            literal(after[0], type_=_REMOVED_AT_TYPE), literal(after[1])
        )
        found = [
            (r[0], r[1])
            for r in session.execute(
                sa_select(col(User.id), col(User.removed_at))
                .select_from(source)
                .where(*conditions, keyset)
                .order_by(*order)
                .limit(_PAGE + 1)
            ).all()
        ]
        bounded = (
            sa_select(col(User.id))
            .select_from(source)
            .where(*conditions)
            .limit(_COUNT_CAP + 1)
            .subquery()
        )
        total = int(session.execute(sa_select(func.count()).select_from(bounded)).scalar_one())
    next_cursor = _encode(found[_PAGE - 1]) if len(found) > _PAGE else None
    return BankPage(
        rows=_details(session, [row[0] for row in found[:_PAGE] if row[0] is not None]),
        next_cursor=next_cursor,
        total=min(total, _COUNT_CAP),
        total_is_lower_bound=total > _COUNT_CAP,
    )


_USERS: Any = User.__table__  # type: ignore[attr-defined]
# SQLite: a text with at most this many matches in the whole FTS table drives the query
# from those matches (each looked up by id); a rare name costs a few lookups.
_FTS_DRIVE_MAX = 3000
# Otherwise the range's first _PROBE_ROWS rows are tested: at least _DENSE_HITS matches
# among them ("son", "an"): the range is walked, each row tested, until the count is
# full; fewer: the range's index (which holds the ids) is walked and each id tested
# against the set of FTS matches, built once.
_PROBE_ROWS = 1000
_DENSE_HITS = 125


def _removal_window(query: BankQuery) -> tuple[datetime | None, datetime | None]:
    """[from, to) of the removal dates asked for; None where open."""
    start = end = None
    if isinstance(query.removed_from, date):
        start = datetime.combine(query.removed_from, time.min, UTC)
    if isinstance(query.removed_to, date):
        end = datetime.combine(query.removed_to + timedelta(days=1), time.min, UTC)
    return start, end


def _in_window(column: Any, window: tuple[datetime | None, datetime | None]) -> list[Any]:
    start, end = window
    return [
        *([] if start is None else [column >= start]),
        *([] if end is None else [column < end]),
    ]


def _range_text(
    session: Session,
    actor: Actor,
    text: str,
    conditions: list[Any],
    window: tuple[datetime | None, datetime | None],
) -> tuple[Any, list[Any]]:
    """(FROM clause, conditions) for users within `conditions` whose document holds `text`.

    PostgreSQL's planner combines the range and the trigram GIN index itself. On SQLite
    the FTS5 table and the range index cannot be combined by the planner, so the service
    picks one of three shapes by what two small reads show (see _FTS_DRIVE_MAX); the
    last, where the name-ordered search rows exist, reads their FTS5 table instead.
    """
    connection = session.connection()
    dialect = connection.dialect.name
    row_test = doc_contains(dialect, text, stored=True)  # PostgreSQL: the GIN-indexed column
    if dialect != "sqlite" or not sqlite_fts_available(connection):
        return _USERS, [row_test]
    fts, matched = fts_match(text)
    few = session.execute(
        sa_select(func.count()).select_from(
            sa_select(fts.c.rowid).where(matched).limit(_FTS_DRIVE_MAX + 1).subquery()
        )
    ).scalar_one()
    if few <= _FTS_DRIVE_MAX:
        # "+rowid": the FTS table drives; each match is looked up by id, then tested.
        rowid: Any = literal_column(f"+{ddl.SQLITE_FTS_TABLE}.rowid")
        return fts.join(_USERS, _USERS.c.id == rowid), [matched]
    probe = (
        sa_select(*(_USERS.c[n] for n in ("first_name", "last_name", "username", "email")))
        .where(*conditions)
        .order_by(col(User.removed_at).desc(), col(User.id).desc())
        .limit(_PROBE_ROWS)
        .subquery("probe")
    )
    hits = session.execute(
        sa_select(func.count()).select_from(probe).where(doc_contains(dialect, text, "probe."))
    ).scalar_one()
    if hits >= _DENSE_HITS:
        return _USERS, [row_test]
    if search_rows_available(connection):
        # Many matches, not dense in the range ("andersson"): the search rows' FTS5 table yields them all, and each
        # is tested on its narrow search row (organisation, status, removal date), which
        # lie together on disk for a surname. Only those in the range are read from users.
        rows = search_rows
        in_range = (
            sa_select(rows.c.user_id)
            .select_from(search_rows_fts.join(rows, rows.c.pos == search_rows_fts.c.rowid))
            .where(
                fts_match(text, search_rows_fts)[1],
                rows.c.organisation_id == actor.organisation_id,
                rows.c.status == UserStatus.REMOVED.value,
                *_in_window(rows.c.removed_at, window),
            )
        )
        return _USERS, [_USERS.c.id.in_(in_range)]
    # "+id": never a reason to read by id; the range index is walked and each id tested.
    return _USERS, [literal_column("+users.id").in_(sa_select(fts.c.rowid).where(matched))]


def _encode(row: Any) -> str:
    user_id, removed_at = row
    return f"r:{removed_at.isoformat()}|{user_id}"


def _decode(cursor: str | None) -> tuple[datetime, int] | None:
    """Only this path's own cursors ("r:" prefix) are read; anything else starts over."""
    if not isinstance(cursor, str) or not cursor.startswith("r:") or len(cursor) > 100:
        return None
    try:
        moment, user_id = cursor[2:].split("|")
        return datetime.fromisoformat(moment), int(user_id)
    except ValueError:
        return None


def _details(session: Session, ids: list[int]) -> list[BankRow]:
    if not ids:
        return []
    remover = aliased(User)
    # SQLAlchemy's select: SQLModel's typed select takes at most four columns.
    found = session.execute(
        sa_select(
            User, col(Company.name), col(Unit.name), col(remover.first_name), col(remover.last_name)
        )
        .join(Company, col(Company.id) == User.company_id)
        .join(Unit, col(Unit.id) == User.unit_id, isouter=True)
        .join(remover, col(remover.id) == User.removed_by_id, isouter=True)
        .where(col(User.id).in_(ids))
    ).all()
    by_id = {row[0].id: row for row in found}
    result = []
    for user_id in ids:  # keep the search's order
        if user_id not in by_id:
            continue
        user, company_name, unit_name, by_first, by_last = by_id[user_id]
        result.append(
            BankRow(
                id=user_id,
                full_name=user.full_name,
                username=user.username,
                email=user.email or "",
                company_name=company_name,
                unit_name=unit_name or "",
                national_id_masked=mask_national_id(user.national_id) if user.national_id else "",
                removed_at=user.removed_at.strftime("%Y-%m-%d %H:%M") if user.removed_at else "",
                removed_by=f"{by_first} {by_last}" if by_first else "",
                removed_reason=user.removed_reason or "",
            )
        )
    return result


def list_removers(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """Administrators of the organisation: who can have removed someone ("Borttagen av")."""
    if not can_use_user_bank(actor):
        raise NotFound()
    admins = session.exec(
        select(User)
        .join(RoleAssignment, col(RoleAssignment.user_id) == User.id)
        .where(RoleAssignment.organisation_id == actor.organisation_id)
        .distinct()
        .order_by(User.last_name, User.first_name)
    ).all()
    return [(u.id, u.full_name) for u in admins if u.id is not None]

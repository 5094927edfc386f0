"""Användarbanken's search: the users search over removed users, plus removal details.

The text, company and paging come from services.user_search (trigram indexes, keyset
pages, bounded count); an exact personnummer is one indexed lookup. Removal details for
the page's rows are fetched in one query, never one per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, literal, tuple_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor, can_use_user_bank
from admin_portal.models import Company, RoleAssignment, Unit, User, UserStatus
from admin_portal.services.errors import NotFound
from admin_portal.services.text_match import user_text_condition
from admin_portal.services.user_search import UserQuery, search_users
from admin_portal.validation.errors import InvalidInput
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
    index read; the optional text narrows within it and the count stops at _COUNT_CAP.
    """
    conditions: list[Any] = [
        col(User.organisation_id) == actor.organisation_id,
        col(User.status) == UserStatus.REMOVED,
    ]
    if isinstance(query.removed_from, date):
        conditions.append(
            col(User.removed_at) >= datetime.combine(query.removed_from, time.min, UTC)
        )
    if isinstance(query.removed_to, date):
        conditions.append(
            col(User.removed_at)
            < datetime.combine(query.removed_to + timedelta(days=1), time.min, UTC)
        )
    if isinstance(query.removed_by_id, int) and not isinstance(query.removed_by_id, bool):
        conditions.append(User.removed_by_id == query.removed_by_id)
    if isinstance(query.company_id, int) and not isinstance(query.company_id, bool):
        conditions.append(User.company_id == query.company_id)
    text = (query.text if isinstance(query.text, str) else "").strip().casefold()[:200]
    if text:
        conditions.append(user_text_condition(text))
    after = _decode(query.cursor)
    page_conditions = list(conditions)
    if after is not None:
        page_conditions.append(
            tuple_(col(User.removed_at), col(User.id))
            < tuple_(literal(after[0], type_=_REMOVED_AT_TYPE), literal(after[1]))
        )
    found = session.exec(
        select(User.id, User.removed_at)
        .where(*page_conditions)
        .order_by(col(User.removed_at).desc(), col(User.id).desc())
        .limit(_PAGE + 1)
    ).all()
    bounded = select(User.id).where(*conditions).limit(_COUNT_CAP + 1).subquery()
    total = int(session.exec(select(func.count()).select_from(bounded)).one())
    next_cursor = _encode(found[_PAGE - 1]) if len(found) > _PAGE else None
    return BankPage(
        rows=_details(session, [row[0] for row in found[:_PAGE] if row[0] is not None]),
        next_cursor=next_cursor,
        total=min(total, _COUNT_CAP),
        total_is_lower_bound=total > _COUNT_CAP,
    )


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

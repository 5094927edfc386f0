"""Units for machine clients (SCIM Groups, REST /units): reads over the whole organisation."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.config import get_settings
from admin_portal.models import Company, Unit, User, UserStatus, require_id
from admin_portal.services.errors import NotFound, ServiceError

MEMBERS_MAX = 1000  # a Group answer lists at most this many members (README)
PAGE_SIZE_MAX = 200  # units per REST page


@dataclass(frozen=True)
class UnitView:
    id: int
    name: str
    company_id: int
    company_name: str
    parent_id: int | None
    member_ids: tuple[int, ...] = ()
    member_names: tuple[str, ...] = ()


def _in_org(actor: Actor) -> ColumnElement[bool]:
    return col(Company.organisation_id) == actor.organisation_id


def list_units(
    session: Session,
    *,
    actor: Actor,
    name: str | None = None,
    start_index: int = 1,
    count: int = 100,
) -> tuple[int, list[UnitView]]:
    """The organisation's units by id; `name` matches exactly, case-insensitively."""
    if not actor.is_admin:
        raise NotFound()
    query = (
        select(Unit, Company.name)
        .join(Company, col(Company.id) == Unit.company_id)
        .where(_in_org(actor))
    )
    if name is not None:
        query = query.where(func.lower(col(Unit.name)) == name.lower())
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Unit.id)).offset(max(0, start_index - 1)).limit(max(0, min(count, 200)))
    ).all()
    return total, [
        UnitView(require_id(u), u.name, u.company_id, company, u.parent_id) for u, company in rows
    ]


@dataclass(frozen=True)
class UnitPage:
    units: list[UnitView]
    next_cursor: str | None
    total: int


def _cursor_mac(actor: Actor, last_id: int) -> str:
    key = hashlib.sha256(b"units-cursor:" + get_settings().secret_key.encode()).digest()
    bound = f"{actor.organisation_id}:{actor.api_client_id}:{actor.user_id}:{last_id}".encode()
    return hmac.new(key, bound, hashlib.sha256).hexdigest()[:16]


def _encode_cursor(actor: Actor, last_id: int) -> str:
    return f"{last_id}.{_cursor_mac(actor, last_id)}"


def _decode_cursor(actor: Actor, cursor: str) -> int:
    """The last id of the previous page; InvalidCursor for anything not signed for this actor."""
    raw_id, _, mac = cursor.partition(".")
    if not (raw_id.isdigit() and len(raw_id) < 19):
        raise InvalidCursor()
    if not hmac.compare_digest(mac, _cursor_mac(actor, int(raw_id))):
        raise InvalidCursor()
    return int(raw_id)


class InvalidCursor(ServiceError):
    """A cursor this list did not hand out (forged, or another client's)."""

    def __init__(self) -> None:
        super().__init__("api.invalid_cursor")


def page_units(
    session: Session, *, actor: Actor, cursor: str | None = None, page_size: int = 100
) -> UnitPage:
    """The organisation's units by id, keyset paged: a page after the cursor's last id.

    The cursor is `<last id>.<MAC>`, signed for this actor (as the users list's cursor
    is), so a client cannot use another client's cursor; a page never skips nor repeats a
    unit when units are added or deleted between pages (keyset, not OFFSET).

    Raises:
        InvalidCursor: the cursor was not handed out to this actor.
    """
    if not actor.is_admin:
        raise NotFound()
    after = _decode_cursor(actor, cursor) if cursor else 0
    size = max(1, min(page_size, PAGE_SIZE_MAX))
    base = (
        select(Unit, Company.name)
        .join(Company, col(Company.id) == Unit.company_id)
        .where(_in_org(actor))
    )
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    rows = session.exec(
        base.where(col(Unit.id) > after).order_by(col(Unit.id)).limit(size + 1)
    ).all()
    views = [
        UnitView(require_id(u), u.name, u.company_id, company, u.parent_id)
        for u, company in rows[:size]
    ]
    more = len(rows) > size
    return UnitPage(
        units=views,
        next_cursor=_encode_cursor(actor, views[-1].id) if more and views else None,
        total=int(total),
    )


def get_unit(session: Session, *, actor: Actor, unit_id: object, members: bool = True) -> UnitView:
    """One unit of the organisation with its active members (at most MEMBERS_MAX)."""
    if not actor.is_admin or isinstance(unit_id, bool) or not isinstance(unit_id, int):
        raise NotFound()
    row = session.exec(
        select(Unit, Company.name)
        .join(Company, col(Company.id) == Unit.company_id)
        .where(col(Unit.id) == unit_id, _in_org(actor))
    ).first()
    if row is None:
        raise NotFound()
    unit, company = row
    people: list[tuple[int | None, str, str]] = []
    if members:
        people = [
            (p.id, p.first_name, p.last_name)
            for p in session.exec(
                select(User)
                .where(User.unit_id == unit_id, User.status == UserStatus.ACTIVE)
                .order_by(col(User.id))
                .limit(MEMBERS_MAX)
            ).all()
        ]
    return UnitView(
        require_id(unit),
        unit.name,
        unit.company_id,
        company,
        unit.parent_id,
        tuple(int(p[0] or 0) for p in people),
        tuple(f"{p[1]} {p[2]}".strip() for p in people),
    )

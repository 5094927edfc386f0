"""Units for machine clients (SCIM Groups, REST /units): read only, the whole organisation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import Company, Unit, User, UserStatus, require_id
from admin_portal.services.errors import NotFound

MEMBERS_MAX = 1000  # a Group answer lists at most this many members (README)


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
    total = len(session.exec(query).all())
    rows = session.exec(
        query.order_by(col(Unit.id)).offset(max(0, start_index - 1)).limit(max(0, min(count, 200)))
    ).all()
    return total, [
        UnitView(require_id(u), u.name, u.company_id, company, u.parent_id) for u, company in rows
    ]


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

"""The unit switcher of Min organisation (F4.1): which units an admin may administer.

The choice arrives from the URL (?enhet=) or the browser's storage: both are client input,
so it is resolved here against the actor's scope every time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import Company, Unit
from admin_portal.services.errors import NotFound, PermissionDenied
from admin_portal.validation.ids import parse_id


@dataclass(frozen=True)
class UnitOption:
    id: int
    name: str
    company_id: int
    company_name: str

    @property
    def label(self) -> str:
        return f"{self.company_name} – {self.name}"


def unit_in_scope(actor: Actor, unit: Unit, company: Company) -> bool:
    """Head admins: every unit of the organisation; company admins: their companies' units;
    unit admins: their units and the units nested below them."""
    if company.organisation_id != actor.organisation_id or unit.company_id != company.id:
        return False
    return actor.is_head_admin or company.id in actor.company_ids or unit.id in actor.unit_ids


def administered_units(session: Session, *, actor: Actor) -> list[UnitOption]:
    """Every unit the actor may administer, ordered by company and name."""
    if not actor.is_admin:
        raise PermissionDenied()
    rows = session.exec(
        select(Unit, Company)
        .join(Company, col(Company.id) == Unit.company_id)
        .where(Company.organisation_id == actor.organisation_id)
        .order_by(col(Company.name), col(Unit.name), col(Unit.id))
    ).all()
    return [
        UnitOption(
            id=unit.id or 0, name=unit.name, company_id=company.id or 0, company_name=company.name
        )
        for unit, company in rows
        if unit_in_scope(actor, unit, company)
    ]


def get_unit_in_scope(session: Session, *, actor: Actor, unit_id: object) -> tuple[Unit, Company]:
    """The unit and its company, or NotFound (also for forged ids: existence is not revealed)."""
    if not actor.is_admin or isinstance(unit_id, bool) or not isinstance(unit_id, int):
        raise NotFound()
    unit = session.get(Unit, unit_id)
    company = session.get(Company, unit.company_id) if unit else None
    if unit is None or company is None or not unit_in_scope(actor, unit, company):
        raise NotFound()
    return unit, company


def choose_unit(session: Session, *, actor: Actor, requested: object) -> UnitOption | None:
    """The requested unit if in scope, else the first one administered (None: no units at all).

    A stale or forged choice falls back quietly: the page then shows, and the URL then
    carries, a unit the admin really administers.
    """
    options = administered_units(session, actor=actor)
    wanted = parse_id(requested)
    for option in options:
        if option.id == wanted:
            return option
    return options[0] if options else None

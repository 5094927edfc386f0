"""The organisation's service catalogue and cost centres (F4.5-F4.7), as the invite form sees them.

Read-only helpers: what may be ordered, which extra fields each service requires, and the
credits summary. Ids that arrive from a client are looked up here, always within the
actor's organisation, so a forged id from another organisation simply is not found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import CostCentre, Service
from admin_portal.services.errors import PermissionDenied
from admin_portal.validation.ids import is_int


@dataclass(frozen=True)
class RequiredField:
    key: str
    label_sv: str
    label_en: str


@dataclass(frozen=True)
class ServiceOption:
    id: int
    code: str
    name_sv: str
    name_en: str
    credits: int
    notifies_support: bool
    required_fields: tuple[RequiredField, ...]


@dataclass(frozen=True)
class CostCentreOption:
    id: int
    label: str


def parse_required_fields(raw: str | None) -> tuple[RequiredField, ...]:
    """The JSON column, tolerant of hand-edited rows: anything malformed is skipped, not fatal."""
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return ()
    fields = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("key"), str) and item["key"]:
            label_sv = str(item.get("label_sv") or item["key"])
            fields.append(
                RequiredField(item["key"], label_sv, str(item.get("label_en") or label_sv))
            )
    return tuple(fields)


def _option(service: Service) -> ServiceOption:
    return ServiceOption(
        id=service.id or 0,
        code=service.code,
        name_sv=service.name_sv,
        name_en=service.name_en,
        credits=service.credits,
        notifies_support=service.notifies_support,
        required_fields=parse_required_fields(service.required_fields),
    )


def list_services(session: Session, *, actor: Actor) -> list[ServiceOption]:
    """The active services of the actor's organisation, in catalogue order."""
    if not actor.is_admin:
        raise PermissionDenied()
    rows = session.exec(
        select(Service)
        .where(Service.organisation_id == actor.organisation_id, col(Service.active).is_(True))
        .order_by(col(Service.sort_order), col(Service.id))
    ).all()
    return [_option(s) for s in rows]


def services_by_id(
    session: Session, *, actor: Actor, ids: Iterable[int]
) -> dict[int, ServiceOption]:
    """Only active services of the actor's organisation; forged or foreign ids are left out."""
    wanted = {i for i in ids if is_int(i)}
    if not wanted:
        return {}
    rows = session.exec(
        select(Service).where(
            col(Service.id).in_(wanted),
            Service.organisation_id == actor.organisation_id,
            col(Service.active).is_(True),
        )
    ).all()
    return {require(s.id): _option(s) for s in rows}


def list_cost_centres(session: Session, *, actor: Actor) -> list[CostCentreOption]:
    if not actor.is_admin:
        raise PermissionDenied()
    rows = session.exec(
        select(CostCentre)
        .where(
            CostCentre.organisation_id == actor.organisation_id, col(CostCentre.active).is_(True)
        )
        .order_by(col(CostCentre.code))
    ).all()
    return [CostCentreOption(id=c.id or 0, label=f"{c.code} {c.name}") for c in rows]


def cost_centre_in_org(
    session: Session, *, actor: Actor, cost_centre_id: object
) -> CostCentre | None:
    """The active cost centre if it belongs to the actor's organisation; else None."""
    if isinstance(cost_centre_id, bool) or not isinstance(cost_centre_id, int):
        return None
    centre = session.get(CostCentre, cost_centre_id)
    if centre is None or centre.organisation_id != actor.organisation_id or not centre.active:
        return None
    return centre


def credits_total(services: Iterable[ServiceOption]) -> int:
    """Sammanställning krediter (F4.6): one order of each chosen service."""
    return sum(s.credits for s in services)


def require(value: int | None) -> int:
    if value is None:
        raise ValueError("row has no id")
    return value

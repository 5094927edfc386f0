"""Read models about the organisation tree, always seen through the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import Company, Organisation, Unit, User, UserStatus


@dataclass(frozen=True)
class ScopeSummary:
    organisation_name: str
    company_names: list[str]  # companies administered as a whole
    unit_names: list[str]  # units administered directly (sub-units included implicitly)


def describe_scope(session: Session, *, actor: Actor) -> ScopeSummary:
    org = session.get(Organisation, actor.organisation_id)
    companies = (
        session.exec(
            select(Company.name)
            .where(col(Company.id).in_(actor.company_ids))
            .order_by(Company.name)
        ).all()
        if actor.company_ids
        else []
    )
    units = (
        session.exec(
            select(Unit.name)
            .join(Company, col(Company.id) == Unit.company_id)
            .where(
                col(Unit.id).in_(actor.unit_ids), Company.organisation_id == actor.organisation_id
            )
            .where(or_(col(Unit.parent_id).is_(None), col(Unit.parent_id).not_in(actor.unit_ids)))
            .order_by(Unit.name)
        ).all()
        if actor.unit_ids
        else []
    )
    return ScopeSummary(
        organisation_name=org.name if org else "",
        company_names=list(companies),
        unit_names=list(units),
    )


def count_active_users_in_scope(session: Session, *, actor: Actor) -> int:
    """How many active users the actor administers (0 for a standard user)."""
    if not actor.is_admin:
        return 0
    stmt = (
        select(func.count())
        .select_from(User)
        .where(User.organisation_id == actor.organisation_id, User.status == UserStatus.ACTIVE)
    )
    if not actor.is_head_admin:
        stmt = stmt.where(
            or_(col(User.company_id).in_(actor.company_ids), col(User.unit_id).in_(actor.unit_ids))
        )
    return int(session.exec(stmt).one())

"""Who may do what to whom. Pure checks over an `Actor` loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from admin_portal.models import Company, Role, RoleAssignment, Unit, User, UserStatus


@dataclass(frozen=True)
class Actor:
    """The signed-in person and the scope they administer (empty for standard users)."""

    user_id: int
    organisation_id: int
    full_name: str
    language: str
    is_head_admin: bool = False
    company_ids: frozenset[int] = field(default_factory=frozenset)
    # Units administered directly plus every unit nested below them.
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    # A grant that lets an admin reveal a masked personnummer (head admins always may).
    may_reveal_national_id: bool = False
    # Kundtjänst (platform staff): reads the support inbox of every organisation (F4.8).
    # Not an admin of anything: is_admin stays False unless other grants say otherwise.
    is_support: bool = False

    @property
    def is_admin(self) -> bool:
        return self.is_head_admin or bool(self.company_ids) or bool(self.unit_ids)

    @property
    def role(self) -> str | None:
        if self.is_head_admin:
            return Role.HEAD_ADMIN
        return Role.ADMIN if self.is_admin else None


def load_actor(session: Session, user_id: int) -> Actor | None:
    """The actor for an active user, with their scope expanded; None if removed or unknown."""
    user = session.get(User, user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        return None
    grants = session.exec(
        select(RoleAssignment).where(
            RoleAssignment.user_id == user_id,
            RoleAssignment.organisation_id == user.organisation_id,
        )
    ).all()
    is_head = any(g.role == Role.HEAD_ADMIN for g in grants)
    company_ids = frozenset(g.company_id for g in grants if g.role == Role.ADMIN and g.company_id)
    direct_units = {g.unit_id for g in grants if g.role == Role.ADMIN and g.unit_id}
    return Actor(
        user_id=user_id,
        organisation_id=user.organisation_id,
        full_name=user.full_name,
        language=user.language,
        is_head_admin=is_head,
        company_ids=company_ids,
        unit_ids=frozenset(_with_descendants(session, direct_units, user.organisation_id)),
        may_reveal_national_id=is_head or any(g.may_reveal_national_id for g in grants),
        is_support=any(g.role == Role.SUPPORT for g in grants),
    )


def _with_descendants(session: Session, unit_ids: set[int], organisation_id: int) -> set[int]:
    if not unit_ids:
        return set()
    # One query for the organisation's unit tree; trees are small (hundreds of units).
    rows = session.exec(
        select(Unit.id, Unit.parent_id)
        .join(Company, col(Company.id) == Unit.company_id)
        .where(Company.organisation_id == organisation_id)
    ).all()
    children: dict[int, list[int]] = {}
    for unit_id, parent_id in rows:
        if parent_id is not None and unit_id is not None:
            children.setdefault(parent_id, []).append(unit_id)
    result, stack = set(), list(unit_ids)
    while stack:
        current = stack.pop()
        if current in result:
            continue
        result.add(current)
        stack.extend(children.get(current, []))
    return result


def can_manage_user(actor: Actor, user: User) -> bool:
    """Scope check on one target user. Another organisation is never in scope."""
    if user.organisation_id != actor.organisation_id:
        return False
    if actor.is_head_admin:
        return True
    return user.company_id in actor.company_ids or (
        user.unit_id is not None and user.unit_id in actor.unit_ids
    )


def can_access_company(actor: Actor, company: Company) -> bool:
    return company.organisation_id == actor.organisation_id and (
        actor.is_head_admin or company.id in actor.company_ids
    )


def can_use_user_bank(actor: Actor) -> bool:
    """F0.4: only head administrators search and restore the user bank."""
    return actor.is_head_admin


def can_create_administrators(actor: Actor) -> bool:
    return actor.is_head_admin


def can_reveal_national_id(actor: Actor, user: User) -> bool:
    return can_manage_user(actor, user) and (actor.is_head_admin or actor.may_reveal_national_id)


def can_use_company_unit(actor: Actor, *, company: Company, unit: Unit | None) -> bool:
    """May the actor place a user in this company (and unit)? Units must belong to the company."""
    if company.organisation_id != actor.organisation_id:
        return False
    if unit is not None and unit.company_id != company.id:
        return False
    if actor.is_head_admin or company.id in actor.company_ids:
        return True
    return unit is not None and unit.id in actor.unit_ids

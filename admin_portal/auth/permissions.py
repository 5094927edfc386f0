"""Who may do what to whom. Pure checks over an `Actor` loaded once per request."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select as sa_select
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
    # Terapeut (platform staff): reads the cases an employee chose them for (F4.5). Not an
    # admin, not support: sees no inbox and no other case.
    is_therapist: bool = False
    # Set when an API client acts (REST/SCIM): services/api_clients says what it may do.
    api_client_id: int | None = None

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
        is_therapist=any(g.role == Role.THERAPIST for g in grants),
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


@dataclass(frozen=True)
class TargetGrant:
    """One grant held by the person an admin wants to change, with its unit's place in the tree."""

    role: str
    company_id: int | None = None
    unit_id: int | None = None
    unit_company_id: int | None = None  # the company of `unit_id`
    unit_parent_id: int | None = None  # the unit directly above `unit_id`


def _grant_strictly_inside(actor: Actor, grant: TargetGrant) -> bool:
    """Does this grant lie strictly inside the actor's scope (never equal to it, never wider)?

    Head-admin grants are the whole organisation and support grants are platform-wide: no
    admin scope holds them. A company grant could only lie inside the organisation level.
    A unit grant lies inside a company the actor administers, or below (not at) one of the
    actor's own units: `unit_ids` is closed downwards, so "the parent is in scope" says
    exactly that.
    """
    if grant.role != Role.ADMIN or grant.unit_id is None:
        return False
    return grant.unit_company_id in actor.company_ids or (
        grant.unit_parent_id is not None and grant.unit_parent_id in actor.unit_ids
    )


def grants_within_reach(
    actor: Actor, *, target_user_id: int | None, grants: Iterable[TargetGrant]
) -> bool:
    """Finding A.1: may the actor change a person holding these grants?

    Only head administrators act on a head administrator (or on support staff). Another
    admin is within reach only when every grant they hold lies strictly inside the actor's
    own scope; a person without grants always is. One's own account is always within reach
    (what an admin may do to themselves is decided where it matters, e.g. no self-removal).
    """
    if not actor.is_admin:
        return False
    if actor.is_head_admin or target_user_id == actor.user_id:
        return True
    return all(_grant_strictly_inside(actor, grant) for grant in grants)


def can_act_on_user(actor: Actor, target: User, target_grants: Iterable[TargetGrant]) -> bool:
    """The scope check for every write on a user: placed in scope AND holding nothing wider.

    Reads (profile, lists) keep `can_manage_user`: a unit admin still sees the admin of two
    units placed in their unit, but may not change them.
    """
    return can_manage_user(actor, target) and grants_within_reach(
        actor, target_user_id=target.id, grants=target_grants
    )


GRANTS_CHUNK = 500  # user ids per IN (...): well below every database's parameter limit


def grants_of(session: Session, user_ids: Collection[int]) -> dict[int, list[TargetGrant]]:
    """Every grant of these users, one query per chunk of ids (an id without grants maps to [])."""
    found: dict[int, list[TargetGrant]] = {uid: [] for uid in user_ids}
    ids = sorted(found)
    for start in range(0, len(ids), GRANTS_CHUNK):
        rows = session.execute(
            sa_select(
                col(RoleAssignment.user_id),
                col(RoleAssignment.role),
                col(RoleAssignment.company_id),
                col(RoleAssignment.unit_id),
                col(Unit.company_id),
                col(Unit.parent_id),
            )
            .outerjoin(Unit, col(Unit.id) == col(RoleAssignment.unit_id))
            .where(col(RoleAssignment.user_id).in_(ids[start : start + GRANTS_CHUNK]))
        ).all()
        for user_id, role, company_id, unit_id, unit_company_id, parent_id in rows:
            found[user_id].append(
                TargetGrant(role, company_id, unit_id, unit_company_id, parent_id)
            )
    return found


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

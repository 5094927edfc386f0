"""What changing a person's type or placement does, computed once for the preview and the save.

The profile shows this before it saves (issue 14), and `manage.update_user` applies exactly
this: the same function decides both, so what the admin confirmed is what happens.

- Leaving Administratör takes every admin grant away (head-admin grants are never given
  or taken through the user type); becoming one grants the new placement.
- Leaving Assistent removes the links to the person's brukare; leaving Brukare removes the
  links to their assistants. People linked outside the actor's scope are counted, not named.
- A new placement moves the person from one company/unit to another, except an agent out
  of their user group's company: that is Kontaktcenter's Flytta (`agent_company_check`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor, can_manage_user
from admin_portal.models import (
    Agent,
    CareLink,
    Company,
    Role,
    RoleAssignment,
    Unit,
    User,
    UserGroup,
    UserType,
    require_id,
)


@dataclass(frozen=True)
class ChangeImpact:
    """The consequences of saving a new type and placement for one person (read-only)."""

    type_from: str
    type_to: str
    placement_from: str  # "Company" or "Company – Unit"
    placement_to: str
    from_ids: tuple[int | None, int | None] = (None, None)  # (company, unit)
    to_ids: tuple[int | None, int | None] = (None, None)
    grants_lost: tuple[str, ...] = ()  # what each lost admin grant covered
    grant_ids_lost: tuple[int, ...] = ()
    grant_gained: str = ""  # the placement an administrator-to-be will administer
    links_lost: tuple[str, ...] = ()  # linked people in the actor's scope, by name
    links_lost_outside: int = 0  # linked people outside it: how many, never who (A.9)
    link_ids_lost: tuple[int, ...] = field(default=())

    @property
    def type_changed(self) -> bool:
        return self.type_from != self.type_to

    @property
    def placement_changed(self) -> bool:
        return self.from_ids != self.to_ids

    @property
    def changed(self) -> bool:
        """A type or placement change: the profile asks before saving it."""
        return self.type_changed or self.placement_changed

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChangeImpact:
        """Back from `as_dict` (a state var); tuples may come back as lists."""
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items()
        }
        return cls(**values)


def placement_label(company: Company | None, unit: Unit | None) -> str:
    name = company.name if company else ""
    return f"{name} – {unit.name}" if unit is not None else name


def _grants(session: Session, user_id: int) -> list[tuple[int, str]]:
    rows = session.exec(
        select(RoleAssignment, Company, Unit)
        .outerjoin(Unit, col(Unit.id) == RoleAssignment.unit_id)
        .outerjoin(
            Company,
            col(Company.id) == RoleAssignment.company_id,
        )
        .where(RoleAssignment.user_id == user_id, RoleAssignment.role == Role.ADMIN)
        .order_by(col(RoleAssignment.id))
    ).all()
    out = []
    for assignment, company, unit in rows:
        if unit is not None and company is None:
            company = session.get(Company, unit.company_id)
        out.append((require_id(assignment), placement_label(company, unit)))
    return out


def _links(
    session: Session, actor: Actor, user: User, new_type: str
) -> tuple[list[User], list[int]]:
    """The people on the other end of the links this type change removes, and the link ids."""
    uid = require_id(user)
    conditions = []
    if user.user_type == UserType.ASSISTANT and new_type != UserType.ASSISTANT:
        conditions.append(col(CareLink.assistant_id) == uid)
    if user.user_type == UserType.BRUKARE and new_type != UserType.BRUKARE:
        conditions.append(col(CareLink.brukare_id) == uid)
    if not conditions:
        return [], []
    links = session.exec(select(CareLink).where(or_(*conditions)).order_by(col(CareLink.id))).all()
    others = [link.brukare_id if link.assistant_id == uid else link.assistant_id for link in links]
    people = {p.id: p for p in session.exec(select(User).where(col(User.id).in_(others))).all()}
    return [people[o] for o in others if o in people], [require_id(link) for link in links]


def agent_company_check(
    session: Session, *, user_id: int, company_id: int, errors: dict[str, str]
) -> None:
    """Issue 16 (F3.8): an agent stays in their user group's company.

    Only Kontaktcenter's Flytta changes an agent's group and with it the company (after its
    preview and the queue guard), so the profile save and its preview refuse another company
    at the company field; another unit of the same company is fine. Asked of the tables, as
    the remove guard is: the contact-centre capability builds on this one, not the reverse.

    Args:
        user_id: The person being saved.
        company_id: The company the form places them in.
        errors: Field errors of the save; gets ``company_id`` when refused.
    """
    group_company = session.exec(
        select(UserGroup.company_id)
        .join(Agent, col(Agent.group_id) == col(UserGroup.id))
        .where(Agent.user_id == user_id)
    ).first()
    if group_company is not None and group_company != company_id:
        errors["company_id"] = "contact_centre.agent_company_is_groups"


def impact_of(
    session: Session,
    *,
    actor: Actor,
    user: User,
    user_type: str,
    company: Company,
    unit: Unit | None,
) -> ChangeImpact:
    """What saving `user_type` and this placement would do to `user`.

    The caller has already checked that the actor may change `user` and use the placement
    (manage.update_user / manage.preview_user_update). Reads only.
    """
    uid = require_id(user)
    old_company = session.get(Company, user.company_id) if user.company_id else None
    old_unit = session.get(Unit, user.unit_id) if user.unit_id else None
    leaves_admin = user.user_type == UserType.ADMINISTRATOR and user_type != UserType.ADMINISTRATOR
    becomes_admin = user.user_type != UserType.ADMINISTRATOR and user_type == UserType.ADMINISTRATOR
    grants = _grants(session, uid) if leaves_admin else []
    people, link_ids = _links(session, actor, user, user_type)
    in_scope = [p for p in people if can_manage_user(actor, p)]
    return ChangeImpact(
        type_from=user.user_type,
        type_to=user_type,
        placement_from=placement_label(old_company, old_unit),
        placement_to=placement_label(company, unit),
        from_ids=(user.company_id, user.unit_id),
        to_ids=(require_id(company), unit.id if unit else None),
        grants_lost=tuple(label for _, label in grants),
        grant_ids_lost=tuple(gid for gid, _ in grants),
        grant_gained=placement_label(company, unit) if becomes_admin else "",
        links_lost=tuple(sorted(p.full_name for p in in_scope)),
        links_lost_outside=len(people) - len(in_scope),
        link_ids_lost=tuple(link_ids),
    )


def apply_impact(session: Session, *, user: User, impact: ChangeImpact) -> None:
    """Take away and give what `impact` says, after the user row itself is saved."""
    if impact.grant_ids_lost:
        session.execute(
            delete(RoleAssignment).where(
                col(RoleAssignment.id).in_(impact.grant_ids_lost),
                col(RoleAssignment.user_id) == require_id(user),
            )
        )
    if impact.link_ids_lost:
        session.execute(delete(CareLink).where(col(CareLink.id).in_(impact.link_ids_lost)))
    if impact.grant_gained:
        company_id, unit_id = impact.to_ids
        session.add(
            RoleAssignment(
                user_id=require_id(user),
                organisation_id=user.organisation_id,
                role=Role.ADMIN,
                company_id=None if unit_id else company_id,
                unit_id=unit_id,
            )
        )

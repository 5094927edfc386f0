"""The scope lookups of the contact centre: groups and agents the actor may see or change."""

from __future__ import annotations

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor, can_use_company_unit
from admin_portal.models import Agent, Company, User, UserGroup
from admin_portal.services.errors import NotFound, PermissionDenied
from admin_portal.services.users.manage import get_user_for_write, get_user_in_scope
from admin_portal.validation.ids import is_id


def may_use_group(actor: Actor, group: UserGroup, company: Company | None) -> bool:
    """A group is the actor's when its company is: head admins and that company's admins."""
    return (
        company is not None
        and group.organisation_id == actor.organisation_id
        and can_use_company_unit(actor, company=company, unit=None)
    )


def get_group_in_scope(session: Session, *, actor: Actor, group_id: object) -> UserGroup:
    """The group if the actor may use it; otherwise NotFound (existence is not revealed)."""
    if not actor.is_admin or not is_id(group_id):
        raise NotFound()
    group = session.get(UserGroup, group_id)
    if group is None or not may_use_group(actor, group, session.get(Company, group.company_id)):
        raise NotFound()
    return group


def groups_in_scope(session: Session, *, actor: Actor) -> list[UserGroup]:
    """The organisation's groups whose company the actor administers, by name."""
    if not actor.is_admin:
        raise PermissionDenied()
    query = select(UserGroup).where(UserGroup.organisation_id == actor.organisation_id)
    if not actor.is_head_admin:
        query = query.where(col(UserGroup.company_id).in_(sorted(actor.company_ids)))
    return list(session.exec(query.order_by(col(UserGroup.name))).all())


def get_agent_in_scope(session: Session, *, actor: Actor, agent_id: object) -> tuple[User, Agent]:
    """Read: an active agent the actor may see (the users capability's read lookup)."""
    user = get_user_in_scope(session, actor=actor, user_id=agent_id)
    agent = session.get(Agent, user.id)
    if agent is None:
        raise NotFound()
    return user, agent


def get_agent_for_write(session: Session, *, actor: Actor, agent_id: object) -> tuple[User, Agent]:
    """Write: the users capability's write lookup, plus the agent's own group in scope."""
    user = get_user_for_write(session, actor=actor, user_id=agent_id)
    agent = session.get(Agent, user.id)
    if agent is None:
        raise NotFound()
    get_group_in_scope(session, actor=actor, group_id=agent.group_id)
    return user, agent

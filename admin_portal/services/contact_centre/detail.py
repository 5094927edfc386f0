"""One agent as the agent page shows it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import ExternalUserId, UserGroup
from admin_portal.services.contact_centre.profiles import ticked_group_profiles
from admin_portal.services.contact_centre.queues import queues_of
from admin_portal.services.contact_centre.scope import get_agent_in_scope
from admin_portal.services.contact_centre.settings import (
    FilterValue,
    SettingValue,
    effective_filters,
    effective_settings,
)


@dataclass(frozen=True)
class AgentDetail:
    id: int
    name: str
    username: str
    numeric_id: int | None
    email: str
    mobile: str
    login_id: str
    keywords: str
    group_id: int
    group: str
    settings: list[SettingValue]
    filters: list[FilterValue]
    external_ids: list[tuple[str, str]]
    ticked_profile_ids: list[int]
    in_queues: list[str]


def get_agent(session: Session, *, actor: Actor, agent_id: object) -> AgentDetail:
    """The agent if in the actor's scope; NotFound otherwise."""
    user, agent = get_agent_in_scope(session, actor=actor, agent_id=agent_id)
    group = session.get(UserGroup, agent.group_id)
    assert group is not None
    externals = session.exec(
        select(ExternalUserId.system, ExternalUserId.external_id)
        .where(ExternalUserId.agent_id == agent.user_id)
        .order_by(col(ExternalUserId.system), col(ExternalUserId.external_id))
    ).all()
    return AgentDetail(
        id=agent.user_id,
        name=user.full_name,
        username=user.username,
        numeric_id=user.numeric_id,
        email=user.email or "",
        mobile=user.mobile or "",
        login_id=agent.login_id or "",
        keywords=agent.keywords,
        group_id=agent.group_id,
        group=group.name,
        settings=effective_settings(agent, group),
        filters=effective_filters(session, agent),
        external_ids=[(s, e) for s, e in externals],
        ticked_profile_ids=ticked_group_profiles(session, agent_id=agent.user_id),
        in_queues=queues_of(session, agent_id=agent.user_id),
    )

"""Flytta (F3.8, F3.9): the preview, then the move, both under the queue guard.

A move keeps the agent's own values and own resource filters; inherited ones follow the
new group. The old group's profiles go and the new group's are ticked, so the preview
names both and reminds the admin to tell the agent. Personal profiles stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import AgentGroupProfile, Profile, UserGroup, require_id, utcnow
from admin_portal.services.audit.events import record_admin_action
from admin_portal.services.contact_centre.queues import ensure_not_in_queue, queues_of
from admin_portal.services.contact_centre.scope import get_agent_for_write, get_group_in_scope
from admin_portal.services.contact_centre.settings import (
    SETTINGS,
    group_filters,
    own_filters,
)
from admin_portal.services.errors import ValidationFailed
from admin_portal.services.users.email_address import email_taken_in_company

SAME_GROUP = "contact_centre.move_same_group"


@dataclass(frozen=True)
class SettingChange:
    key: str
    before: int
    after: int


@dataclass(frozen=True)
class MovePreview:
    agent_name: str
    from_group: str
    to_group: str
    profiles_lost: list[str]
    profiles_gained: list[str]
    own_values_kept: list[SettingChange]  # before == after: the agent's own value
    inherited_changed: list[SettingChange]
    own_filters_kept: list[str]
    filters_lost: list[str]
    filters_gained: list[str]
    # Non-empty: the move is refused ("inloggad i kö"); the preview says why.
    in_queues: list[str]


def _profile_names(session: Session, ids: list[int]) -> list[str]:
    if not ids:
        return []
    return list(
        session.exec(
            select(Profile.name).where(col(Profile.id).in_(ids)).order_by(col(Profile.name))
        ).all()
    )


def _group_profile_ids(session: Session, group_id: int) -> list[int]:
    return [
        i for i in session.exec(select(Profile.id).where(Profile.group_id == group_id)).all() if i
    ]


def _target(session: Session, actor: Actor, agent_id: object, group_id: object):  # type: ignore[no-untyped-def]
    user, agent = get_agent_for_write(session, actor=actor, agent_id=agent_id)
    new_group = get_group_in_scope(session, actor=actor, group_id=group_id)
    if new_group.id == agent.group_id:
        raise ValidationFailed({"group_id": SAME_GROUP})
    old_group = session.get(UserGroup, agent.group_id)
    assert old_group is not None
    return user, agent, old_group, new_group


def preview_move(
    session: Session, *, actor: Actor, agent_id: object, group_id: object
) -> MovePreview:
    """What a move to `group_id` would change. Reads only; a queue login is reported."""
    user, agent, old, new = _target(session, actor, agent_id, group_id)
    kept, changed = [], []
    for key, own_column, group_column in SETTINGS:
        own = getattr(agent, own_column)
        if own is not None:
            kept.append(SettingChange(key, own, own))
        elif getattr(old, group_column) != getattr(new, group_column):
            changed.append(
                SettingChange(key, getattr(old, group_column), getattr(new, group_column))
            )
    own = own_filters(session, agent.user_id)
    old_filters = [f for f in group_filters(session, require_id(old)) if f not in own]
    new_filters = [f for f in group_filters(session, require_id(new)) if f not in own]
    ticked = list(
        session.exec(
            select(AgentGroupProfile.profile_id).where(AgentGroupProfile.agent_id == agent.user_id)
        ).all()
    )
    return MovePreview(
        agent_name=user.full_name or user.username,
        from_group=old.name,
        to_group=new.name,
        profiles_lost=_profile_names(session, ticked),
        profiles_gained=_profile_names(session, _group_profile_ids(session, require_id(new))),
        own_values_kept=kept,
        inherited_changed=changed,
        own_filters_kept=own,
        filters_lost=[f for f in old_filters if f not in new_filters],
        filters_gained=[f for f in new_filters if f not in old_filters],
        in_queues=queues_of(session, agent_id=agent.user_id),
    )


def move_agent(session: Session, *, actor: Actor, agent_id: object, group_id: object) -> None:
    """F3.8: move to another group unless logged in to a queue.

    Own values and own filters stay (they live on the agent); the old group's profile
    ticks go and every profile of the new group is ticked; the agent is placed in the new
    group's company.

    Raises:
        AgentInQueue: ``contact_centre.in_queue``.
        ValidationFailed: the same group, or the agent's e-mail is taken in the new company.
        NotFound / PermissionDenied: agent or group outside the actor's scope.
    """
    user, agent, _, new = _target(session, actor, agent_id, group_id)
    ensure_not_in_queue(session, agent_id=agent.user_id)
    if new.company_id != user.company_id and email_taken_in_company(
        session, company_id=new.company_id, key=user.email_key, exclude_user_id=user.id
    ):
        raise ValidationFailed({"group_id": "contact_centre.email_taken_in_group_company"})
    session.execute(
        delete(AgentGroupProfile).where(col(AgentGroupProfile.agent_id) == agent.user_id)
    )
    for profile_id in _group_profile_ids(session, require_id(new)):
        session.add(AgentGroupProfile(agent_id=agent.user_id, profile_id=profile_id))
    agent.group_id = require_id(new)
    agent.updated_at = utcnow()
    session.add(agent)
    if new.company_id != user.company_id:
        user.company_id, user.unit_id = new.company_id, None
        user.updated_at = utcnow()
        session.add(user)
    record_admin_action(session, actor=actor, action="agent_moved", user_id=user.id)

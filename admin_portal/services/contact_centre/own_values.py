"""An agent's own values and own resource filters (kept across a move, F3.8)."""

from __future__ import annotations

from sqlmodel import Session, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import AgentResourceFilter, utcnow
from admin_portal.services.audit.events import record_admin_action
from admin_portal.services.contact_centre.scope import get_agent_for_write
from admin_portal.services.contact_centre.settings import SETTINGS
from admin_portal.services.errors import NotFound, ValidationFailed
from admin_portal.validation.ids import is_int

SETTING_MAX_SECONDS = 3600
FILTER_NAME_MAX = 100
OWN_FILTERS_MAX = 50


def _seconds(value: object) -> int | None:
    """None or "" -> inherit; else whole seconds 0..3600."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip()) if len(value.strip()) <= 5 else -1
    if not is_int(value) or not 0 <= value <= SETTING_MAX_SECONDS:
        raise ValidationFailed({"value": "contact_centre.setting_invalid"})
    return value


def set_own_setting(
    session: Session, *, actor: Actor, agent_id: object, key: object, value: object
) -> None:
    """Give the agent an own value for `key`, or (value None or blank) inherit again."""
    columns = {k: own for k, own, _ in SETTINGS}
    if key not in columns:
        raise NotFound()
    user, agent = get_agent_for_write(session, actor=actor, agent_id=agent_id)
    setattr(agent, columns[str(key)], _seconds(value))
    agent.updated_at = utcnow()
    session.add(agent)
    record_admin_action(session, actor=actor, action="agent_settings_changed", user_id=user.id)


def add_own_filter(session: Session, *, actor: Actor, agent_id: object, name: object) -> None:
    """Give the agent an own resource filter."""
    user, agent = get_agent_for_write(session, actor=actor, agent_id=agent_id)
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text or len(text) > FILTER_NAME_MAX:
        raise ValidationFailed({"filter": "contact_centre.filter_invalid"})
    if session.get(AgentResourceFilter, (agent.user_id, text)) is not None:
        return
    held = session.exec(
        select(AgentResourceFilter.name).where(AgentResourceFilter.agent_id == agent.user_id)
    ).all()
    if len(held) >= OWN_FILTERS_MAX:
        raise ValidationFailed({"filter": "contact_centre.filter_invalid"})
    session.add(AgentResourceFilter(agent_id=agent.user_id, name=text))
    record_admin_action(session, actor=actor, action="agent_settings_changed", user_id=user.id)


def remove_own_filter(session: Session, *, actor: Actor, agent_id: object, name: object) -> None:
    """Take an own resource filter away (a group's filter cannot be taken away here)."""
    user, agent = get_agent_for_write(session, actor=actor, agent_id=agent_id)
    found = (
        session.get(AgentResourceFilter, (agent.user_id, name)) if isinstance(name, str) else None
    )
    if found is None:
        raise NotFound()
    session.delete(found)
    record_admin_action(session, actor=actor, action="agent_settings_changed", user_id=user.id)

"""Agent settings: each one the group's value unless the agent has an own value (F3.8)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.models import Agent, AgentResourceFilter, GroupResourceFilter, UserGroup

# (setting, the agent's own column, the group's column): the order the pages show them.
SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("phone_timeout_s", "own_phone_timeout_s", "phone_timeout_s"),
    ("wrap_up_s", "own_wrap_up_s", "wrap_up_s"),
)


@dataclass(frozen=True)
class SettingValue:
    key: str  # i18n: contact_centre.setting.<key>
    value: int
    own: bool


@dataclass(frozen=True)
class FilterValue:
    name: str
    own: bool


def effective_settings(agent: Agent, group: UserGroup) -> list[SettingValue]:
    """Each setting with the value that applies and whether it is the agent's own."""
    out = []
    for key, own_column, group_column in SETTINGS:
        own = getattr(agent, own_column)
        out.append(
            SettingValue(
                key, own if own is not None else getattr(group, group_column), own is not None
            )
        )
    return out


def group_filters(session: Session, group_id: int) -> list[str]:
    """The group's resource filters (inherited by its agents), by name."""
    return list(
        session.exec(
            select(GroupResourceFilter.name)
            .where(GroupResourceFilter.group_id == group_id)
            .order_by(col(GroupResourceFilter.name))
        ).all()
    )


def own_filters(session: Session, agent_id: int) -> list[str]:
    """The agent's own resource filters, by name."""
    return list(
        session.exec(
            select(AgentResourceFilter.name)
            .where(AgentResourceFilter.agent_id == agent_id)
            .order_by(col(AgentResourceFilter.name))
        ).all()
    )


def effective_filters(session: Session, agent: Agent) -> list[FilterValue]:
    """Own filters and the group's (an own filter of the same name counts once, as own)."""
    own = own_filters(session, agent.user_id)
    inherited = [n for n in group_filters(session, agent.group_id) if n not in own]
    return [FilterValue(n, True) for n in own] + [FilterValue(n, False) for n in inherited]

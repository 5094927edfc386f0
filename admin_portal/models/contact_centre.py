"""Kontaktcenter (seed 003): user groups, agents, skills, profiles and queue sessions.

An agent is a `User` (user type `agent`) plus one `Agent` row. Settings follow the
group unless the agent has an own value: a NULL `own_*` column means "inherited", so a
move to another group keeps own values and changes only the inherited ones (F3.8). The
numeric ID (Agent-ID) stays on `users.numeric_id`, unique per organisation (F3.3).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, event
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

from admin_portal.models.agent_sort_ddl import create_agent_sort_triggers
from admin_portal.models.base import utcnow

SKILL_LEVEL_MIN = 1
SKILL_LEVEL_MAX = 9


class UserGroup(SQLModel, table=True):
    """Användargrupp: the settings its agents inherit, and the company they are placed in."""

    __tablename__ = "cc_user_groups"
    __table_args__ = (UniqueConstraint("organisation_id", "name", name="uq_cc_group_org_name"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    # Agents of the group are users placed in this company (the users capability's scope).
    company_id: int = Field(foreign_key="companies.id", index=True)
    name: str = Field(max_length=100)
    phone_timeout_s: int = Field(default=30)
    wrap_up_s: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)


class GroupResourceFilter(SQLModel, table=True):
    """A resource filter every agent of the group inherits."""

    __tablename__ = "cc_group_resource_filters"

    group_id: int = Field(foreign_key="cc_user_groups.id", primary_key=True, ondelete="CASCADE")
    name: str = Field(max_length=100, primary_key=True)


class Agent(SQLModel, table=True):
    """The contact-centre facts of one user. NULL own values are inherited from the group."""

    __tablename__ = "cc_agents"
    __table_args__ = (
        Index(
            "ix_cc_agents_org_name",
            "organisation_id",
            "user_active",
            "sort_last",
            "sort_first",
            "user_id",
        ),
        Index(
            "ix_cc_agents_group_name",
            "group_id",
            "user_active",
            "sort_last",
            "sort_first",
            "user_id",
        ),
        Index(
            "ix_cc_agents_queue_name",
            "organisation_id",
            "in_queue",
            "user_active",
            "sort_last",
            "sort_first",
            "user_id",
        ),
    )

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    group_id: int = Field(foreign_key="cc_user_groups.id", index=True)
    keywords: str = Field(default="", max_length=500)
    # Inloggnings-ID (the seed's "Puzzel ID"): what the agent types in the agent application.
    login_id: str | None = Field(default=None, max_length=254)
    own_phone_timeout_s: int | None = None
    own_wrap_up_s: int | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    # The agent list's sort and filter columns, copied from users and cc_queue_sessions
    # by database triggers (models/agent_sort_ddl.py); nothing in Python writes them.
    sort_last: str = Field(default="", max_length=100)
    sort_first: str = Field(default="", max_length=100)
    user_active: bool = Field(default=True)
    in_queue: bool = Field(default=False)


class AgentResourceFilter(SQLModel, table=True):
    """A resource filter given to the agent themself (own: it stays across a move)."""

    __tablename__ = "cc_agent_resource_filters"

    agent_id: int = Field(foreign_key="cc_agents.user_id", primary_key=True, ondelete="CASCADE")
    name: str = Field(max_length=100, primary_key=True)


class ExternalUserId(SQLModel, table=True):
    """Externa användar-ID: unique per organisation and system."""

    __tablename__ = "cc_external_user_ids"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "system", "external_id", name="uq_cc_external_org_system_id"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id")
    agent_id: int = Field(foreign_key="cc_agents.user_id", index=True, ondelete="CASCADE")
    system: str = Field(max_length=50)
    external_id: str = Field(max_length=200)


class Skill(SQLModel, table=True):
    """Kompetens: the organisation's skills catalogue."""

    __tablename__ = "cc_skills"
    __table_args__ = (UniqueConstraint("organisation_id", "name", name="uq_cc_skill_org_name"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    name: str = Field(max_length=100)


class Profile(SQLModel, table=True):
    """A group profile (group_id set) or a personal profile (agent_id set), never both."""

    __tablename__ = "cc_profiles"
    __table_args__ = (
        CheckConstraint("(group_id IS NULL) <> (agent_id IS NULL)", name="group_xor_agent"),
        Index("ix_cc_profiles_group", "group_id"),
        Index("ix_cc_profiles_agent", "agent_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id")
    name: str = Field(max_length=100)
    group_id: int | None = Field(default=None, foreign_key="cc_user_groups.id", ondelete="CASCADE")
    agent_id: int | None = Field(default=None, foreign_key="cc_agents.user_id", ondelete="CASCADE")


class ProfileSkill(SQLModel, table=True):
    """One skill of a profile at a level from 1 to 9."""

    __tablename__ = "cc_profile_skills"
    __table_args__ = (
        CheckConstraint(
            f"level BETWEEN {SKILL_LEVEL_MIN} AND {SKILL_LEVEL_MAX}", name="level_range"
        ),
    )

    profile_id: int = Field(foreign_key="cc_profiles.id", primary_key=True, ondelete="CASCADE")
    skill_id: int = Field(foreign_key="cc_skills.id", primary_key=True, ondelete="CASCADE")
    level: int


class AgentGroupProfile(SQLModel, table=True):
    """A group profile ticked for the agent (F3.5)."""

    __tablename__ = "cc_agent_group_profiles"

    agent_id: int = Field(foreign_key="cc_agents.user_id", primary_key=True, ondelete="CASCADE")
    profile_id: int = Field(foreign_key="cc_profiles.id", primary_key=True, ondelete="CASCADE")


class Queue(SQLModel, table=True):
    """A contact-centre queue; the telephony system names it by `key`."""

    __tablename__ = "cc_queues"
    __table_args__ = (UniqueConstraint("organisation_id", "key", name="uq_cc_queue_org_key"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    key: str = Field(max_length=50)
    name: str = Field(max_length=100)


class QueueSession(SQLModel, table=True):
    """The agent is logged in to the queue while this row exists (F3.7, F3.8 guard on it)."""

    __tablename__ = "cc_queue_sessions"

    agent_id: int = Field(foreign_key="cc_agents.user_id", primary_key=True, ondelete="CASCADE")
    queue_id: int = Field(foreign_key="cc_queues.id", primary_key=True, ondelete="CASCADE")
    logged_in_at: datetime = Field(default_factory=utcnow)


class OneTimePassword(SQLModel, table=True):
    """Engångslösenord (F3.2): single use, expiring, stored as a keyed hash only."""

    __tablename__ = "one_time_passwords"
    __table_args__ = (Index("ix_one_time_passwords_user", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    channel: str = Field(max_length=10)  # "email" or "sms"
    code_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    # Wrong codes typed against this password; at the maximum it stops working.
    failed_attempts: int = Field(default=0)


class SmsStatus:
    PENDING = "pending"  # waiting for the provider
    LOCAL = "local"  # no provider configured: stays in the local outbox
    SENT = "sent"
    FAILED = "failed"


class SmsMessage(SQLModel, table=True):
    """The SMS outbox: written in the transaction that causes it, delivered by the worker.

    The body holds a one-time password: it is blanked once handed to the provider, and a
    local one when its code expires.
    """

    __tablename__ = "sms_outbox"
    __table_args__ = (Index("ix_sms_outbox_status", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id")
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    to_number: str = Field(max_length=20)
    body: str = Field(max_length=500)
    status: str = Field(default=SmsStatus.PENDING, max_length=10)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    provider_id: str | None = Field(default=None, max_length=100)
    last_error: str | None = Field(default=None, max_length=300)
    body_expires_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class PendingContact(SQLModel, table=True):
    """F3.4: an e-mail address or mobile number a person added themself, not yet proven.

    It becomes the person's only once they type the code sent to it, so a one-time password
    never goes to an address nobody has shown they can read.
    """

    __tablename__ = "pending_contacts"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(max_length=10)  # "email" or "mobile"
    value: str = Field(max_length=254)
    code_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    failed_attempts: int = Field(default=0)


def _create_sort_triggers(target: object, connection: Connection, **_: object) -> None:
    # create_all (tests, fresh demo databases) gets the triggers the migration creates.
    create_agent_sort_triggers(connection)


event.listen(cast(Any, QueueSession).__table__, "after_create", _create_sort_triggers)

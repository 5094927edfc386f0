"""Who did what to whom, when, and how it ended. Never a secret or a personnummer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (
        # Granskningslogg pages newest first by (created_at, id) within one organisation, and
        # filters by the person acted on or the person acting, each in the same order.
        Index("ix_audit_org_time", "organisation_id", "created_at", "id"),
        Index("ix_audit_org_target_time", "organisation_id", "target_user_id", "created_at", "id"),
        Index("ix_audit_org_actor_time", "organisation_id", "actor_user_id", "created_at", "id"),
        Index("ix_audit_org_action_time", "organisation_id", "action", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id")
    actor_user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    # Set when an API client acted (REST/SCIM): the client is then the actor.
    actor_api_client_id: int | None = Field(default=None, foreign_key="api_clients.id")
    action: str = Field(max_length=60)
    target_type: str | None = Field(default=None, max_length=40)
    target_id: str | None = Field(default=None, max_length=60)
    # The person the event is about, when it is about a person: what scopes the log for admins
    # who are not head administrators. No foreign key: an erased user's events stay.
    target_user_id: int | None = None
    outcome: str = Field(default="ok", max_length=20)
    detail: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)

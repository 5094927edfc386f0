"""F0.2: an assistant is linked to one or more brukare of the same organisation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class CareLink(SQLModel, table=True):
    __tablename__ = "care_links"
    __table_args__ = (UniqueConstraint("assistant_id", "brukare_id", name="uq_care_link_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    assistant_id: int = Field(foreign_key="users.id", index=True)
    brukare_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)

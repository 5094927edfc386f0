"""Machine credentials (API clients) and what SCIM keeps about a provisioned person.

An API client belongs to one organisation and holds scopes; its secret is stored only as
a keyed hash (auth/tokens.hash_secret) and shown once. `ProvisionedUser` holds the two
SCIM facts the users table has no column for (externalId and active=false), in a table of
its own so the users table stays the users capability's.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class ApiScope(StrEnum):
    USERS_READ = "users:read"
    USERS_WRITE = "users:write"
    SCIM = "scim"
    # Kontaktcenter: the telephony system logs agents in to and out of queues.
    TELEPHONY = "telephony"


class ApiClient(SQLModel, table=True):
    __tablename__ = "api_clients"
    __table_args__ = (Index("ix_api_clients_org", "organisation_id", "revoked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id")
    name: str = Field(max_length=100)
    # Space-separated ApiScope values.
    scopes: str = Field(max_length=200)
    secret_hash: str = Field(max_length=64, unique=True)
    # The first characters of the secret, so an admin can tell two secrets apart.
    secret_hint: str = Field(max_length=8)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split() if s)


class ProvisionedUser(SQLModel, table=True):
    """SCIM's externalId and `active` for one user (a row only once SCIM touched them)."""

    __tablename__ = "provisioned_users"
    __table_args__ = (
        # SCIM filters on externalId within the organisation (Entra matches on it).
        UniqueConstraint("organisation_id", "external_id", name="uq_provisioned_org_external"),
    )

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisations.id")
    external_id: str | None = Field(default=None, max_length=200)
    # active=false: sign-in refused and sessions ended, the person stays in Användare.
    disabled_at: datetime | None = None

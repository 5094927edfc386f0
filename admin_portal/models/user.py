"""People: users of every type, and the roles that make some of them administrators."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class UserType(StrEnum):
    BRUKARE = "brukare"
    ASSISTANT = "assistant"
    EMPLOYEE = "employee"
    ADMINISTRATOR = "administrator"
    AGENT = "agent"


# Every user type, in the order the forms and filters offer them.
USER_TYPE_CHOICES: tuple[str, ...] = tuple(t.value for t in UserType)


# SCIM compares userName and emails by their keys (NFKC + casefold), but narrows a
# substring through the search's trigram structures, which hold what was typed (PostgreSQL
# lower-cases it with ICU, SQLite's FTS5 folds case itself). Where a key is that lower
# case (PostgreSQL) or the ASCII lower case (SQLite; nearly every user), a key containing
# a text means the document contains it too; the rest (full-width letters, ß, ligatures,
# on SQLite also an upper-case Å) are these rows, which SCIM reads through
# ix_users_scim_key_unlike instead (services/api_clients/scim_search.py).
KEY_UNLIKE_TEXT: dict[str, str] = {
    "sqlite": "username_key <> lower(username) OR email_key <> lower(email)",
    "postgresql": (
        'username_key <> lower(username COLLATE "und-x-icu") '
        'OR email_key <> lower(email COLLATE "und-x-icu")'
    ),
}


class UserStatus(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"  # in the user bank


class Language(StrEnum):
    SV = "sv"
    EN = "en"


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (
        # F0.8: no two people in one company share an e-mail address (case-insensitive).
        UniqueConstraint("company_id", "email_key", name="uq_user_company_email_key"),
        # F3.3: the numeric ID (Agent-ID) is unique within the organisation.
        UniqueConstraint("organisation_id", "numeric_id", name="uq_user_org_numeric_id"),
        # The user bank finds people by exact personnummer within the organisation.
        Index("ix_users_org_national_id", "organisation_id", "national_id"),
        # The user bank lists removals newest first, filtered by date range.
        Index("ix_users_bank_removed", "organisation_id", "status", "removed_at", "id"),
        # SCIM lists an organisation's active users by id: startIndex skips these narrow
        # entries, not wide rows (services/api_clients/scim_search.py).
        Index("ix_users_scim_org_id", "organisation_id", "status", "id"),
        # SCIM: the users whose keys the search's trigram structures cannot vouch for.
        Index(
            "ix_users_scim_key_unlike",
            "organisation_id",
            "status",
            "id",
            sqlite_where=text(KEY_UNLIKE_TEXT["sqlite"]),
            postgresql_where=text(KEY_UNLIKE_TEXT["postgresql"]),
        ),
        # Min organisation, Registrerade: a unit's active people by name, paged by keyset.
        Index("ix_users_unit_status_name", "unit_id", "status", "last_name", "first_name", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    company_id: int = Field(foreign_key="companies.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="units.id", index=True)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    username: str = Field(max_length=100)
    # F0.3: usernames are unique across the whole system, case-insensitively.
    # NFKC + casefold can lengthen a string ("ß" -> "ss"), so the key column is wider.
    username_key: str = Field(max_length=400, unique=True)
    email: str | None = Field(default=None, max_length=254)
    email_key: str | None = Field(default=None, max_length=1000, index=True)
    email_verified_at: datetime | None = None
    # A mail to the current address was permanently rejected (cleared when it changes).
    email_bounced_at: datetime | None = None
    mobile: str | None = Field(default=None, max_length=20)
    # Personnummer or samordningsnummer as 12 digits (YYYYMMDDNNNN); shown masked.
    national_id: str | None = Field(default=None, max_length=12)
    numeric_id: int | None = None
    language: str = Field(default=Language.SV, max_length=2)
    user_type: str = Field(default=UserType.EMPLOYEE, max_length=20, index=True)
    status: str = Field(default=UserStatus.ACTIVE, max_length=20, index=True)
    notes: str | None = Field(default=None, max_length=2000)
    password_hash: str | None = Field(default=None, max_length=255)
    password_changed_at: datetime | None = None
    removed_at: datetime | None = Field(default=None, index=True)
    removed_by_id: int | None = Field(default=None, foreign_key="users.id")
    removed_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Role(StrEnum):
    HEAD_ADMIN = "head_admin"  # huvudadministratör: the whole organisation
    SUPPORT = "support"  # kundtjänst (platform staff): the support inbox of every organisation
    # Terapeut (platform staff): reads the case text of the orders an employee chose them for.
    THERAPIST = "therapist"
    ADMIN = "admin"  # administratör: the companies/units named on the assignment rows


class RoleAssignment(SQLModel, table=True):
    """One row per grant. An admin of three units has three rows; a head admin has one."""

    __tablename__ = "role_assignments"
    # NULLs are distinct in unique constraints, so each kind of grant gets a partial index.
    __table_args__ = (
        Index(
            "uq_role_assignments_head_admin",
            "user_id",
            unique=True,
            sqlite_where=text("role = 'head_admin'"),
            postgresql_where=text("role = 'head_admin'"),
        ),
        Index(
            "uq_role_assignments_company",
            "user_id",
            "role",
            "company_id",
            unique=True,
            sqlite_where=text("company_id IS NOT NULL"),
            postgresql_where=text("company_id IS NOT NULL"),
        ),
        Index(
            "uq_role_assignments_unit",
            "user_id",
            "role",
            "unit_id",
            unique=True,
            sqlite_where=text("unit_id IS NOT NULL"),
            postgresql_where=text("unit_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    role: str = Field(max_length=20)
    company_id: int | None = Field(default=None, foreign_key="companies.id")
    unit_id: int | None = Field(default=None, foreign_key="units.id")
    # Admins see personnummer masked; this grant lets them reveal one (audited).
    may_reveal_national_id: bool = Field(
        default=False, sa_column_kwargs={"server_default": false()}
    )
    created_at: datetime = Field(default_factory=utcnow)

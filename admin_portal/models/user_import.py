"""An uploaded Anställda/användare file (F1.3): its preview rows, then what was applied.

The preview is stored rather than recomputed on apply, so the admin applies exactly what
they read, and the row report can be downloaded later. Apply re-checks each row against the
database of that moment (an address may have been verified or taken since the preview).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class ImportStatus(StrEnum):
    PREVIEWED = "previewed"
    APPLYING = "applying"
    APPLIED = "applied"
    DISCARDED = "discarded"


class ImportOutcome(StrEnum):
    EMAIL_ADDED = "email_added"  # the user had no address
    EMAIL_CHANGED = "email_changed"  # an unverified address is replaced
    UNCHANGED = "unchanged"  # the file says what the user already has
    MISSING_EMAIL = "missing_email"  # the row has no address: nothing to do
    CONNECTION_ACTIVE = "connection_active"  # skipped: the login connection is active
    INVALID_EMAIL = "invalid_email"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    EMAIL_TAKEN = "email_taken"  # used by another person in the company
    UNKNOWN_USERNAME = "unknown_username"
    OUT_OF_SCOPE = "out_of_scope"
    # An admin the importing admin may not change (finding A.1): a head admin, a peer, or
    # anyone holding a grant not strictly inside the importer's scope.
    ADMIN_OUT_OF_REACH = "admin_out_of_reach"


# Outcomes that change a user when the import is applied.
APPLYING_OUTCOMES = frozenset({ImportOutcome.EMAIL_ADDED, ImportOutcome.EMAIL_CHANGED})


class UserImport(SQLModel, table=True):
    __tablename__ = "user_imports"
    __table_args__ = (Index("ix_user_imports_creator", "created_by_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id")
    created_by_id: int = Field(foreign_key="users.id")
    filename: str = Field(max_length=255)
    file_format: str = Field(max_length=10)  # csv | xlsx
    status: str = Field(default=ImportStatus.PREVIEWED, max_length=20)
    row_count: int = 0
    # Rows per outcome, as JSON, for the preview summary.
    counts: str = Field(default="{}")
    job_id: int | None = Field(default=None, foreign_key="background_jobs.id")
    created_at: datetime = Field(default_factory=utcnow)
    applied_at: datetime | None = None


class UserImportRow(SQLModel, table=True):
    __tablename__ = "user_import_rows"
    __table_args__ = (
        Index("uq_user_import_rows_number", "import_id", "row_number", unique=True),
        Index("ix_user_import_rows_outcome", "import_id", "outcome", "row_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="user_imports.id")
    row_number: int  # the line in the file, header = 1, as a spreadsheet shows it
    username: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    outcome: str = Field(max_length=30)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    # Set when apply changed the user; apply's own verdict when it differs from the preview.
    applied_at: datetime | None = None
    applied_outcome: str | None = Field(default=None, max_length=30)

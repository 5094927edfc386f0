"""Background jobs: long admin actions (bulk verification, applying an import) run by the worker.

A job is a row, not a process: the page that started it reads its progress from here, so a
reload (or another tab) still shows it, and the worker can pick up a job another worker
left behind. `request_key` is chosen by the page when the admin opens the confirmation:
a double click or a retried request finds the same job instead of starting a second one.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class JobKind(StrEnum):
    BULK_VERIFICATION = "bulk_verification"  # F1.2 "Skicka verifieringsmeddelanden"
    IMPORT_APPLY = "import_apply"  # F1.3 applying an uploaded Anställda/användare file


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BackgroundJob(SQLModel, table=True):
    __tablename__ = "background_jobs"
    __table_args__ = (
        UniqueConstraint("organisation_id", "request_key", name="uq_background_jobs_request"),
        # The worker looks for queued jobs and running ones whose lease ran out.
        Index("ix_background_jobs_status", "status", "id"),
        # A page shows the latest job its admin started.
        Index("ix_background_jobs_creator", "created_by_id", "kind", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id")
    kind: str = Field(max_length=30)
    created_by_id: int = Field(foreign_key="users.id")
    request_key: str = Field(max_length=64)
    status: str = Field(default=JobStatus.QUEUED, max_length=20)
    # What the job acts on, as JSON (e.g. the users list's search and filters).
    parameters: str = Field(default="{}")
    total: int = 0
    processed: int = 0
    succeeded: int = 0
    skipped: int = 0
    failed: int = 0
    # Where the next step resumes (e.g. the last user id handled), committed with its work.
    cursor: str | None = Field(default=None, max_length=200)
    # Counts by reason, as JSON, for the result summary.
    summary: str = Field(default="{}")
    error: str | None = Field(default=None, max_length=1000)
    claimed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None

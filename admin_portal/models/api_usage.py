"""Per-client read counters: one row per API client per minute (issue 15, audit volume).

Every write call of an API client gets its own audit event. Reads do not: they are counted
here, one row per client and minute, and that minute's one `api_reads` audit event (linked
by audit_event_id) carries the counts. The primary key makes the count an atomic upsert.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class ApiClientReadWindow(SQLModel, table=True):
    __tablename__ = "api_client_read_windows"

    api_client_id: int = Field(foreign_key="api_clients.id", primary_key=True, ondelete="CASCADE")
    # The minute the reads fell in (UTC, seconds zero).
    window_start: datetime = Field(primary_key=True)
    reads: int = 0
    # Of those, how many were answered with an error status (4xx/5xx).
    failed: int = 0
    audit_event_id: int | None = Field(default=None, foreign_key="audit_events.id")

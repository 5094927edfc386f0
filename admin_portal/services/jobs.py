"""Background jobs: started once per request key, stepped by the worker, read by the page.

A job advances in steps. Each step is one transaction that does a bounded chunk of work
(e.g. queue 500 verification mails) *and* moves the job's cursor and counters: a crash
rolls both back together, so a retried step never does a chunk twice and never skips one.
That, plus the unique request key, is what makes "a double click or a retry sends nothing
twice" true.

The kinds' step functions live with their features (bulk verification, user import); the
composition root (admin_portal/wiring.py) installs them here, so this module imports
neither and every arrow stays visible to import-linter.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import BackgroundJob, JobStatus, utcnow
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError

logger = logging.getLogger(__name__)

# A step function does one chunk of `job` in the caller's transaction (never commits),
# updates its counters and cursor, and returns True when the job is finished.
StepFunction = Callable[[Session, BackgroundJob], bool]

_STEP_FUNCTIONS: dict[str, StepFunction] = {}
# Made by the page (secrets.token_urlsafe): long enough not to collide, short to store.
_REQUEST_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class JobProgress:
    """What a page shows about a job: progress while it runs, a summary when it is done."""

    id: int
    kind: str
    status: str
    total: int
    processed: int
    succeeded: int
    skipped: int
    failed: int
    summary: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    created_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return min(99, self.processed * 100 // self.total) if self.total else 0


def progress_of(job: BackgroundJob) -> JobProgress:
    assert job.id is not None
    return JobProgress(
        id=job.id,
        kind=job.kind,
        status=job.status,
        total=job.total,
        processed=job.processed,
        succeeded=job.succeeded,
        skipped=job.skipped,
        failed=job.failed,
        summary=read_json(job.summary),
        error=job.error,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def read_json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def valid_request_key(value: object) -> str:
    """The page's request key, or ServiceError: a forged key must not reach the database."""
    if not isinstance(value, str) or not _REQUEST_KEY.match(value):
        raise ServiceError("jobs.bad_request_key")
    return value


def find_started_job(
    session: Session, *, actor: Actor, kind: str, request_key: str
) -> BackgroundJob | None:
    """The job this request key already started, if any (a double click, a retry).

    Raises:
        PermissionDenied: the key belongs to a job of someone else or of another kind.
    """
    job = session.exec(
        select(BackgroundJob).where(
            BackgroundJob.organisation_id == actor.organisation_id,
            BackgroundJob.request_key == request_key,
        )
    ).first()
    if job is not None and (job.kind != kind or job.created_by_id != actor.user_id):
        raise PermissionDenied()
    return job


def create_job(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    request_key: str,
    parameters: dict[str, Any],
    total: int,
) -> BackgroundJob:
    """Queue a job in the caller's transaction (callers check `find_started_job` first)."""
    job = BackgroundJob(
        organisation_id=actor.organisation_id,
        kind=kind,
        created_by_id=actor.user_id,
        request_key=valid_request_key(request_key),
        parameters=json.dumps(parameters, sort_keys=True),
        total=max(0, total),
    )
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, *, actor: Actor, job_id: object) -> JobProgress:
    """A job the actor may watch: their own, or any in the organisation for a head admin.

    Raises:
        NotFound: unknown, another organisation's, or another admin's job.
    """
    if not isinstance(job_id, int) or isinstance(job_id, bool):
        raise NotFound()
    job = session.get(BackgroundJob, job_id)
    if (
        job is None
        or job.organisation_id != actor.organisation_id
        or (job.created_by_id != actor.user_id and not actor.is_head_admin)
    ):
        raise NotFound()
    return progress_of(job)


def latest_job(session: Session, *, actor: Actor, kind: str) -> JobProgress | None:
    """The newest job of this kind the actor started: a reloaded page shows its progress."""
    job = session.exec(
        select(BackgroundJob)
        .where(
            BackgroundJob.organisation_id == actor.organisation_id,
            BackgroundJob.created_by_id == actor.user_id,
            BackgroundJob.kind == kind,
        )
        .order_by(col(BackgroundJob.id).desc())
        .limit(1)
    ).first()
    return None if job is None else progress_of(job)


def add_to_summary(job: BackgroundJob, counts: dict[str, int]) -> None:
    """Add per-reason counts of one step to the job's summary."""
    summary = read_json(job.summary)
    for reason, count in counts.items():
        if count:
            summary[reason] = int(summary.get(reason, 0)) + count
    job.summary = json.dumps(summary, sort_keys=True)


# --------------------------------------------------------------------------- the worker


def install_steps(steps: Mapping[str, StepFunction]) -> None:
    """Make `steps` (job kind -> step function) the ones the worker runs."""
    _STEP_FUNCTIONS.clear()
    _STEP_FUNCTIONS.update(steps)


def _step_function(kind: str) -> StepFunction:
    return _STEP_FUNCTIONS[kind]


def run_one_step(engine: Engine) -> bool:
    """Advance one unfinished job by one step. Returns False when there was nothing to do.

    The oldest unfinished job goes first. The row lock (PostgreSQL, SKIP LOCKED) or the
    single writer (SQLite) keeps two workers from stepping the same job at once.
    """
    with Session(engine, expire_on_commit=False) as session:
        job = session.exec(
            select(BackgroundJob)
            .where(
                or_(
                    col(BackgroundJob.status) == JobStatus.QUEUED,
                    col(BackgroundJob.status) == JobStatus.RUNNING,
                )
            )
            .order_by(col(BackgroundJob.id))
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if job is None:
            return False
        job_id = job.id
        try:
            now = utcnow()
            if job.status == JobStatus.QUEUED:
                job.status = JobStatus.RUNNING
                job.started_at = now
            job.claimed_at = now
            if _step_function(job.kind)(session, job):
                job.status = JobStatus.DONE
                job.finished_at = utcnow()
                job.processed = max(job.processed, job.total)
            session.commit()
        except Exception:
            session.rollback()
            logger.exception("background job %s failed", job_id)
            _mark_failed(engine, job_id)
        return True


def _mark_failed(engine: Engine, job_id: int | None) -> None:
    with Session(engine) as session:
        job = session.get(BackgroundJob, job_id)
        if job is not None:
            # The step's work was rolled back with it; the admin sees how far it got.
            job.status = JobStatus.FAILED
            job.error = "jobs.failed"
            job.finished_at = utcnow()
            session.commit()


def run_until_idle(engine: Engine, *, max_steps: int = 1_000_000) -> int:
    """Step jobs until none is left (worker --once, tests, benchmarks). Returns the steps."""
    steps = 0
    while steps < max_steps and run_one_step(engine):
        steps += 1
    return steps


def run_forever(engine: Engine, stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """The worker's job loop: step while there is work, poll when there is none."""
    while not stop.is_set():
        try:
            busy = run_one_step(engine)
        except Exception:
            logger.exception("job loop failed; retrying in %.1fs", poll_seconds)
            busy = False
        if not busy:
            stop.wait(poll_seconds)

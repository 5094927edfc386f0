"""F1.2 on the users list: preview, confirm, then watch the job until it is done.

A mixin of UsersListState, because the action takes the list's current search and filters
(`_fields()`). The request key is made here, when the admin opens the confirmation, and
kept backend-only: a double click, a retried event or a second call with forged arguments
all reach the same job.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.models import JobKind, utcnow
from admin_portal.services.errors import ServiceError
from admin_portal.services.jobs import JobProgress, get_job, latest_job
from admin_portal.services.verification.bulk import (
    SEND,
    SKIP_REASONS,
    preview_bulk_verification,
    start_bulk_verification,
)
from admin_portal.state.job_watch import WatchClaim
from admin_portal.state.session import ADMIN

POLL_SECONDS = 0.5
WATCH_LIMIT = timedelta(hours=6)  # a watcher never outlives a tab left open overnight
# A finished job's summary stays on the list this long after it ended.
SHOW_FINISHED_FOR = timedelta(hours=1)


class BulkVerificationMixin(rx.State, mixin=True):
    bulk_open: bool = False
    bulk_will_send: int = 0
    bulk_skipped: list[dict[str, str]] = []
    bulk_error: str = ""
    bulk_job_id: int = 0
    bulk_status: str = ""  # "", queued, running, done, failed
    bulk_processed: int = 0
    bulk_total: int = 0
    bulk_percent: int = 0
    bulk_summary: list[dict[str, str]] = []
    _bulk_request_key: str = ""
    # One watcher per tab (A.9): a reload or a second click finds it alive and starts none.
    _bulk_watch_owner: str = ""
    _bulk_watch_beat: float = 0.0

    # Provided by the list state.
    def _fields(self) -> dict[str, str]:
        raise NotImplementedError

    @rx.event
    def open_bulk_verification(self):
        with self._service(ADMIN, error="bulk_error") as call:  # type: ignore[attr-defined]
            actor = call.actor  # a refused call stops here
            self.bulk_error = ""
            preview = preview_bulk_verification(call.session, actor=actor, fields=self._fields())
        if not call.ok:
            return
        self.bulk_will_send = preview.will_send
        self.bulk_skipped = [
            {"reason": reason, "count": str(count), "label": self._reason_label(reason, count)}
            for reason, count in preview.skipped.items()
            if count
        ]
        self._bulk_request_key = secrets.token_urlsafe(24)
        self.bulk_open = True

    @rx.event
    def set_bulk_open(self, is_open: bool):
        self.bulk_open = is_open is True

    @rx.event
    def confirm_bulk_verification(self):
        with self._service(ADMIN, error="bulk_error") as call:  # type: ignore[attr-defined]
            actor = call.actor  # a refused call stops here
            if not self._bulk_request_key:
                return None
            progress = start_bulk_verification(
                call.session,
                actor=actor,
                fields=self._fields(),
                request_key=self._bulk_request_key,
            )
        if not call.ok:
            return None
        self.bulk_open = False
        self._show_job(progress)
        return type(self).watch_bulk_job

    def _reason_label(self, reason: str, count: int) -> str:
        return self._text(f"bulk_verification.reason.{reason}", count=count)  # type: ignore[attr-defined]

    def _show_job(self, progress: JobProgress | None) -> None:
        if progress is None:
            self.bulk_job_id, self.bulk_status = 0, ""
            return
        self.bulk_job_id = progress.id
        self.bulk_status = progress.status
        self.bulk_processed, self.bulk_total = progress.processed, progress.total
        self.bulk_percent = progress.percent
        order = [SEND, *SKIP_REASONS]
        self.bulk_summary = [
            {"reason": reason, "label": self._reason_label(reason, progress.summary[reason])}
            for reason in order
            if progress.summary.get(reason)
        ]

    def _restore_bulk_job(self, actor: Actor) -> rx.event.EventSpec | None:
        """On load: a running job keeps showing its progress; a recent result its summary.

        Args:
            actor: Who the page's load handler authorized (the session is resolved once).
        """
        with session_scope() as session:
            progress = latest_job(session, actor=actor, kind=JobKind.BULK_VERIFICATION)
        if progress is not None and progress.finished:
            ended = progress.finished_at
            if ended is None or utcnow() - ended > SHOW_FINISHED_FOR:
                progress = None
        self._show_job(progress)
        if progress is not None and not progress.finished:
            return type(self).watch_bulk_job
        return None

    @rx.event
    def dismiss_bulk_result(self):
        self._show_job(None)

    @rx.event(background=True)
    async def watch_bulk_job(self):
        claim = WatchClaim(self, "_bulk_watch")
        async with self:
            if not claim.claim():
                return  # this tab already has a live watcher
        try:
            await self._watch_bulk_loop(claim)
        finally:
            async with self:
                claim.release()

    async def _watch_bulk_loop(self, claim: WatchClaim) -> None:
        deadline = utcnow() + WATCH_LIMIT
        while utcnow() < deadline:
            async with self:
                actor = self._authorized()  # type: ignore[attr-defined]
                job_id = self.bulk_job_id
                if actor is None or not job_id or not claim.beat():
                    return
                try:
                    with session_scope() as session:
                        progress = get_job(session, actor=actor, job_id=job_id)
                except ServiceError:
                    return
                self._show_job(progress)
                if progress.finished:
                    return
            await asyncio.sleep(POLL_SECONDS)

"""Importera användare: upload -> preview (stored server-side) -> apply as a background job.

The upload is streamed to a background handler (`rx.upload_files_chunk`), so the size limit
is enforced while the bytes arrive (the rest is never read) and reading a 100,000-row
file holds no state lock. Nothing is written to the upload directory: the bytes live in
memory until the preview is stored, then go.

Which import is shown lives in a backend-only var and is re-checked by every service call
(owner or head admin); the page only ever holds counts and one page of rows.
"""

from __future__ import annotations

import asyncio
import secrets

import reflex as rx

from admin_portal import routes
from admin_portal.auth.permissions import Actor
from admin_portal.config import get_settings
from admin_portal.db import session_scope
from admin_portal.models import ImportOutcome, ImportStatus
from admin_portal.services import jobs
from admin_portal.services.errors import ServiceError
from admin_portal.services.spreadsheets.import_apply import start_apply
from admin_portal.services.spreadsheets.import_preview import preview_import
from admin_portal.services.spreadsheets.imports import (
    APPLIED,
    ImportSummary,
    get_import,
    latest_import,
    list_import_rows,
    outcome_text,
)
from admin_portal.services.spreadsheets.sheets import SpreadsheetError, check_size
from admin_portal.state.job_watch import WatchClaim
from admin_portal.state.session import ADMIN, SessionState

# Summary order: what changes first, then what is skipped, then what is rejected.
OUTCOME_ORDER = [o.value for o in ImportOutcome]
POLL_SECONDS = 1.0


class UserImportState(SessionState):
    has_import: bool = False
    filename: str = ""
    row_count: int = 0
    will_change: int = 0
    status: str = ""
    counts: list[dict[str, str]] = []
    rows: list[dict[str, str]] = []
    outcome_filter: str = ""
    page: int = 1
    pages: int = 1
    report_url: str = ""
    error: str = ""
    reading: bool = False
    # The apply job, as the page shows it.
    job_active: bool = False
    job_finished: bool = False
    job_failed: bool = False
    job_percent: int = 0
    job_processed: int = 0
    job_total: int = 0
    job_succeeded: int = 0
    job_skipped: int = 0
    job_failed_rows: int = 0
    _import_id: int | None = None
    _job_id: int | None = None
    _request_key: str = ""
    # One watcher per tab (A.9): a reload or a second click finds it alive and starts none.
    _watch_owner: str = ""
    _watch_beat: float = 0.0

    # ------------------------------------------------------------------ helpers

    def _admin(self) -> Actor | None:
        return self._authorized()

    def _forget_import(self) -> None:
        self.has_import = False
        self.filename, self.status, self.report_url = "", "", ""
        self.row_count = self.will_change = 0
        self.counts, self.rows = [], []
        self.outcome_filter, self.page, self.pages = "", 1, 1
        self._import_id = self._job_id = None
        self.job_active = self.job_finished = self.job_failed = False
        self.job_percent = self.job_processed = self.job_total = 0
        self.job_succeeded = self.job_skipped = self.job_failed_rows = 0

    def _show_summary(self, summary: ImportSummary) -> None:
        self.has_import = True
        self._import_id = summary.id
        self._job_id = summary.job_id
        self.filename = summary.filename
        self.row_count = summary.row_count
        self.will_change = summary.will_change
        self.status = summary.status
        self.report_url = routes.import_report_url(summary.id) + f"?lang={self.lang}"
        self.counts = [
            {"outcome": o, "label": outcome_text(o, self.lang), "count": str(summary.counts[o])}
            for o in OUTCOME_ORDER
            if summary.counts.get(o)
        ]
        if summary.status == ImportStatus.PREVIEWED and not self._request_key:
            # Chosen when the admin sees "Verkställ import": a double click or a retried
            # request then finds the job this key started instead of starting another.
            self._request_key = secrets.token_urlsafe(24)

    def _load_rows(self, actor: Actor) -> None:
        if self._import_id is None:
            return
        with session_scope() as session:
            page = list_import_rows(
                session,
                actor=actor,
                import_id=self._import_id,
                page=self.page,
                outcome=self.outcome_filter or None,
            )
        self.page, self.pages = page.page, page.pages
        self.rows = [
            {
                "row_number": str(r.row_number),
                "username": r.username,
                "email": r.email,
                "outcome": r.outcome,
                "text": outcome_text(r.outcome, self.lang),
                "result": self._result_text(r.applied_outcome),
            }
            for r in page.rows
        ]

    def _result_text(self, applied_outcome: str) -> str:
        if applied_outcome == APPLIED:
            return self._text("import.result.applied")
        if applied_outcome:
            return outcome_text(applied_outcome, self.lang)
        return (
            self._text("import.result.not_changed") if self.status == ImportStatus.APPLIED else ""
        )

    def _show_job(self, progress: jobs.JobProgress) -> None:
        self._job_id = progress.id
        self.job_active = True
        self.job_finished = progress.finished
        self.job_failed = progress.status == "failed"
        self.job_percent = progress.percent
        self.job_processed, self.job_total = progress.processed, progress.total
        self.job_succeeded, self.job_skipped = progress.succeeded, progress.skipped
        self.job_failed_rows = progress.failed

    def _refresh(self, actor: Actor) -> bool:
        """Re-read the import and its job. Returns True while the job still runs."""
        if self._import_id is None:
            return False
        try:
            with session_scope() as session:
                summary = get_import(session, actor=actor, import_id=self._import_id)
                progress = (
                    None
                    if summary.job_id is None
                    else jobs.get_job(session, actor=actor, job_id=summary.job_id)
                )
        except ServiceError as error:
            self._forget_import()
            self.error = self._text(error.key)
            return False
        self._show_summary(summary)
        if progress is not None:
            self._show_job(progress)
        return progress is not None and not progress.finished

    # ------------------------------------------------------------------ events

    @rx.event
    def load(self):
        """on_load: show this admin's latest import (and its job), so a reload loses nothing."""
        actor = self._admin()
        if actor is None:
            return None
        self.error, self.reading = "", False
        self._forget_import()
        # A fresh key per page load: the old one may have started another import's job.
        self._request_key = ""
        with session_scope() as session:
            latest = latest_import(session, actor=actor)
        if latest is None:
            return None
        self._import_id = latest.id
        running = self._refresh(actor)
        self._load_rows(actor)
        return UserImportState.watch_job if running else None

    @rx.event(background=True)
    async def upload(self, chunks: rx.UploadChunkIterator):
        """Read the chosen file as it streams in, refusing it once it passes the size limit."""
        async with self:
            actor = self._admin()
            if actor is None:
                return
            self.error, self.reading = "", True
        data = bytearray()
        filename: str | None = None
        try:
            async for chunk in chunks:
                if filename is None:
                    filename = chunk.filename
                if chunk.filename != filename or chunk.offset != len(data):
                    raise SpreadsheetError("spreadsheet.upload_failed")  # one file, in order
                data.extend(chunk.data)
                check_size(len(data))  # stop reading here: the rest never reaches memory
            if filename is None:
                raise SpreadsheetError("spreadsheet.choose_file")
            summary = await asyncio.to_thread(self._preview, actor, filename, bytes(data))
        except ServiceError as error:
            async with self:
                self.reading = False
                self.error = self._text(error.key, **error.params)
            return
        finally:
            data.clear()
        async with self:
            self._forget_import()
            self._request_key = ""
            self.reading = False
            self._show_summary(summary)
            self._load_rows(actor)

    @staticmethod
    def _preview(actor: Actor, filename: str, data: bytes) -> ImportSummary:
        with session_scope() as session:
            return preview_import(session, actor=actor, filename=filename, data=data)

    @rx.event
    def file_rejected(self, _files: list):
        """The browser refused the file (type or size) before sending it."""
        self.error = self._text("spreadsheet.rejected_by_browser", max_mb=max_mb())

    @rx.event
    def set_outcome_filter(self, value: str):
        actor = self._admin()
        if actor is None:
            return
        self.outcome_filter = value if value in OUTCOME_ORDER else ""
        self.page = 1
        self._load_rows(actor)

    @rx.event
    def next_page(self):
        actor = self._admin()
        if actor is not None and self.page < self.pages:
            self.page += 1
            self._load_rows(actor)

    @rx.event
    def previous_page(self):
        actor = self._admin()
        if actor is not None and self.page > 1:
            self.page -= 1
            self._load_rows(actor)

    @rx.event
    def apply(self):
        with self._service(ADMIN, error="error") as call:
            actor = call.actor  # a refused call stops here
            if self._import_id is None:
                return None
            if not self._request_key:
                self._request_key = secrets.token_urlsafe(24)
            progress = start_apply(
                call.session, actor=actor, import_id=self._import_id, request_key=self._request_key
            )
        if not call.ok:
            return None
        self.error = ""
        self.status = ImportStatus.APPLYING
        self._show_job(progress)
        return UserImportState.watch_job

    @rx.event(background=True)
    async def watch_job(self):
        """Poll the job until it is done; the worker does the work, the page only reads."""
        claim = WatchClaim(self, "_watch")
        async with self:
            if not claim.claim():
                return  # this tab already has a live watcher
        try:
            while True:
                await asyncio.sleep(POLL_SECONDS)
                async with self:
                    if not claim.beat():
                        return
                    actor = self._admin()
                    if actor is None or not self._refresh(actor):
                        if actor is not None:
                            self._load_rows(actor)
                        return
        finally:
            async with self:
                claim.release()

    @rx.event
    def start_over(self):
        """Hide the shown import to upload another file (the stored one stays for its report)."""
        self._forget_import()
        self._request_key = ""
        self.error = ""
        return rx.clear_selected_files("import-file")


def max_mb() -> int:
    return max(1, get_settings().import_max_bytes // (1024 * 1024))

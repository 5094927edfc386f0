"""Användarbanken: search removed users, restore them, erase one at once. Head admins only."""

from __future__ import annotations

import dataclasses
from datetime import date
from urllib.parse import parse_qs

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.search.user_bank import BankQuery, list_removers, search_bank
from admin_portal.services.errors import NotFound, ValidationFailed
from admin_portal.services.user_bank.manage import (
    erase_user,
    get_retention_days,
    preview_restore,
    restore_user,
    set_retention_days,
)
from admin_portal.services.users.profile import placement_options
from admin_portal.state.cursor_pages import CursorPagesMixin
from admin_portal.state.service_call import refusal_key
from admin_portal.state.session import HEAD_ADMIN, SessionState
from admin_portal.validation.ids import parse_id

# What the bank's writes may refuse with, shown beside the form; anything else propagates.
_BANK_REFUSALS = (ValidationFailed, NotFound)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class UserBankState(CursorPagesMixin, SessionState):
    text: str = ""
    national_id: str = ""
    company_id: str = ""
    removed_from: str = ""
    removed_to: str = ""
    removed_by_id: str = ""
    removers: list[dict[str, str]] = []
    national_id_error: str = ""
    rows: list[dict] = []
    total: int = 0
    total_is_lower_bound: bool = False
    companies: list[dict[str, str]] = []
    units: list[dict[str, str]] = []
    # The person being restored or erased.
    selected: dict = {}
    target_company_id: str = ""
    target_unit_id: str = ""
    conflicts: list[str] = []
    restore_error: str = ""
    erase_error: str = ""
    notice: str = ""
    retention_days: int = 365
    retention_error: str = ""

    def _head_admin(self) -> Actor | None:
        return self._authorized(HEAD_ADMIN)

    def _search(self, actor: Actor | None = None) -> None:
        """Read the page at the cursor; `actor` is who this event already authorized, if any
        (the session is resolved once per event)."""
        with self._service(HEAD_ADMIN, catch=(NotFound,), actor=actor) as call:
            page = search_bank(
                call.session,
                actor=call.actor,
                query=BankQuery(
                    text=self.text,
                    national_id=self.national_id,
                    company_id=parse_id(self.company_id),
                    cursor=self._cursor,
                ),
            )
        if call.error:
            self.rows = []
        if not call.ok:
            return
        self.national_id_error = (
            self._text(page.national_id_error) if page.national_id_error else ""
        )
        self.rows = [dataclasses.asdict(r) for r in page.rows]
        self.total, self.total_is_lower_bound = page.total, page.total_is_lower_bound
        self._found_next(page.next_cursor)

    @rx.event
    def load(self):
        with self._service(HEAD_ADMIN, catch=()) as call:
            actor, session = call.actor, call.session  # a refused call stops here
            self.notice = self.restore_error = self.erase_error = ""
            self.selected, self.conflicts = {}, []
            placement = placement_options(session, actor=actor)
            self.removers = [
                {"id": str(i), "label": name} for i, name in list_removers(session, actor=actor)
            ]
            self.retention_days = get_retention_days(session, actor=actor)
        if call.refused:
            return
        self.retention_error = ""
        self.companies = [{"id": str(c.id), "label": c.label} for c in placement.companies]
        self.units = [{"id": str(u.id), "label": u.label} for u in placement.units]
        self._first_page()
        self._search(actor)
        # A username-taken message links here with ?anvandare=<id>: open that person at once.
        wanted = parse_id((parse_qs(self.router.url.query or "").get("anvandare") or [""])[0])
        if wanted is not None:
            self._select(actor, wanted, None, None)

    @rx.event
    def search(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.text = str(form.get("text", ""))[:200]
        self.national_id = str(form.get("national_id", ""))[:40]
        self.company_id = str(form.get("company_id", ""))[:12]
        self.removed_from = str(form.get("removed_from", ""))[:10]
        self.removed_to = str(form.get("removed_to", ""))[:10]
        self.removed_by_id = str(form.get("removed_by_id", ""))[:12]
        self._first_page()
        self._search()

    # The cursors move first and _search authorizes: a refused caller is recorded there.
    @rx.event
    def next_page(self):
        if self._to_next_page():
            self._search()

    @rx.event
    def previous_page(self):
        if self._to_previous_page():
            self._search()

    def _select(
        self, actor: Actor, user_id: int, company_id: int | None, unit_id: int | None
    ) -> None:
        try:
            with session_scope() as session:
                preview = preview_restore(
                    session, actor=actor, user_id=user_id, company_id=company_id, unit_id=unit_id
                )
        except (NotFound, ValidationFailed) as refusal:
            if isinstance(refusal, NotFound):
                self.selected, self.conflicts = {}, []
            self.restore_error = self._text(refusal_key(refusal))
            return
        self.restore_error = self.erase_error = ""
        self.selected = dataclasses.asdict(preview)
        self.target_company_id = str(preview.company_id)
        self.target_unit_id = str(preview.unit_id or "")
        self.conflicts = [self._text(c.key, **c.params) for c in preview.conflicts]

    @rx.event
    def select(self, user_id: str):
        actor, wanted = self._head_admin(), parse_id(user_id)
        if actor is not None and wanted is not None:
            self._select(actor, wanted, None, None)

    @rx.event
    def restore(self, form: dict):
        form = form if isinstance(form, dict) else {}
        name = self.selected.get("full_name", "")
        with self._service(HEAD_ADMIN, error="restore_error", catch=_BANK_REFUSALS) as call:
            actor = call.actor  # a refused call stops here
            if not self.selected:
                return
            mailed = restore_user(
                call.session,
                actor=actor,
                user_id=int(self.selected["user_id"]),
                # The placement comes from the state, not the form: the selects are
                # controlled, so a reply to an earlier pick can still be repainting the DOM
                # when a quick admin submits; the state has every pick, in order.
                company_id=parse_id(self.target_company_id),
                unit_id=parse_id(self.target_unit_id),
                new_email=str(form.get("new_email", "")),
                clear_email=form.get("clear_email") == "on",
            )
        if not call.ok:
            return
        self.notice = self._text(
            "bank.restored_mailed" if mailed else "bank.restored_no_mail", name=name
        )
        self.selected, self.conflicts = {}, []
        self._search()

    @rx.event
    def erase(self, form: dict):
        typed = form.get("confirm", "") if isinstance(form, dict) else ""
        with self._service(HEAD_ADMIN, error="erase_error", catch=_BANK_REFUSALS) as call:
            actor = call.actor  # a refused call stops here
            if not self.selected:
                return
            erase_user(
                call.session,
                actor=actor,
                user_id=int(self.selected["user_id"]),
                typed_username=str(typed),
            )
        if not call.ok:
            return
        self.notice = self._text("bank.erased")
        self.selected, self.conflicts = {}, []
        self._search()

    def _repreview(self) -> None:
        actor = self._head_admin()
        if actor is not None and self.selected:
            company, unit = parse_id(self.target_company_id), parse_id(self.target_unit_id)
            self._select(actor, int(self.selected["user_id"]), company, unit)

    @rx.event
    def set_target_company_id(self, value: str):
        # A new company: its units differ, so the unit starts empty; conflicts are re-checked.
        self.target_company_id = value if parse_id(value) is not None else ""
        self.target_unit_id = ""
        self._repreview()

    @rx.event
    def set_target_unit_id(self, value: str):
        self.target_unit_id = value if parse_id(value) is not None else ""
        self._repreview()

    @rx.event
    def close(self):
        self.selected, self.conflicts = {}, []
        self.restore_error = self.erase_error = ""

    @rx.event
    def save_retention(self, form: dict):
        days = form.get("days", "") if isinstance(form, dict) else ""
        with self._service(HEAD_ADMIN, error="retention_error", catch=(ValidationFailed,)) as call:
            self.retention_days = set_retention_days(call.session, actor=call.actor, days=days)
        if not call.ok:
            return
        self.retention_error = ""
        self.notice = self._text("bank.retention_saved", days=self.retention_days)

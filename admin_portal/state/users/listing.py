"""Användare: server-side search, filters, sorting and keyset paging; the view lives in the URL."""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import parse_qs, urlencode

import reflex as rx

from admin_portal import routes
from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.search.query import UserQuery
from admin_portal.search.users import search_users
from admin_portal.services.users.list_params import (
    DEFAULTS,
    URL_PARAMS,
    clean_param,
    params_from_fields,
    query_from_fields,
)
from admin_portal.services.users.manage import (
    users_out_of_reach,
)
from admin_portal.services.users.profile import placement_options
from admin_portal.services.users.removal import (
    describe_users,
    remove_users,
)
from admin_portal.state.cursor_pages import CursorPagesMixin
from admin_portal.state.session import ADMIN, SessionState
from admin_portal.state.verification.bulk import BulkVerificationMixin


class UsersListState(CursorPagesMixin, BulkVerificationMixin, SessionState):
    text: str = ""
    company_id: str = ""
    unit_id: str = ""
    user_type: str = ""
    email_state: str = ""
    status: str = "active"
    sort: str = "name"
    direction: str = "asc"
    rows: list[dict] = []
    export_query: str = ""
    total: int = 0
    total_is_lower_bound: bool = False
    companies: list[dict[str, str]] = []
    units: list[dict[str, str]] = []
    search_error: str = ""
    selected_ids: list[int] = []
    remove_open: bool = False
    remove_names: list[str] = []
    remove_error: str = ""

    def _fields(self) -> dict[str, str]:
        return {field: getattr(self, field) for field in URL_PARAMS.values()}

    def _query(self) -> UserQuery:
        return query_from_fields(self._fields(), cursor=self._cursor)

    def _search(self, actor: Actor | None = None) -> None:
        """Read the page at the cursor; `actor` is who this event already authorized, if any
        (the session is resolved once per event)."""
        with self._service(ADMIN, error="search_error", actor=actor) as call:
            page = search_users(call.session, actor=call.actor, query=self._query())
            # Admins the viewer may see but not change get no checkbox (finding A.1); read in
            # the same transaction: one connection checkout per keystroke, not two.
            locked = users_out_of_reach(
                call.session, actor=call.actor, user_ids=[row.id for row in page.rows]
            )
        if call.error:
            self.rows = []
        if not call.ok:
            return
        self.search_error = ""
        self.rows = [
            {**dataclasses.asdict(row), "may_change": row.id not in locked} for row in page.rows
        ]
        self.total, self.total_is_lower_bound = page.total, page.total_is_lower_bound
        self._found_next(page.next_cursor)

    def _only_head_admins_list_removed(self, is_head_admin: bool) -> None:
        """The service shows others no removed users; the page does not pretend to filter."""
        if self.status == "removed" and not is_head_admin:
            self.status = DEFAULTS["status"]

    def _url_script(self) -> rx.event.EventSpec:
        params = params_from_fields(self._fields())
        self.export_query = urlencode(params)  # "Exportera" exports exactly this view
        url = routes.USERS + ("?" + urlencode(params) if params else "")
        return rx.call_script(f"window.history.replaceState(null, '', {json.dumps(url)})")

    def _restart(self, actor: Actor | None = None) -> rx.event.EventSpec:
        self._first_page()
        self.selected_ids = []
        self._search(actor)
        return self._url_script()

    @rx.event
    def load(self):
        actor = self._authorized()
        if actor is None:
            return
        query = parse_qs(self.router.url.query or "")
        for key, field in URL_PARAMS.items():
            setattr(self, field, clean_param(field, (query.get(key) or [""])[0]) or DEFAULTS[field])
        self._only_head_admins_list_removed(actor.is_head_admin)
        with session_scope() as session:
            placement = placement_options(session, actor=actor)
        self.companies = [{"id": str(c.id), "label": c.label} for c in placement.companies]
        self.units = [{"id": str(u.id), "label": u.label} for u in placement.units]
        self._first_page()
        self.export_query = urlencode(params_from_fields(self._fields()))
        self._search(actor)
        return self._restore_bulk_job(actor)

    @rx.event
    def set_text(self, value: str):
        self.text = clean_param("text", value)
        return self._restart()

    @rx.event
    def set_filter(self, field: str, value: str):
        actor = self._authorized()
        if actor is None or field not in (
            "company_id",
            "unit_id",
            "user_type",
            "email_state",
            "status",
            "sort",
            "direction",
        ):
            return None
        setattr(self, field, clean_param(field, value))
        self._only_head_admins_list_removed(actor.is_head_admin)
        return self._restart(actor)

    @rx.event
    def clear_filters(self):
        for field, default in DEFAULTS.items():
            setattr(self, field, default)
        return self._restart()

    @rx.event
    def next_page(self):
        actor = self._authorized()
        if actor is not None and self._to_next_page():
            self._search(actor)

    @rx.event
    def previous_page(self):
        actor = self._authorized()
        if actor is not None and self._to_previous_page():
            self._search(actor)

    @rx.event
    def toggle_selected(self, user_id: int, checked: bool):
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            return
        rest = [i for i in self.selected_ids if i != user_id]
        self.selected_ids = [*rest, user_id] if checked is True else rest

    @rx.event
    def open_bulk_remove(self):
        with self._service(ADMIN, catch=()) as call:
            actor = call.actor  # a refused call stops here
            if not self.selected_ids:
                return
            self.remove_names = describe_users(
                call.session, actor=actor, user_ids=self.selected_ids
            )
        if call.refused:
            return
        self.remove_error = ""
        self.remove_open = bool(self.remove_names)

    @rx.event
    def set_remove_open(self, is_open: bool):
        self.remove_open = is_open is True

    @rx.event
    def bulk_remove(self, form: dict):
        reason = form.get("reason", "") if isinstance(form, dict) else ""
        with self._service(ADMIN, error="remove_error") as call:
            count = remove_users(
                call.session,
                actor=call.actor,
                user_ids=self.selected_ids,
                reason=reason if isinstance(reason, str) else "",
            )
        if not call.ok:
            return None
        self.remove_open, self.selected_ids = False, []
        self._search()
        return rx.toast.success(self._text("users.bulk_removed", count=count))

"""Granskningslogg: scoped events, server-side filters and keyset pages; filters in the URL.

Every handler re-reads who is signed in and hands its arguments to services.audit_log,
which checks them and applies the scope: a client that forges arguments gets a message at
the field, never someone else's events.
"""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import parse_qs, urlencode

import reflex as rx

from admin_portal import routes
from admin_portal.db import session_scope
from admin_portal.services.audit.events import AUDIT_ACTIONS
from admin_portal.services.audit.log import (
    FILTER_FIELDS,
    AuditFilters,
    list_audit_events,
    parse_filters,
)
from admin_portal.services.auth.login import SignedIn
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.state.session import SessionState

# URL parameter -> filter field: Swedish names, the URL is the admin's bookmark.
URL_PARAMS = {
    "utford_av": "actor",
    "person": "person",
    "handelse": "action",
    "fran": "date_from",
    "till": "date_to",
}
_MAX_PARAM = 100
# The action filter's choices, in order (the page builds its options from them).
ACTIONS = AUDIT_ACTIONS


class AuditLogState(SessionState):
    rows: list[dict] = []
    has_next: bool = False
    page_number: int = 1
    # The filters as typed (shown in the form) and each field's message, if it is wrong.
    filter_actor: str = ""
    filter_person: str = ""
    filter_action: str = ""
    filter_date_from: str = ""
    filter_date_to: str = ""
    actor_error: str = ""
    person_error: str = ""
    action_error: str = ""
    date_from_error: str = ""
    date_to_error: str = ""
    load_error: str = ""
    # Bumped when the filters change from the server side: the form remounts with them.
    form_version: int = 0
    _filters: AuditFilters | None = None
    _cursor: str | None = None
    _next_cursor: str | None = None
    _previous_cursors: list[str | None] = []

    def _values(self) -> dict[str, str]:
        return {field: getattr(self, f"filter_{field}") for field in FILTER_FIELDS}

    def _set_values(self, values: dict[str, object]) -> None:
        for field in FILTER_FIELDS:
            value = values.get(field, "")
            setattr(self, f"filter_{field}", value[:_MAX_PARAM] if isinstance(value, str) else "")

    def _clear_rows(self) -> None:
        self.rows, self.has_next, self._next_cursor = [], False, None

    def _refused(self) -> bool:
        """True (and nothing shown) when the caller is no admin; the refusal is recorded."""
        if self._authorized() is not None:
            return False
        self._clear_rows()
        self.load_error = self._text("error.permission_denied")
        return True

    def _apply(self, who: SignedIn) -> bool:
        """Check the typed filters; on success they become the filters every page uses."""
        errors: dict[str, str] = {}
        try:
            with session_scope() as session:
                self._filters = parse_filters(session, actor=who.actor, raw=self._values())
        except ValidationFailed as failure:
            errors = failure.errors
            self._filters = None
        except ServiceError as error:  # not an admin: nothing to show, nothing looked up
            self._filters = None
            self.load_error = self._text(error.key)
        for field in FILTER_FIELDS:
            setattr(self, f"{field}_error", self._text(errors[field]) if field in errors else "")
        return self._filters is not None

    def _search(self, who: SignedIn | None = None) -> None:
        who = who or self._signed_in()
        if who is None or self._filters is None:
            self._clear_rows()
            return
        try:
            with session_scope() as session:
                page = list_audit_events(
                    session, actor=who.actor, filters=self._filters, cursor=self._cursor
                )
        except ServiceError as error:
            self.load_error = self._text(
                error.errors.get("cursor", error.key)
                if isinstance(error, ValidationFailed)
                else error.key
            )
            self._clear_rows()
            return
        self.load_error = ""
        self.rows = [dataclasses.asdict(row) for row in page.rows]
        self._next_cursor = page.next_cursor
        self.has_next = page.next_cursor is not None

    def _first_page(self) -> None:
        self._cursor, self._previous_cursors, self.page_number = None, [], 1
        self._filters = None
        self._clear_rows()
        who = self._signed_in()
        if who is not None and self._apply(who):
            self._search(who)

    def _url_script(self) -> rx.event.EventSpec:
        params = {key: getattr(self, f"filter_{f}") for key, f in URL_PARAMS.items()}
        params = {key: value for key, value in params.items() if value}
        url = routes.AUDIT_LOG + ("?" + urlencode(params) if params else "")
        return rx.call_script(f"window.history.replaceState(null, '', {json.dumps(url)})")

    @rx.event
    def load(self):
        """on_load: filters from the URL (a bookmark), first page."""
        if self._refused():
            return
        query = parse_qs(self.router.url.query or "")
        self._set_values({f: (query.get(key) or [""])[0] for key, f in URL_PARAMS.items()})
        self.form_version += 1
        self.load_error = ""
        self._first_page()

    @rx.event
    def apply_filters(self, form: dict):
        """The filter form's submit: any mapping of the filter fields (checked in the service)."""
        if self._refused():
            return None
        self._set_values(form if isinstance(form, dict) else {})
        self._first_page()
        return self._url_script()

    @rx.event
    def clear_filters(self):
        if self._refused():
            return None
        self._set_values({})
        self.form_version += 1
        self._first_page()
        return self._url_script()

    @rx.event
    def next_page(self):
        if self._refused():
            return
        if self._next_cursor is None:
            return
        self._previous_cursors = [*self._previous_cursors, self._cursor]
        self._cursor = self._next_cursor
        self.page_number += 1
        self._search()

    @rx.event
    def previous_page(self):
        if self._refused():
            return
        if not self._previous_cursors:
            return
        self._cursor = self._previous_cursors[-1]
        self._previous_cursors = self._previous_cursors[:-1]
        self.page_number = max(1, self.page_number - 1)
        self._search()

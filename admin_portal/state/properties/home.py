"""Hem (gruppkonto) (/boenden): the properties the signed-in account reaches."""

from __future__ import annotations

import dataclasses

import reflex as rx

from admin_portal.services.properties import list_properties
from admin_portal.state.properties.common import form_text
from admin_portal.state.session import SIGNED_IN, SessionState


class PropertiesHomeState(SessionState):
    rows: list[dict] = []
    is_primary: bool = False
    agreement_number: str = ""
    query: str = ""
    has_next: bool = False
    on_first_page: bool = True
    # The keyset cursor stays on the server: the client only asks for "next" or "first".
    _cursor: str = ""
    _next_cursor: str = ""

    def _reload(self) -> rx.event.EventSpec | None:
        with self._service(SIGNED_IN, catch=()) as call:
            page = list_properties(
                call.session, actor=call.actor, query=self.query, cursor=self._cursor
            )
        if call.refused:
            self.rows, self.is_primary, self.has_next = [], False, False
            return self._to_login()
        self.rows = [dataclasses.asdict(r) for r in page.rows]
        self.is_primary, self.agreement_number = page.is_primary, page.agreement_number
        self._next_cursor = page.next_cursor
        self.has_next = bool(page.next_cursor)
        self.on_first_page = not self._cursor
        return None

    @rx.event
    def load(self):
        who, actor = self._authorize(SIGNED_IN)
        if actor is None:
            self.rows = []
            return self._to_login()
        if who is not None:
            self._show(who)
        self.query, self._cursor = "", ""
        return self._reload()

    @rx.event
    def search(self, form: dict):
        self.query = form_text(form, "q")[:100]
        self._cursor = ""
        return self._reload()

    @rx.event
    def next_page(self):
        self._cursor = self._next_cursor
        return self._reload()

    @rx.event
    def first_page(self):
        self._cursor = ""
        return self._reload()

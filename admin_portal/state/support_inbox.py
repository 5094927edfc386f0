"""Kundtjänst's inbox (/kundtjanst). Only support staff; everyone else sees "not found"."""

from __future__ import annotations

import dataclasses

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.services.errors import NotFound
from admin_portal.services.support_inbox import list_support_notifications, mark_handled
from admin_portal.state.session import SUPPORT, SessionState
from admin_portal.validation.ids import is_int


class SupportInboxState(SessionState):
    allowed: bool = False
    rows: list[dict] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    show: str = "open"  # open | all

    def _deny(self) -> None:
        self.allowed, self.rows, self.total, self.page, self.pages = False, [], 0, 1, 1

    def _reload(self, actor: Actor | None = None) -> None:
        """Re-check who is asking on every call (a handler may be called without on_load),
        unless this event has just done so: `actor` is then who it found."""
        with self._service(SUPPORT, catch=(NotFound,), actor=actor) as call:
            found = list_support_notifications(
                call.session, actor=call.actor, page=self.page, show=self.show
            )
        if not call.ok:
            self._deny()
            return
        self.allowed = True
        self.rows = [dataclasses.asdict(r) for r in found.rows]
        self.page, self.pages, self.total = found.page, found.pages, found.total

    @rx.event
    def on_open(self):
        # The session is resolved once: who is signed in, and whether they are support staff.
        who, actor = self._authorize(SUPPORT)
        if who is None:
            self.allowed, self.rows = False, []
            return self._to_login()
        self._show(who)
        self.show = "open"
        self.page = 1
        if actor is None:  # signed in, but not support staff (the refusal is recorded)
            self._deny()
            return None
        self._reload(actor)
        return None

    @rx.event
    def set_show(self, value: str):
        self.show = "all" if value == "all" else "open"
        self.page = 1
        self._reload()

    @rx.event
    def go_to_page(self, page: int):
        # Any number may arrive; the service clamps it to the pages that exist.
        self.page = page if is_int(page) else 1
        self._reload()

    @rx.event
    def handle(self, notification_id: int):
        with self._service(SUPPORT, catch=(NotFound,)) as call:
            changed = mark_handled(call.session, actor=call.actor, notification_id=notification_id)
        if call.refused:
            self.allowed, self.rows = False, []
        else:
            self._reload()
        if not call.ok:
            return rx.toast.error(self._text("error.not_found"))
        key = "support.marked" if changed else "support.already_handled"
        return rx.toast.success(self._text(key)) if changed else rx.toast.info(self._text(key))

"""The agent list (/kontaktcenter): search, group and queue filters, keyset pages.

The cursors stay on the server (state/cursor_pages.py), as in Användare's list.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from admin_portal import routes
from admin_portal.auth.permissions import Actor
from admin_portal.services.contact_centre.listing import group_names, list_agents
from admin_portal.state.cursor_pages import CursorPagesMixin
from admin_portal.state.session import ADMIN, SessionState

QUEUE_FILTERS = {"": None, "in": True, "out": False}


class AgentListState(CursorPagesMixin, SessionState):
    rows: list[dict[str, Any]] = []
    groups: list[dict[str, str]] = []
    query: str = ""
    group_id: str = ""
    queue_filter: str = ""
    total: int = 0
    total_is_lower_bound: bool = False
    error: str = ""

    def _fill(self, session: Session, actor: Actor) -> None:
        group = int(self.group_id) if self.group_id.isdigit() else None
        self.groups = [{"id": str(i), "name": n} for i, n in group_names(session, actor=actor)]
        found = list_agents(
            session,
            actor=actor,
            query=self.query,
            group_id=group,
            in_queue=QUEUE_FILTERS.get(self.queue_filter),
            cursor=self._cursor,
        )
        self.total, self.total_is_lower_bound = found.total, found.total_is_lower_bound
        self._found_next(found.next_cursor)
        self.rows = [
            {
                "id": r.id,
                "href": routes.contact_centre_agent(r.id),
                "numeric_id": "" if r.numeric_id is None else str(r.numeric_id),
                "name": r.name,
                "username": r.username,
                "group": r.group,
                "in_queue": r.in_queue,
            }
            for r in found.rows
        ]

    def _show_page(self) -> None:
        with self._service(ADMIN, error="error") as call:
            self._fill(call.session, call.actor)
        if call.ok:
            self.error = ""
        else:
            self.rows = []

    @rx.event
    def load(self):
        """on_load: the first page of the actor's agents."""
        self._first_page()
        self._show_page()

    @rx.event
    def search(self, form: dict[str, Any]):
        """The search form: text, group and queue filter; the service checks the group."""
        with self._service(ADMIN, error="error") as call:
            actor = call.actor
            data = form if isinstance(form, dict) else {}
            query, group, queue = data.get("query"), data.get("group_id"), data.get("queue")
            self.query = query[:100] if isinstance(query, str) else ""
            self.group_id = group if isinstance(group, str) and group.isdigit() else ""
            self.queue_filter = queue if queue in QUEUE_FILTERS else ""
            self._first_page()
            self._fill(call.session, actor)
        if call.ok:
            self.error = ""

    @rx.event
    def next_page(self):
        """Nästa: the page after the shown one (the cursor came from the service)."""
        if self._authorized(ADMIN) is not None and self._to_next_page():
            self._show_page()

    @rx.event
    def previous_page(self):
        """Föregående: the page before, from the cursors kept on the server."""
        if self._authorized(ADMIN) is not None and self._to_previous_page():
            self._show_page()

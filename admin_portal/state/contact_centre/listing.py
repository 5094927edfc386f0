"""The agent list (/kontaktcenter): search, group and queue filters, pages."""

from __future__ import annotations

from typing import Any

import reflex as rx

from admin_portal import routes
from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.contact_centre.listing import group_names, list_agents
from admin_portal.services.errors import ServiceError
from admin_portal.state.session import ADMIN, SessionState

QUEUE_FILTERS = {"": None, "in": True, "out": False}


class AgentListState(SessionState):
    rows: list[dict[str, Any]] = []
    groups: list[dict[str, str]] = []
    query: str = ""
    group_id: str = ""
    queue_filter: str = ""
    page: int = 1
    pages: int = 1
    total: int = 0
    error: str = ""

    def _admin(self) -> Actor | None:
        return self._authorized(ADMIN)

    def _reload(self, actor: Actor) -> None:
        group = int(self.group_id) if self.group_id.isdigit() else None
        try:
            with session_scope() as session:
                self.groups = [
                    {"id": str(i), "name": n} for i, n in group_names(session, actor=actor)
                ]
                found = list_agents(
                    session,
                    actor=actor,
                    query=self.query,
                    group_id=group,
                    in_queue=QUEUE_FILTERS.get(self.queue_filter),
                    page=self.page,
                )
        except ServiceError as refusal:
            self.error, self.rows = self._text(refusal.key), []
            return
        self.error = ""
        self.page, self.pages, self.total = found.page, found.pages, found.total
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

    @rx.event
    def load(self):
        """on_load: the first page of the actor's agents."""
        actor = self._admin()
        if actor is None:
            self.rows = []
            return
        self.page = 1
        self._reload(actor)

    @rx.event
    def search(self, form: dict[str, Any]):
        """The search form: text, group and queue filter; the service checks the group."""
        actor = self._admin()
        if actor is None:
            return
        data = form if isinstance(form, dict) else {}
        query, group, queue = data.get("query"), data.get("group_id"), data.get("queue")
        self.query = query[:100] if isinstance(query, str) else ""
        self.group_id = group if isinstance(group, str) and group.isdigit() else ""
        self.queue_filter = queue if queue in QUEUE_FILTERS else ""
        self.page = 1
        self._reload(actor)

    @rx.event
    def next_page(self):
        actor = self._admin()
        if actor is None:
            return
        self.page = min(self.page + 1, self.pages)
        self._reload(actor)

    @rx.event
    def previous_page(self):
        actor = self._admin()
        if actor is None:
            return
        self.page = max(self.page - 1, 1)
        self._reload(actor)

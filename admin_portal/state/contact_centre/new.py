"""Lägg till agent (/kontaktcenter/ny, F3.1–F3.3, F3.5): no password is asked.

The numeric ID is checked while typing; "Se använda ID" lists the used ones and a
suggestion; choosing a user group shows its profiles as a tree of ticks, saved with the
agent. The service decides: every value here may be forged.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from admin_portal import routes
from admin_portal.services.contact_centre.agents import AgentInput, create_agent
from admin_portal.services.contact_centre.numeric_ids import check_numeric_id, used_numeric_ids
from admin_portal.services.contact_centre.profiles import group_profiles
from admin_portal.services.contact_centre.scope import groups_in_scope
from admin_portal.services.errors import ValidationFailed
from admin_portal.state.session import ADMIN, SessionState

EXTERNAL_ROWS_MAX = 20


def profile_rows(views: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(v.id),
            "name": v.name,
            "skills": [{"name": s.name, "level": str(s.level)} for s in v.skills],
        }
        for v in views
    ]


class NewAgentState(SessionState):
    groups: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    error: str = ""
    numeric_value: str = ""
    numeric_message: str = ""
    used_ranges: str = ""
    next_free: str = ""
    used_shown: bool = False
    login_same: bool = False
    external_rows: list[int] = [0]
    group_id: str = ""
    group_profiles: list[dict[str, Any]] = []
    ticked: list[str] = []
    form_version: int = 0

    @rx.event
    def load(self):
        """on_load: the groups the actor may place agents in; a fresh form."""
        self.errors, self.error, self.numeric_value, self.numeric_message = {}, "", "", ""
        self.used_shown, self.login_same, self.external_rows = False, False, [0]
        self.group_id, self.group_profiles, self.ticked = "", [], []
        self.groups = []
        with self._service(ADMIN, error="error") as call:
            groups = groups_in_scope(call.session, actor=call.actor)
            self.groups = [{"id": str(g.id), "name": g.name} for g in groups]

    @rx.event
    def check_numeric_id(self, value: str):
        """While typing: is the numeric ID free (numbers only, the organisation's)?"""
        with self._service(ADMIN, error="error") as call:
            actor = call.actor
            self.numeric_value = value[:20] if isinstance(value, str) else ""
            key = check_numeric_id(call.session, actor=actor, raw=self.numeric_value)
            self.numeric_message = self._text(key) if key else ""

    @rx.event
    def show_used_ids(self):
        """ "Se använda ID": the organisation's used numeric IDs as ranges, and the next free."""
        with self._service(ADMIN, error="error") as call:
            used = used_numeric_ids(call.session, actor=call.actor)
            self.used_ranges = ", ".join(used.ranges)
            self.next_free = str(used.next_free)
            self.used_shown = True

    @rx.event
    def use_next_free(self):
        """Put the suggestion into the field (checked again, it may have been taken since)."""
        with self._service(ADMIN, error="error") as call:
            suggestion = str(used_numeric_ids(call.session, actor=call.actor).next_free)
            key = check_numeric_id(call.session, actor=call.actor, raw=suggestion)
            self.numeric_value = suggestion
            self.numeric_message = self._text(key) if key else ""

    @rx.event
    def set_login_same(self, value: bool):
        """UI-only: "Inloggnings-ID samma som e-postadress"."""
        self.login_same = value is True

    @rx.event
    def add_external_row(self):
        """UI-only: "+" adds another Externa användar-ID row."""
        if len(self.external_rows) < EXTERNAL_ROWS_MAX:
            self.external_rows = [*self.external_rows, max(self.external_rows, default=-1) + 1]

    @rx.event
    def choose_group(self, value: str):
        """The group's profiles as the tick tree (the service checks the group's scope)."""
        with self._service(ADMIN, error="error") as call:
            actor = call.actor
            self.group_id = value if isinstance(value, str) and value.isdigit() else ""
            self.ticked, self.group_profiles = [], []
            if self.group_id:
                views = group_profiles(call.session, actor=actor, group_id=int(self.group_id))
                self.group_profiles = profile_rows(views)

    @rx.event
    def toggle_profile(self, profile_id: str):
        """UI-only: tick or untick one of the shown profiles (only ids the tree offered)."""
        if profile_id not in {p["id"] for p in self.group_profiles}:
            return
        if profile_id in self.ticked:
            self.ticked = [p for p in self.ticked if p != profile_id]
        else:
            self.ticked = [*self.ticked, profile_id]

    def _values(self, form: dict[str, Any]) -> AgentInput:
        data = form if isinstance(form, dict) else {}
        externals = [
            (data.get(f"ext_system_{i}", ""), data.get(f"ext_id_{i}", ""))
            for i in self.external_rows
        ]
        return AgentInput(
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            username=data.get("username", ""),
            numeric_id=self.numeric_value,
            email=data.get("email", ""),
            login_id_is_email=self.login_same,
            mobile=data.get("mobile", ""),
            group_id=int(self.group_id) if self.group_id else None,
            language=data.get("language", "sv"),
            keywords=data.get("keywords", ""),
            login_id=data.get("login_id", ""),
            external_ids=externals,
            group_profile_ids=[int(p) for p in self.ticked if p.isdigit()],
        )

    @rx.event
    def submit(self, form: dict[str, Any]):
        """Spara agent: everything is checked by create_agent; errors show per field."""
        with self._service(ADMIN, error="error") as call:
            agent_id = create_agent(call.session, actor=call.actor, data=self._values(form))
        if isinstance(call.error, ValidationFailed):
            self.errors = {k: self._text(v) for k, v in call.error.errors.items()}
            self.error = self._text("error.validation")
        if not call.ok:
            return None
        self.errors, self.error = {}, ""
        return rx.redirect(routes.contact_centre_agent(agent_id))

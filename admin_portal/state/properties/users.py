"""Lägg till och hantera användare (/boenden/anvandare): who has access to a property, and
their rights, edited by holders of Användarhantering. Primary accounts are shown, never edited."""

from __future__ import annotations

import dataclasses

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.models import ALL_RIGHTS
from admin_portal.services.properties import (
    account_overview,
    list_property_users,
    remove_access,
    set_access_rights,
)
from admin_portal.state.properties.common import form_text
from admin_portal.state.service_call import ServiceCall
from admin_portal.state.session import SIGNED_IN, SessionState


class PropertyUsersState(SessionState):
    properties: list[dict] = []  # [{"id": "12", "name": "..."}]
    selected: str = ""
    users: list[dict] = []
    is_primary: bool = False
    page_error: str = ""

    def _fill(self, actor: Actor) -> None:
        self.page_error = ""
        with session_scope() as session:
            overview = account_overview(session, actor=actor)
            self.is_primary = overview.is_primary
            administered = [
                {"id": str(pid), "name": name}
                for pid, name in overview.administered
                if "user_admin" in overview.rights.get(pid, [])
            ]
            self.properties = administered
            ids = [p["id"] for p in administered]
            if self.selected not in ids:
                self.selected = ids[0] if ids else ""
            found = (
                list_property_users(session, actor=actor, property_id=self.selected)
                if self.selected
                else []
            )
        self.users = [
            {
                **dataclasses.asdict(u),
                "rights": list(u.rights),
                "flags": [{"right": r, "on": r in u.rights} for r in ALL_RIGHTS],
            }
            for u in found
        ]

    @rx.event
    def load(self):
        who, actor = self._authorize(SIGNED_IN)
        if actor is None:
            self.users, self.properties = [], []
            return self._to_login()
        if who is not None:
            self._show(who)
        self._fill(actor)
        return None

    @rx.event
    def choose_property(self, property_id: str):
        actor = self._authorized(SIGNED_IN)
        if actor is None:
            return self._to_login()
        # Any id may arrive: _fill keeps it only when it is one of the caller's properties.
        self.selected = property_id if isinstance(property_id, str) else ""
        self._fill(actor)
        return None

    def _done(self, call: ServiceCall, done_key: str):  # type: ignore[no-untyped-def]
        if call.refused:
            return self._to_login()
        self._fill(call.actor)
        return call.toast(done_key)

    @rx.event
    def save_rights(self, form: dict):
        with self._service(SIGNED_IN) as call:
            set_access_rights(
                call.session,
                actor=call.actor,
                property_id=self.selected,
                user_id=form_text(form, "user_id"),
                rights=[r for r in ALL_RIGHTS if isinstance(form, dict) and form.get(r)],
            )
        return self._done(call, "properties.users.saved")

    @rx.event
    def remove(self, user_id: str):
        with self._service(SIGNED_IN) as call:
            remove_access(
                call.session, actor=call.actor, property_id=self.selected, user_id=user_id
            )
        return self._done(call, "properties.users.removed")

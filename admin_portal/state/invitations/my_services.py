"""Mina tjänster: the signed-in person's own orders (F4.8)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from admin_portal.db import session_scope
from admin_portal.services.invitations.my_services import list_my_services
from admin_portal.state.session import SIGNED_IN, SessionState


class MyServicesState(SessionState):
    rows: list[dict] = []

    @rx.event
    def load(self):
        # Whose services: the session cookie decides, never the client.
        who, actor = self._authorize(SIGNED_IN)
        if actor is None:
            self.rows = []
            return self._to_login()
        if who is not None:
            self._show(who)
        with session_scope() as session:
            self.rows = [dataclasses.asdict(s) for s in list_my_services(session, actor=actor)]
        return None

"""State of the small /dev/mail page (Granskningslogg has its own module: state.audit_log)."""

from __future__ import annotations

import reflex as rx

from admin_portal.db import session_scope
from admin_portal.services.dev_mailbox import list_local_mail
from admin_portal.services.errors import ServiceError
from admin_portal.state.session import HEAD_ADMIN, SessionState


class DevMailState(SessionState):
    messages: list[dict] = []
    available: bool = True

    @rx.event
    def load(self):
        """Authorized: a signed-in head admin, and only where the local mailbox exists."""
        who, actor = self._authorize(HEAD_ADMIN)
        if actor is None:  # a visitor goes to Logga in; other roles get nothing
            self.messages = []
            return None if who else self._to_login()
        try:
            with session_scope() as session:
                mail = list_local_mail(session, actor=actor)
        except ServiceError:
            self.available = False
            self.messages = []
            return None
        self.available = True
        self.messages = [row.__dict__ for row in mail]
        return None

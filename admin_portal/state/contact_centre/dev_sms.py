"""/dev/sms: the local SMS outbox for head administrators (development and test only)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from admin_portal.services.contact_centre.dev_sms import list_local_sms
from admin_portal.state.session import HEAD_ADMIN, SessionState


class DevSmsState(SessionState):
    available: bool = False
    sms: list[dict[str, Any]] = []

    @rx.event
    def load(self):
        """on_load: the organisation's local SMS, if this deployment keeps any."""
        self.available, self.sms = False, []
        with self._service(HEAD_ADMIN) as call:
            rows = list_local_sms(call.session, actor=call.actor)
            self.available = True
            self.sms = [
                {"created_at": r.created_at, "to": r.to_number, "status": r.status, "body": r.body}
                for r in rows
            ]

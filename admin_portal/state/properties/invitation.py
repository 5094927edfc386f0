"""The Boenden invitation page (/boenden/inbjudan): create the new ordinary account (F2.7)."""

from __future__ import annotations

from urllib.parse import parse_qs

import reflex as rx

from admin_portal import routes
from admin_portal.db import session_scope
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.services.properties import (
    accept_property_invitation,
    describe_property_invitation,
)
from admin_portal.state.off_loop import run_off_loop
from admin_portal.state.properties.common import form_text
from admin_portal.state.session import SessionState
from admin_portal.state.session_handoff import start_session_script

_FIELDS = ("username", "password", "repeat")


def _accept(raw_token: str, username: str, password: str, repeat: str) -> str:
    """In a worker thread (argon2): the account in one transaction; returns the login ticket."""
    with session_scope() as session:
        return accept_property_invitation(
            session, raw_token=raw_token, username=username, password=password, repeat=repeat
        ).login_ticket


class PropertyInvitationState(SessionState):
    link_error: str = ""
    invitee: str = ""
    invited_to: str = ""
    typed_username: str = ""
    username_error: str = ""
    password_error: str = ""
    repeat_error: str = ""

    def _token(self) -> str:
        # The token is the credential; the service trusts nothing else about the caller.
        values = parse_qs(self.router.url.query or "").get("token")
        return values[0] if values else ""

    @rx.event
    def on_open(self):
        self.username_error = self.password_error = self.repeat_error = ""
        self.typed_username = ""
        try:
            with session_scope() as session:
                view = describe_property_invitation(session, raw_token=self._token())
        except ServiceError as refused:
            self.link_error, self.invitee, self.invited_to = self._text(refused.key), "", ""
            return
        self.link_error = ""
        self.invitee, self.invited_to = view.name, ", ".join(view.properties)

    @rx.event
    async def accept(self, form: dict):
        self.username_error = self.password_error = self.repeat_error = ""
        self.typed_username = form_text(form, "username")
        try:
            ticket = await run_off_loop(
                _accept,
                self._token(),
                self.typed_username,
                form_text(form, "password"),
                form_text(form, "repeat"),
            )
        except ValidationFailed as failure:
            for name in _FIELDS:
                key = failure.errors.get(name)
                setattr(self, f"{name}_error", self._text(key) if key else "")
            return None
        except ServiceError as refused:
            self.link_error = self._text(refused.key)
            return None
        return rx.call_script(start_session_script(ticket, routes.PROPERTIES))

"""The invitation page (/inbjudan): show the invitation, create the account, sign the person in."""

from __future__ import annotations

from urllib.parse import parse_qs

import reflex as rx

from admin_portal import routes
from admin_portal.db import session_scope
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.services.invitations.acceptance import (
    LinkState,
    accept_invitation,
    describe_invitation,
)
from admin_portal.state.off_loop import run_off_loop
from admin_portal.state.session import SessionState
from admin_portal.state.session_handoff import start_session_script

_FIELDS = ("username", "password", "repeat")


def _text_of(form: object, name: str) -> str:
    value = form.get(name, "") if isinstance(form, dict) else ""
    return value if isinstance(value, str) else ""


def _accept(raw_token: str, username: str, password: str, repeat: str) -> str:
    """In a worker thread (argon2): the account, in one DB session; returns the login ticket."""
    with session_scope() as session:
        return accept_invitation(
            session, raw_token=raw_token, username=username, password=password, repeat=repeat
        ).login_ticket


class InvitationState(SessionState):
    link_state: str = ""  # "", valid, expired, revoked, used, unknown
    first_name: str = ""
    invited_to: str = ""
    unit_name: str = ""
    services_sv: list[str] = []
    services_en: list[str] = []
    # The typed username survives a refused attempt; passwords are never sent back.
    typed_username: str = ""
    username_error: str = ""
    password_error: str = ""
    repeat_error: str = ""
    page_error: str = ""
    accepted: bool = False

    def _token(self) -> str:
        # The token is the credential itself (whoever holds the link may use it), read from the
        # page's URL like the set-password page does; the service trusts nothing else about it.
        values = parse_qs(self.router.url.query or "").get("token")
        return values[0] if values else ""

    def _clear_errors(self) -> None:
        self.username_error = self.password_error = self.repeat_error = self.page_error = ""

    @rx.event
    def on_open(self):
        self._clear_errors()
        self.accepted = False
        self.typed_username = ""
        with session_scope() as session:
            view = describe_invitation(session, raw_token=self._token())
        self.link_state = view.state.value
        self.first_name = view.first_name
        self.invited_to = view.organisation_name
        self.unit_name = view.unit_name
        self.services_sv = [s.sv for s in view.services]
        self.services_en = [s.en for s in view.services]
        if view.state is LinkState.VALID:
            # The administrator chose the language for this person (F4.3): greet them in it.
            self.lang = view.language

    @rx.event
    async def accept(self, form: dict):
        self._clear_errors()
        self.typed_username = _text_of(form, "username")
        try:
            login_ticket = await run_off_loop(
                _accept,
                self._token(),
                self.typed_username,
                _text_of(form, "password"),
                _text_of(form, "repeat"),
            )
        except ValidationFailed as failure:
            for name in _FIELDS:
                setattr(
                    self,
                    f"{name}_error",
                    self._text(failure.errors[name]) if name in failure.errors else "",
                )
            return None
        except ServiceError as error:
            if error.key.startswith("acceptance.link_"):
                # The link died between opening and saving (accepted in another tab, revoked, resent).
                self.link_state = error.key.removeprefix("acceptance.link_")
            else:
                self.page_error = self._text(error.key)
            return None
        self.accepted = True
        # Like the login page: a full navigation, so the HttpOnly cookie is set by the server.
        return rx.call_script(start_session_script(login_ticket, routes.MY_SERVICES))

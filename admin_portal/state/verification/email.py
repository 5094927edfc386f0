"""Verifiera e-postadress: reached from a verification mail. Opening does not use the link up."""

from __future__ import annotations

from urllib.parse import parse_qs

import reflex as rx

from admin_portal.auth.tokens import TokenState
from admin_portal.db import session_scope
from admin_portal.services.errors import ServiceError
from admin_portal.services.verification.email import (
    confirm_verification,
    describe_verification_link,
)
from admin_portal.state.session import SessionState


class VerifyEmailState(SessionState):
    link_state: str = ""  # "", valid, expired, used, unknown
    email: str = ""
    done: bool = False

    def _token(self) -> str:
        values = parse_qs(self.router.url.query or "").get("token")
        return values[0] if values else ""

    @rx.event
    def on_open(self):
        self.done = False
        with session_scope() as session:
            link = describe_verification_link(session, raw_token=self._token())
        self.link_state, self.email = link.state.value, link.email

    @rx.event
    def confirm(self):
        try:
            with session_scope() as session:
                confirm_verification(session, raw_token=self._token())
        except ServiceError as error:
            # Used, replaced or expired between opening and confirming.
            self.link_state = (
                error.key.removeprefix("verification.link_") or TokenState.UNKNOWN.value
            )
            return
        self.done = True
        self.link_state = TokenState.USED.value

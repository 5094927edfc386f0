"""Engångslösenord (/engangslosenord, F3.2): ask for a code by e-mail or SMS, then type it.

Public: the request answers the same whether or not anyone matched; a right code leads to
"Välj lösenord" through a short-lived link.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from admin_portal.config import get_settings
from admin_portal.db import session_scope
from admin_portal.services.contact_centre.one_time_passwords import (
    redeem_one_time_password,
    request_one_time_password,
)
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.state.session import SessionState


def _text_of(form: object, name: str) -> str:
    value = form.get(name, "") if isinstance(form, dict) else ""
    return value[:200] if isinstance(value, str) else ""


class OneTimePasswordState(SessionState):
    step: str = "request"  # "request", then "code"
    otp_username: str = ""
    sent_message: str = ""
    error: str = ""

    def _address(self) -> str:
        return self.router.session.client_ip

    @rx.event
    def on_open(self):
        self.step, self.otp_username, self.sent_message, self.error = "request", "", "", ""

    @rx.event
    def send_code(self, form: dict[str, Any]):
        """Skicka engångslösenord: limited per address; the same answer for everyone."""
        username, channel = _text_of(form, "username"), _text_of(form, "channel")
        try:
            with session_scope() as session:
                request_one_time_password(
                    session, username=username, channel=channel, client_address=self._address()
                )
        except ValidationFailed as refusal:
            self.error = self._text(next(iter(refusal.errors.values())))
            return
        except ServiceError as refusal:
            self.error = self._text(refusal.key)
            return
        self.error, self.step, self.otp_username = "", "code", username.strip()
        self.sent_message = self._text(
            "one_time_password.sent", minutes=get_settings().one_time_password_minutes
        )

    @rx.event
    def redeem(self, form: dict[str, Any]):
        """Fortsätt: a right code is used up and leads to Välj lösenord."""
        try:
            with session_scope() as session:
                path = redeem_one_time_password(
                    session,
                    username=self.otp_username,
                    code=_text_of(form, "code"),
                    client_address=self._address(),
                )
        except ServiceError as refusal:
            self.error = self._text(refusal.key)
            return
        self.error = ""
        return rx.redirect(path)

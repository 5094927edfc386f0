"""Logga in, Glömt lösenord? and Välj lösenord: the pages a signed-out person uses."""

from __future__ import annotations

from urllib.parse import parse_qs

import reflex as rx

from admin_portal import routes
from admin_portal.auth.tokens import TokenState
from admin_portal.config import get_settings
from admin_portal.db import session_scope
from admin_portal.services.auth import (
    InvalidCredentials,
    authenticate,
    describe_password_link,
    issue_login_ticket,
    request_new_welcome_link,
    request_password_reset,
    set_password_with_link,
)
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.services.two_factor_login import begin_second_step
from admin_portal.state.login_redirect import go_to_session
from admin_portal.state.session import SessionState
from admin_portal.state.two_factor_login import SecondStepState


def _query_param(query: str, name: str) -> str:
    values = parse_qs(query or "").get(name)
    return values[0] if values else ""


def _form_text(form: dict, name: str) -> str:
    value = form.get(name, "") if isinstance(form, dict) else ""
    return value if isinstance(value, str) else ""


class LoginState(SessionState):
    error: str = ""
    notice: str = ""

    @rx.event
    def on_open(self):
        self.error = ""
        query = self.router.url.query
        self.notice = (
            self._text("login.expired")
            if _query_param(query, "expired")
            else self._text("login.idle_ended")
            if _query_param(query, "idle")
            else ""
        )

    @rx.event
    async def log_in(self, form: dict):
        username, password = _form_text(form, "username"), _form_text(form, "password")
        if not username.strip() or not password:
            self.error = self._text("login.required")
            return None
        try:
            with session_scope() as session:
                user = authenticate(session, username=username, password=password)
                second_step = begin_second_step(session, user=user)
                ticket = "" if second_step else issue_login_ticket(session, user=user)
        except InvalidCredentials:
            self.error = self._text("login.failed")
            return None
        self.error = ""
        next_path = routes.safe_next(_query_param(self.router.url.query, "next"))
        if second_step:  # a TOTP code (or the enrolment the organisation requires) is due
            return (await self.get_state(SecondStepState))._begin(second_step, next_path)
        return go_to_session(ticket, next_path)


class ForgotPasswordState(SessionState):
    error: str = ""
    done_message: str = ""

    @rx.event
    def on_open(self):
        self.error = self.done_message = ""

    @rx.event
    def send_link(self, form: dict):
        identifier = _form_text(form, "identifier")
        if not identifier.strip():
            self.error = self._text("forgot.required")
            return
        with session_scope() as session:
            request_password_reset(session, identifier=identifier)
        self.error = ""
        # The same answer whether or not anyone matched: nothing about accounts is revealed.
        self.done_message = self._text(
            "forgot.done", minutes=get_settings().reset_password_link_minutes
        )


class SetPasswordState(SessionState):
    link_state: str = ""  # "", valid, expired, used, unknown
    link_username: str = ""
    password_error: str = ""
    repeat_error: str = ""
    done: bool = False
    new_link_sent: bool = False

    def _token(self) -> str:
        return _query_param(self.router.url.query, "token")

    @rx.event
    def on_open(self):
        self.password_error = self.repeat_error = ""
        self.done = self.new_link_sent = False
        with session_scope() as session:
            link = describe_password_link(session, raw_token=self._token())
        self.link_state = link.state.value
        self.link_username = link.username or ""

    @rx.event
    def save(self, form: dict):
        self.password_error = self.repeat_error = ""
        try:
            with session_scope() as session:
                set_password_with_link(
                    session,
                    raw_token=self._token(),
                    password=_form_text(form, "password"),
                    repeat=_form_text(form, "repeat"),
                )
        except ValidationFailed as failure:
            self.password_error = (
                self._text(failure.errors["password"]) if "password" in failure.errors else ""
            )
            self.repeat_error = (
                self._text(failure.errors["repeat"]) if "repeat" in failure.errors else ""
            )
            return
        except ServiceError as error:
            # The link died between opening and saving (used elsewhere, expired, replaced).
            self.link_state = (
                error.key.removeprefix("set_password.link_") or TokenState.UNKNOWN.value
            )
            return
        self.done = True
        self.link_state = TokenState.USED.value

    @rx.event
    def send_new_link(self):
        with session_scope() as session:
            request_new_welcome_link(session, raw_token=self._token())
        self.new_link_sent = True  # the same answer whatever happened

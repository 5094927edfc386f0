"""Logga in, Glömt lösenord? and Välj lösenord: the pages a signed-out person uses."""

from __future__ import annotations

from urllib.parse import parse_qs

import reflex as rx

from admin_portal import routes
from admin_portal.auth.permissions import load_actor
from admin_portal.auth.tokens import TokenState
from admin_portal.config import get_settings
from admin_portal.db import session_scope
from admin_portal.services.auth.login import (
    InvalidCredentials,
    authenticate,
    describe_password_link,
    issue_login_ticket,
    request_new_welcome_link,
    request_password_reset,
    set_password_with_link,
)
from admin_portal.services.auth.rate_limits import (
    RateLimited,
    check_login_attempt,
    check_password_reset_request,
)
from admin_portal.services.auth.two_factor_login import SecondStep, begin_second_step
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.state.auth.two_factor_login import SecondStepState
from admin_portal.state.login_redirect import go_to_session
from admin_portal.state.off_loop import run_off_loop
from admin_portal.state.session import SessionState, home_path


def _query_param(query: str, name: str) -> str:
    values = parse_qs(query or "").get(name)
    return values[0] if values else ""


def _form_text(form: dict, name: str) -> str:
    value = form.get(name, "") if isinstance(form, dict) else ""
    return value if isinstance(value, str) else ""


def _client_address(state: rx.State) -> str:
    # The socket's peer; X-Forwarded-For only behind ADMIN_PORTAL_TRUSTED_PROXY_HOPS (rxconfig).
    return state.router.session.client_ip


def _sign_in(
    username: str, password: str, *, client_address: str
) -> tuple[SecondStep | None, str, str]:
    """In a worker thread: the limit, the argon2 check, then either the second step (a TOTP
    code or the enrolment the organisation requires) or the ticket, in one DB session.

    Also where the person starts when the login names no page (`home_path`).
    """
    check_login_attempt(client_address=client_address)
    with session_scope() as session:
        user = authenticate(session, username=username, password=password)
        actor = load_actor(session, user.id) if user.id is not None else None
        home = home_path(session, actor) if actor is not None else routes.MY_ACCOUNT
        second_step = begin_second_step(session, user=user)
        return second_step, "" if second_step else issue_login_ticket(session, user=user), home


def _request_reset(identifier: str, *, client_address: str) -> None:
    check_password_reset_request(client_address=client_address)
    with session_scope() as session:
        request_password_reset(session, identifier=identifier)


def _set_password(raw_token: str, password: str, repeat: str) -> None:
    with session_scope() as session:
        set_password_with_link(session, raw_token=raw_token, password=password, repeat=repeat)


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
            # Off the loop: argon2 must not stall every other tab's events.
            second_step, ticket, home = await run_off_loop(
                _sign_in, username, password, client_address=_client_address(self)
            )
        except RateLimited as limited:
            self.error = self._text(limited.key)
            return None
        except InvalidCredentials:
            self.error = self._text("login.failed")
            return None
        self.error = ""
        next_path = routes.safe_next(_query_param(self.router.url.query, "next"), default=home)
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
    async def send_link(self, form: dict):
        identifier = _form_text(form, "identifier")
        if not identifier.strip():
            self.error = self._text("forgot.required")
            return
        try:
            await run_off_loop(_request_reset, identifier, client_address=_client_address(self))
        except RateLimited as limited:
            self.error = self._text(limited.key)
            return
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
    async def save(self, form: dict):
        self.password_error = self.repeat_error = ""
        try:
            # Off the loop: the strength check and argon2 hash take a noticeable while.
            await run_off_loop(
                _set_password,
                self._token(),
                _form_text(form, "password"),
                _form_text(form, "repeat"),
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

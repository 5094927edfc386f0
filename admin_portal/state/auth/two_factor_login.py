"""The login's second step page: a TOTP code, or the enrolment the organisation requires.

The half-done login's token lives only in backend vars (`_pending`, `_passed`): the
browser never holds it and no handler takes a user id, so there is nothing to forge.
"""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.db import session_scope
from admin_portal.services.auth.two_factor_login import (
    SecondStep,
    SecondStepExpired,
    SecondStepMode,
    complete_second_step,
    confirm_enrolment_at_login,
    describe_second_step,
    finish_login_after_enrolment,
    start_enrolment_at_login,
)
from admin_portal.services.errors import ServiceError
from admin_portal.state.login_redirect import go_to_session
from admin_portal.state.session import SessionState

SHOWING_CODES = "codes"  # enrolled during login: the recovery codes are on screen


def _form_code(form: object) -> str:
    value = form.get("code", "") if isinstance(form, dict) else ""
    return value[:40] if isinstance(value, str) else ""


class SecondStepState(SessionState):
    mode: str = ""  # "", "code", "enrol" or "codes"
    error: str = ""
    secret_text: str = ""
    qr_svg: str = ""
    recovery_codes: list[str] = []
    _pending: str = ""
    _passed: str = ""
    _next: str = routes.ADMIN_HOME

    def _clear(self) -> None:
        self.mode = self.error = self.secret_text = self.qr_svg = ""
        self.recovery_codes = []
        self._pending = self._passed = ""
        self._next = routes.ADMIN_HOME

    def _begin(self, step: SecondStep, next_path: str) -> rx.event.EventSpec:
        """Called by Logga in (never by the browser) once the password was right."""
        self._clear()
        self._pending = step.raw_token
        self._next = routes.safe_next(next_path)
        self.mode = step.mode.value
        return rx.redirect(routes.LOGIN_SECOND_STEP)

    def _start_again(self) -> rx.event.EventSpec:
        self._clear()
        return rx.redirect(f"{routes.LOGIN}?expired=1")

    def _signed_in_now(self, ticket: str) -> rx.event.EventSpec:
        next_path = self._next
        self._clear()
        return go_to_session(ticket, next_path)

    @rx.event
    def on_open(self):
        self.error = ""
        if self.mode == SHOWING_CODES and self._passed:
            return None
        if not self._pending:
            return self._start_again()
        try:
            with session_scope() as session:
                mode = describe_second_step(session, raw_token=self._pending)
                enrolment = (
                    start_enrolment_at_login(session, raw_token=self._pending)
                    if mode is SecondStepMode.ENROL and not self.secret_text
                    else None
                )
        except ServiceError:
            return self._start_again()
        self.mode = mode.value
        if enrolment is not None:
            self.secret_text, self.qr_svg = enrolment.secret_text, enrolment.qr_svg
        return None

    @rx.event
    def submit_code(self, form: dict):
        if not self._pending:
            return self._start_again()
        code = _form_code(form)
        if not code.strip():
            self.error = self._text("two_factor.code_required")
            return None
        try:
            with session_scope() as session:
                ticket = complete_second_step(session, raw_token=self._pending, code=code)
        except SecondStepExpired:
            return self._start_again()
        except ServiceError as refusal:
            self.error = self._text(refusal.key)
            return None
        return self._signed_in_now(ticket)

    @rx.event
    def confirm_enrolment(self, form: dict):
        if not self._pending:
            return self._start_again()
        code = _form_code(form)
        if not code.strip():
            self.error = self._text("two_factor.code_required")
            return None
        try:
            with session_scope() as session:
                enrolled = confirm_enrolment_at_login(session, raw_token=self._pending, code=code)
        except SecondStepExpired:
            return self._start_again()
        except ServiceError as refusal:
            self.error = self._text(refusal.key)
            return None
        self._pending, self._passed = "", enrolled.raw_token
        self.secret_text = self.qr_svg = self.error = ""
        self.recovery_codes = enrolled.recovery_codes
        self.mode = SHOWING_CODES
        return None

    @rx.event
    def finish(self):
        """ "Fortsätt" under the recovery codes: now the session is issued."""
        if not self._passed:
            return self._start_again()
        try:
            with session_scope() as session:
                ticket = finish_login_after_enrolment(session, raw_token=self._passed)
        except ServiceError:
            return self._start_again()
        return self._signed_in_now(ticket)

    @rx.event
    def cancel(self):
        self._clear()
        return rx.redirect(routes.LOGIN)

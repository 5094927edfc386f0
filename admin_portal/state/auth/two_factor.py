"""Tvåstegsverifiering on Mitt konto: enrol, recovery codes, turn off. The signed-in person only."""

from __future__ import annotations

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.auth.two_factor import (
    confirm_enrolment,
    disable_two_factor,
    get_two_factor_status,
    regenerate_recovery_codes,
    start_enrolment,
)
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.state.session import ADMIN, SIGNED_IN, SessionState


def _field(form: object, name: str, limit: int = 256) -> str:
    value = form.get(name, "") if isinstance(form, dict) else ""
    return value[:limit] if isinstance(value, str) else ""


class TwoFactorState(SessionState):
    available: bool = False
    enrolled: bool = False
    organisation_requires: bool = False
    codes_left: int = 0
    # Only while enrolling: the secret must be shown to be typed or scanned.
    secret_text: str = ""
    qr_svg: str = ""
    # Only right after they were made: shown once, gone on the next load.
    new_codes: list[str] = []
    confirm_error: str = ""
    regenerate_error: str = ""
    disable_error: str = ""
    notice: str = ""

    def _actor(self) -> Actor | None:
        # Only administrators enrol (services.two_factor refuses anyone else as well).
        return self._authorized(ADMIN)

    def _refresh(self, actor: Actor) -> None:
        with session_scope() as session:
            status = get_two_factor_status(session, actor=actor)
        self.available = status.available
        self.enrolled = status.enrolled
        self.organisation_requires = status.organisation_requires
        self.codes_left = status.recovery_codes_left

    def _clear_forms(self) -> None:
        self.secret_text = self.qr_svg = ""
        self.new_codes = []
        self.confirm_error = self.regenerate_error = self.disable_error = self.notice = ""

    @rx.event
    def load(self):
        self._clear_forms()
        actor = self._authorized(SIGNED_IN)  # Mitt konto's on_load: everyone signed in
        if actor is None:
            self.available = self.enrolled = False
            return
        self._refresh(actor)

    @rx.event
    def start(self):
        actor = self._actor()
        if actor is None:
            return self._to_login()
        self._clear_forms()
        try:
            with session_scope() as session:
                enrolment = start_enrolment(session, actor=actor)
        except ServiceError as refusal:
            self.notice = self._text(refusal.key)
            return None
        self.secret_text, self.qr_svg = enrolment.secret_text, enrolment.qr_svg
        return None

    @rx.event
    def cancel(self):
        self.secret_text = self.qr_svg = self.confirm_error = ""

    @rx.event
    def confirm(self, form: dict):
        actor = self._actor()
        if actor is None:
            return self._to_login()
        code = _field(form, "code", 40)
        if not code.strip():
            self.confirm_error = self._text("two_factor.code_required")
            return None
        try:
            with session_scope() as session:
                codes = confirm_enrolment(session, actor=actor, code=code)
        except ServiceError as refusal:
            self.confirm_error = self._text(refusal.key)
            return None
        self._clear_forms()
        self.new_codes = codes
        self.notice = self._text("two_factor.enabled")
        self._refresh(actor)
        return None

    @rx.event
    def regenerate(self, form: dict):
        actor = self._actor()
        if actor is None:
            return self._to_login()
        code = _field(form, "code", 40)
        if not code.strip():
            self.regenerate_error = self._text("two_factor.code_required")
            return None
        try:
            with session_scope() as session:
                codes = regenerate_recovery_codes(session, actor=actor, code=code)
        except ServiceError as refusal:
            self.regenerate_error = self._text(refusal.key)
            return None
        self._clear_forms()
        self.new_codes = codes
        self.notice = self._text("two_factor.codes_renewed")
        self._refresh(actor)
        return None

    @rx.event
    def disable(self, form: dict):
        actor = self._actor()
        if actor is None:
            return self._to_login()
        try:
            with session_scope() as session:
                disable_two_factor(
                    session,
                    actor=actor,
                    password=_field(form, "password"),
                    code=_field(form, "code", 40),
                )
        except ValidationFailed as failure:
            self.disable_error = self._text(next(iter(failure.errors.values())))
            return None
        except ServiceError as refusal:
            self.disable_error = self._text(refusal.key)
            return None
        self._clear_forms()
        self.notice = self._text("two_factor.disabled")
        self._refresh(actor)
        return None

    @rx.event
    def hide_codes(self):
        self.new_codes = []

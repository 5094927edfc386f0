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
from admin_portal.state.auth.organisation_security import OrganisationSecurityState
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
    async def load(self):
        """Mitt konto's on_load for its sections (everyone signed in): two-factor here and the
        organisation's requirement beside it, with the session resolved once for both."""
        self._clear_forms()
        actor = self._authorized(SIGNED_IN)
        security = await self.get_state(OrganisationSecurityState)
        security._fill(actor)
        if actor is None:
            self.available = self.enrolled = False
            return
        self._refresh(actor)

    @rx.event
    def start(self):
        # Only administrators enrol (services.two_factor refuses anyone else as well).
        with self._service(ADMIN, error="notice") as call:
            actor = call.actor  # a refused call stops here
            self._clear_forms()
            enrolment = start_enrolment(call.session, actor=actor)
        if call.refused:
            return self._to_login()
        if call.ok:
            self.secret_text, self.qr_svg = enrolment.secret_text, enrolment.qr_svg
        return None

    @rx.event
    def cancel(self):
        self.secret_text = self.qr_svg = self.confirm_error = ""

    @rx.event
    def confirm(self, form: dict):
        return self._with_code(form, confirm_enrolment, "confirm_error", "two_factor.enabled")

    @rx.event
    def regenerate(self, form: dict):
        return self._with_code(
            form, regenerate_recovery_codes, "regenerate_error", "two_factor.codes_renewed"
        )

    def _with_code(self, form: object, action, error: str, done_key: str):  # type: ignore[no-untyped-def]
        """Bekräfta and Skapa nya koder: a code is needed, and new recovery codes come back."""
        with self._service(ADMIN, error=error) as call:
            actor = call.actor  # a refused call stops here
            code = _field(form, "code", 40)
            if not code.strip():
                setattr(self, error, self._text("two_factor.code_required"))
                return None
            codes = action(call.session, actor=actor, code=code)
        if call.refused:
            return self._to_login()
        if call.ok:
            self._clear_forms()
            self.new_codes = codes
            self.notice = self._text(done_key)
            self._refresh(actor)
        return None

    @rx.event
    def disable(self, form: dict):
        with self._service(ADMIN, error="disable_error") as call:
            disable_two_factor(
                call.session,
                actor=call.actor,
                password=_field(form, "password"),
                code=_field(form, "code", 40),
            )
        if call.refused:
            return self._to_login()
        if call.ok:
            self._clear_forms()
            self.notice = self._text("two_factor.disabled")
            self._refresh(call.actor)
        return None

    @rx.event
    def hide_codes(self):
        self.new_codes = []

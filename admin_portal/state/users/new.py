"""Lägg till användare (F0.1–F0.9)."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.services.errors import PermissionDenied, ValidationFailed
from admin_portal.services.users.manage import create_user
from admin_portal.services.users.profile import placement_options
from admin_portal.state.session import ADMIN, SessionState
from admin_portal.state.users.email_check import EmailCheckMixin
from admin_portal.state.users.form import UserFormMixin


class UserNewState(EmailCheckMixin, UserFormMixin, SessionState):
    companies: list[dict[str, str]] = []
    units: list[dict[str, str]] = []
    show_optional: bool = False
    invite: bool = False
    # Företag: preselected when the scope holds exactly one; a unit admin (no company of
    # their own) picks a unit and the company follows from it (manage._placement).
    preselected_company_id: str = ""
    preselected_company: str = ""
    unit_choice_only: bool = False

    @rx.event
    def load(self):
        with self._service(ADMIN, catch=()) as call:
            placement = placement_options(call.session, actor=call.actor)
        if call.refused:
            return
        self._reset_form_feedback()
        self.username_message, self.username_ok, self.bank_user_id = "", False, 0
        self.chosen_brukare, self.brukare_options, self.brukare_query = [], [], ""
        self.user_type, self.show_optional, self.invite = "employee", False, False
        self.companies = [{"id": str(c.id), "label": c.label} for c in placement.companies]
        self.units = [{"id": str(u.id), "label": u.label} for u in placement.units]
        only = placement.companies[0] if len(placement.companies) == 1 else None
        self.preselected_company_id = str(only.id) if only else ""
        self.preselected_company = only.label if only else ""
        self.unit_choice_only = not placement.companies
        self._follow_placement(self.preselected_company_id, "")

    @rx.event
    def toggle_optional(self):
        self.show_optional = not self.show_optional

    @rx.event
    def set_invite(self, invite: bool):
        # Runs just before the form's submit event: which of the two buttons was pressed.
        self.invite = bool(invite) if isinstance(invite, bool) else False

    @rx.event
    def submit(self, form: dict):
        with self._service(ADMIN, catch=(ValidationFailed, PermissionDenied)) as call:
            actor = call.actor  # a refused call stops here
            self._reset_form_feedback()
            data = self._user_input(form)
            user_id = create_user(call.session, actor=actor, data=data, send_invitation=self.invite)
        if call.refused:
            return rx.redirect(routes.LOGIN)
        if isinstance(call.error, ValidationFailed):
            self._show_failure(call.error)
            if any(
                call.error.errors.get(f)
                for f in ("email", "mobile", "national_id", "notes", "language")
            ):
                self.show_optional = True  # never hide the field that needs fixing
            return None
        if call.error:
            self.form_error = self._text("error.permission_denied")
            return None
        name = f"{data.first_name.strip()} {data.last_name.strip()}"
        message = self._text("users.created_invited" if self.invite else "users.created", name=name)
        return [rx.redirect(routes.user_profile(user_id)), rx.toast.success(message)]

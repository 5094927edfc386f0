"""F0.8 while typing: the "same e-mail in the same company" clash, shown at the E-post field.

Shared by Lägg till användare and the profile, like the username check (form.py). The
chosen company and unit are followed here so that a new choice re-checks the typed address.
"""

from __future__ import annotations

import reflex as rx

from admin_portal.services.users.email_check import EmailVerdict, check_email_in_company
from admin_portal.state.session import ADMIN
from admin_portal.validation.ids import parse_id

_MAX_TYPED = 320  # longer than any valid address: nothing longer is kept or looked up


class EmailCheckMixin(rx.State, mixin=True):
    email_typed: str = ""
    chosen_company_id: str = ""
    chosen_unit_id: str = ""

    def _email_check_exclude(self) -> int | None:
        return self._exclude_user_id()  # type: ignore[attr-defined]

    def _follow_placement(self, company_id: str, unit_id: str, email: str = "") -> None:
        """What the form shows after a load: the clash check starts from there."""
        self.chosen_company_id, self.chosen_unit_id, self.email_typed = company_id, unit_id, email

    @rx.event
    def check_email(self, value: str):
        with self._service(ADMIN, catch=()) as call:  # type: ignore[attr-defined]
            actor = call.actor  # a refused call stops here
            typed = value[:_MAX_TYPED] if isinstance(value, str) else ""
            verdict = check_email_in_company(
                call.session,
                actor=actor,
                email=typed,
                company_id=parse_id(self.chosen_company_id),
                unit_id=parse_id(self.chosen_unit_id),
                exclude_user_id=self._email_check_exclude(),
            )
        if call.refused:
            return
        self.email_typed = typed
        errors: dict[str, str] = self.errors  # type: ignore[attr-defined]
        if verdict.verdict is EmailVerdict.TAKEN_IN_COMPANY:
            message = self._text(verdict.message_key)  # type: ignore[attr-defined]
        elif self._keeps_save_message(  # type: ignore[attr-defined]
            "email", typed, verdict.verdict is EmailVerdict.AVAILABLE
        ):
            return  # the save's message for this very text (e.g. its format) stays
        else:
            message = ""  # a clash that is gone, or a save's message for the old text
        self.errors = {**errors, "email": message}

    def _placement_chosen(self):  # type: ignore[no-untyped-def]
        if self.email_typed.strip():
            return type(self).check_email(self.email_typed)  # type: ignore[attr-defined]
        return None

    @rx.event
    def choose_company(self, value: str):
        self.chosen_company_id = value[:10] if isinstance(value, str) else ""
        return self._placement_chosen()

    @rx.event
    def choose_unit(self, value: str):
        self.chosen_unit_id = value[:10] if isinstance(value, str) else ""
        return self._placement_chosen()

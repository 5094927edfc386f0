"""What the add form and the profile form share: field errors, the username check, the brukare picker."""

from __future__ import annotations

import reflex as rx

from admin_portal.config import get_settings
from admin_portal.services.errors import ValidationFailed
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.profile import find_brukare
from admin_portal.services.users.username_check import UsernameVerdict, check_username
from admin_portal.state.session import ADMIN
from admin_portal.validation.ids import parse_id

FIELDS = (
    "first_name",
    "last_name",
    "username",
    "user_type",
    "company_id",
    "unit_id",
    "email",
    "mobile",
    "national_id",
    "language",
    "notes",
    "brukare_ids",
)


def _no_errors() -> dict[str, str]:
    return dict.fromkeys(FIELDS, "")


def form_text(form: object, name: str) -> str:
    value = form.get(name, "") if isinstance(form, dict) else ""
    return value if isinstance(value, str) else ""


class UserFormMixin(rx.State, mixin=True):
    """Per-field messages, live username verdict and the searchable brukare picker (F0.2)."""

    errors: dict[str, str] = _no_errors()
    form_error: str = ""
    user_type: str = "employee"
    username_message: str = ""
    username_ok: bool = False
    bank_user_id: int = 0  # set for head admins when the username belongs to a banked user
    brukare_query: str = ""
    brukare_options: list[dict[str, str]] = []
    chosen_brukare: list[dict[str, str]] = []
    support_email: str = ""
    # The username and e-mail the last save judged. A live check of the same text can
    # answer after the save (its debounce fires once the button is already pressed): it
    # must not wipe the save's message at that field (backend only, never sent).
    _judged_username: str = ""
    _judged_email: str = ""

    def _reset_form_feedback(self) -> None:
        self.errors = _no_errors()
        self.form_error = ""
        self.support_email = get_settings().support_email

    def _show_failure(self, failure: ValidationFailed) -> None:
        errors = _no_errors()
        for field, key in failure.errors.items():
            errors[field if field in errors else "first_name"] = self._text(key)
        self.errors = errors
        self.form_error = self._text("users.fix_fields")

    def _keeps_save_message(self, field: str, checked: str, agrees: bool) -> bool:
        """Whether a live check's answer leaves the save's message at `field` standing: the
        check judged the very text the save refused, and does not find it fine."""
        judged = self._judged_username if field == "username" else self._judged_email
        return bool(self.errors.get(field)) and checked == judged and not agrees

    def _user_input(self, form: object) -> UserInput:
        self._judged_username = form_text(form, "username")
        self._judged_email = form_text(form, "email")
        return UserInput(
            first_name=form_text(form, "first_name"),
            last_name=form_text(form, "last_name"),
            username=form_text(form, "username"),
            user_type=form_text(form, "user_type"),
            company_id=parse_id(form_text(form, "company_id")),
            unit_id=parse_id(form_text(form, "unit_id")),
            email=form_text(form, "email"),
            mobile=form_text(form, "mobile"),
            national_id=form_text(form, "national_id"),
            language=form_text(form, "language") or "sv",
            notes=form_text(form, "notes"),
            brukare_ids=tuple(
                int(b["id"]) for b in self.chosen_brukare if str(b.get("id", "")).isdigit()
            ),
            keep_national_id_when_blank=self._keeps_blank_national_id(),
        )

    def _exclude_user_id(self) -> int | None:
        return None

    def _keeps_blank_national_id(self) -> bool:
        return False

    @rx.event
    def check_username(self, value: str):
        with self._service(ADMIN, catch=()) as call:  # type: ignore[attr-defined]
            if not isinstance(value, str) or not value.strip():
                self.username_message, self.username_ok, self.bank_user_id = "", False, 0
                return
            verdict = check_username(
                call.session,
                actor=call.actor,
                username=value,
                exclude_user_id=self._exclude_user_id(),
            )
        if call.refused:
            self.username_message, self.username_ok, self.bank_user_id = "", False, 0
            return
        self.username_ok = verdict.verdict is UsernameVerdict.AVAILABLE
        self.username_message = self._text(verdict.message_key)
        self.bank_user_id = verdict.bank_user_id or 0
        if not self._keeps_save_message("username", value, self.username_ok):
            self.errors = {**self.errors, "username": ""}

    @rx.event
    def set_user_type(self, value: str):
        self.user_type = value if isinstance(value, str) else ""
        if self.user_type == "assistant":
            return type(self).search_brukare(self.brukare_query)
        return None

    @rx.event
    def search_brukare(self, text: str):
        with self._service(ADMIN, catch=()) as call:  # type: ignore[attr-defined]
            actor = call.actor  # a refused call stops here
            self.brukare_query = text if isinstance(text, str) else ""
            options = find_brukare(call.session, actor=actor, text=self.brukare_query)
        if call.refused:
            return
        chosen = {b["id"] for b in self.chosen_brukare}
        self.brukare_options = [
            {"id": str(o.id), "label": o.label} for o in options if str(o.id) not in chosen
        ]

    @rx.event
    def choose_brukare(self, brukare_id: str):
        # Only ids and labels the picker offered are kept; the service re-checks scope anyway.
        offered = {b["id"]: b["label"] for b in self.brukare_options}
        if brukare_id in offered and brukare_id not in {b["id"] for b in self.chosen_brukare}:
            self.chosen_brukare = [
                *self.chosen_brukare,
                {"id": brukare_id, "label": offered[brukare_id]},
            ]
            self.brukare_options = [b for b in self.brukare_options if b["id"] != brukare_id]
            self.errors = {**self.errors, "brukare_ids": ""}

    @rx.event
    def unchoose_brukare(self, brukare_id: str):
        self.chosen_brukare = [b for b in self.chosen_brukare if b["id"] != brukare_id]

"""The user's profile page: edit, invite, reveal the personnummer, remove to the user bank."""

from __future__ import annotations

import dataclasses

import reflex as rx

from admin_portal import routes
from admin_portal.auth.permissions import Actor
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from admin_portal.services.users.manage import (
    reveal_national_id,
    send_invitation,
)
from admin_portal.services.users.profile import get_user_profile, placement_options
from admin_portal.services.users.removal import (
    remove_user,
)
from admin_portal.services.verification.email import send_verification
from admin_portal.state.revealed_national_id import REVEALED_NATIONAL_ID, hide_national_id
from admin_portal.state.session import ADMIN, SessionState
from admin_portal.state.users.change_preview import ChangePreviewMixin
from admin_portal.state.users.email_check import EmailCheckMixin
from admin_portal.state.users.form import UserFormMixin


class UserProfileState(ChangePreviewMixin, EmailCheckMixin, UserFormMixin, SessionState):
    found: bool = True
    version: int = 0  # bumps after each load so the uncontrolled form remounts with fresh values
    profile: dict = {}
    companies: list[dict[str, str]] = []
    units: list[dict[str, str]] = []
    mail_history: list[dict[str, str]] = []
    notice: str = ""
    remove_open: bool = False
    verification_error: str = ""
    verification_version: int = 0  # remounts the verification form after a send
    invitation_error: str = ""

    def _user_id(self) -> int | None:
        return routes.user_id_from_path(self.router.url.path)

    def _target_id(self) -> int | None:
        return self._user_id()

    def _exclude_user_id(self) -> int | None:
        return self._user_id()

    def _keeps_blank_national_id(self) -> bool:
        return True

    def _reload(self, actor: Actor | None = None) -> None:
        """Read the profile again; `actor` is who this event already authorized, if any
        (the session is resolved once per event)."""
        with self._service(ADMIN, catch=(NotFound,), actor=actor) as call:
            user_id = self._user_id()
            if user_id is None:
                self.found = False
                return
            profile = get_user_profile(call.session, actor=call.actor, user_id=user_id)
            placement = placement_options(call.session, actor=call.actor)
        if not call.ok:
            self.found = False
            return
        self.found = True
        data = dataclasses.asdict(profile)
        # Kinds and states are words the page renders: a language switch changes them.
        self.mail_history = data.pop("mail_history")
        self.chosen_brukare = [{"id": str(b["id"]), "label": b["label"]} for b in data["brukare"]]
        self.profile = {
            **data,
            "company_id": str(profile.company_id),
            "unit_id": str(profile.unit_id or ""),
            "assistants": [{"id": str(a["id"]), "label": a["label"]} for a in data["assistants"]],
        }
        self.user_type = profile.user_type
        self.companies = [{"id": str(c.id), "label": c.label} for c in placement.companies]
        self.units = [{"id": str(u.id), "label": u.label} for u in placement.units]
        self._follow_placement(
            self.profile["company_id"], self.profile["unit_id"], profile.email or ""
        )
        self.version += 1

    @rx.event
    def load(self):
        self._reset_form_feedback()
        self.notice = self.username_message = ""
        self.verification_error = self.invitation_error = ""
        self.remove_open = self.change_confirmed = False
        self._close_impact()
        self.brukare_options, self.brukare_query = [], ""
        self._reload()
        return hide_national_id()

    @rx.event
    def save(self, form: dict):
        saved = False
        with self._service(ADMIN, catch=(ValidationFailed, NotFound, ServiceError)) as call:
            actor, user_id = call.actor, self._user_id()
            if user_id is None:
                return
            self._reset_form_feedback()
            self.notice = ""
            # A type or placement change shows its impact first (change_preview.py).
            data = self._user_input(form)
            saved = self._save_or_preview(call.session, actor, user_id, data)
        if isinstance(call.error, ValidationFailed):
            self._show_failure(call.error)
        elif isinstance(call.error, NotFound):
            self.found = False
        elif call.error:  # an admin out of reach (no Spara was offered), or the impact changed
            self.form_error = self._text(call.error.key)
        if not call.ok or not saved:
            return
        self.username_message = ""
        self._reload(call.actor)
        self.notice = self._text("profile.saved")
        return hide_national_id()  # masked again after saving

    @rx.event
    def invite(self):
        with self._service(ADMIN) as call:
            actor, user_id = call.actor, self._user_id()
            if user_id is None:
                return
            self._reset_form_feedback()
            self.invitation_error = ""
            send_invitation(call.session, actor=actor, user_id=user_id)
        if call.refused:
            return
        if isinstance(call.error, ValidationFailed):
            self._show_failure(call.error)
            return
        if isinstance(call.error, NotFound):
            self.found = False
            return
        if call.error:  # has a password already, or an admin out of reach
            self.invitation_error = self._text(call.error.key)
        self._reload(call.actor)
        if call.ok:
            self.notice = self._text("profile.invitation_sent", email=self.profile.get("email", ""))

    @rx.event
    def send_verification(self, form: dict):
        """F1.1 "Skicka verifieringsmeddelande", with the address typed next to the button."""
        email = form.get("verification_email", "") if isinstance(form, dict) else ""
        with self._service(ADMIN, error="verification_error") as call:
            actor, user_id = call.actor, self._user_id()
            if user_id is None:
                return
            self.verification_error = self.notice = ""
            user = send_verification(call.session, actor=actor, user_id=user_id, email=email)
            sent_to = user.email or ""
        if isinstance(call.error, NotFound):
            self.verification_error, self.found = "", False
        # A refusal leaves the typed address in the field (the form is not remounted).
        if not call.ok:
            return
        self._reload(call.actor)
        self.verification_version += 1
        self.notice = self._text("verification.sent", email=sent_to)

    @rx.event
    def reveal(self):
        """Visa: the number goes to this tab in the answering frame and nowhere else.

        It is never assigned to a state var, so no delta, hydrate or pickled state in the
        state store (disk or Redis) ever holds it; the page keeps it in React state only.
        """
        with self._service(ADMIN, catch=(PermissionDenied, NotFound)) as call:
            actor, user_id = call.actor, self._user_id()
            if user_id is None:
                return None
            number = reveal_national_id(call.session, actor=actor, user_id=user_id)
        if call.error:
            self.notice = self._text("profile.reveal_denied")
        if not call.ok:
            return None
        return REVEALED_NATIONAL_ID.push(_formatted(number))

    @rx.event
    def set_remove_open(self, is_open: bool):
        self.remove_open = bool(is_open) if isinstance(is_open, bool) else False

    @rx.event
    def remove(self, form: dict):
        reason = form.get("reason", "") if isinstance(form, dict) else ""
        with self._service(ADMIN, catch=(ValidationFailed, NotFound, PermissionDenied)) as call:
            actor, user_id = call.actor, self._user_id()
            if user_id is None:
                return None
            remove_user(
                call.session,
                actor=actor,
                user_id=user_id,
                reason=reason if isinstance(reason, str) else "",
            )
        if isinstance(call.error, NotFound):
            self.found = False
        elif call.error:
            self.remove_open = False
            self.form_error = call.message()
        if not call.ok:
            return None
        name = f"{self.profile.get('first_name', '')} {self.profile.get('last_name', '')}"
        self.remove_open = False
        return [
            rx.redirect(routes.USERS),
            rx.toast.success(self._text("profile.removed", name=name)),
        ]


def _formatted(twelve_digits: str) -> str:
    return f"{twelve_digits[:8]}-{twelve_digits[8:]}" if len(twelve_digits) == 12 else twelve_digits

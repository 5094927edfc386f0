"""Lägg till en användare (/boenden/anvandare/lagg-till): Nuvarande användare (F2.6) or Ny
användare (F2.7), then the rights per property.

The matched username and e-mail stay in backend-only vars and are matched again on save:
the client never names the person by id."""

from __future__ import annotations

from urllib.parse import parse_qs

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.errors import ValidationFailed
from admin_portal.services.properties import (
    account_overview,
    grant_existing_user,
    invite_property_user,
    match_existing_user,
)
from admin_portal.state.properties.common import form_text, property_rows, rights_from_form
from admin_portal.state.session import SIGNED_IN, SessionState


class PropertyAddUserState(SessionState):
    kind: str = ""  # "", existing, new
    step: str = "who"  # who | rights | done
    grid: list[dict] = []
    matched_name: str = ""
    matched_username: str = ""
    new_name: str = ""
    new_email: str = ""
    first_name_error: str = ""
    last_name_error: str = ""
    email_error: str = ""
    page_error: str = ""
    done_message: str = ""
    _username: str = ""
    _email: str = ""
    _first_name: str = ""
    _last_name: str = ""
    _property_ids: list[int] = []

    def _clear(self) -> None:
        self.first_name_error = self.last_name_error = self.email_error = ""
        self.page_error = ""

    def _fill_grid(self, actor: Actor) -> None:
        with session_scope() as session:
            overview = account_overview(session, actor=actor)
        administered = [
            (pid, name)
            for pid, name in overview.administered
            if "user_admin" in overview.rights.get(pid, [])
        ]
        self._property_ids = [pid for pid, _ in administered]
        self.grid = property_rows(administered, overview.rights)

    @rx.event
    def load(self):
        who, actor = self._authorize(SIGNED_IN)
        self._clear()
        self.step, self.done_message = "who", ""
        self.matched_name = self.matched_username = self.new_name = self.new_email = ""
        self._username = self._email = self._first_name = self._last_name = ""
        if actor is None:
            self.grid = []
            return self._to_login()
        if who is not None:
            self._show(who)
        wanted = parse_qs(self.router.url.query or "").get("typ", [""])[0]
        self.kind = {"ny": "new", "nuvarande": "existing"}.get(wanted, "")
        self._fill_grid(actor)
        if not self.grid:
            self.page_error = self._text("properties.users.none")
        return None

    @rx.event
    def choose_kind(self, kind: str):
        """UI-only: which form shows; nothing is read or written."""
        self.kind = kind if kind in ("existing", "new") else ""
        self.step = "who"
        self._clear()

    @rx.event
    def see_rights(self, form: dict):
        """Nuvarande användare → Se åtkomsträttigheter: match, rate-limited, generic answer."""
        self._clear()
        username, email = form_text(form, "username"), form_text(form, "email")
        with self._service(SIGNED_IN, error="page_error") as call:
            found = match_existing_user(
                call.session,
                actor=call.actor,
                username=username,
                email=email,
                client_address=self.router.session.client_ip,
            )
        if call.refused:
            return self._to_login()
        if call.error:
            return None
        self._username, self._email = username, email
        self.matched_name, self.matched_username = found.name, found.username
        self._fill_grid(call.actor)
        self.step = "rights"
        return None

    @rx.event
    def save_existing(self, form: dict):
        self._clear()
        with self._service(SIGNED_IN, error="page_error") as call:
            actor = call.actor  # a refused call stops here
            if not self._username:
                self.step = "who"
                return None
            count = grant_existing_user(
                call.session,
                actor=actor,
                username=self._username,
                email=self._email,
                rights=rights_from_form(form, self._property_ids),
                client_address=self.router.session.client_ip,
            )
        if call.refused:
            return self._to_login()
        if call.error:
            return None
        self.step = "done"
        self.done_message = self._text("properties.add.granted", count=count)
        return rx.toast.success(self.done_message)

    @rx.event
    def next_step(self, form: dict):
        """Ny användare → Nästa steg: keeps the typed person; sending validates everything."""
        self._clear()
        self._first_name = form_text(form, "first_name")[:100]
        self._last_name = form_text(form, "last_name")[:100]
        self._email = form_text(form, "email")[:254]
        errors = {}
        for field in ("first_name", "last_name", "email"):
            if not form_text(form, field).strip():
                errors[field] = self._text("properties.add.required")
        if errors:
            for field, text in errors.items():
                setattr(self, f"{field}_error", text)
            return
        self.new_name = f"{self._first_name} {self._last_name}".strip()
        self.new_email = self._email
        self.step = "rights"

    @rx.event
    def send_invitation(self, form: dict):
        self._clear()
        with self._service(SIGNED_IN) as call:
            invite_property_user(
                call.session,
                actor=call.actor,
                first_name=self._first_name,
                last_name=self._last_name,
                email=self._email,
                rights=rights_from_form(form, self._property_ids),
                lang=self.lang,
            )
        if call.refused:
            return self._to_login()
        if isinstance(call.error, ValidationFailed):
            self.step = "who"
            for field in ("first_name", "last_name", "email"):
                key = call.error.errors.get(field)
                setattr(self, f"{field}_error", self._text(key) if key else "")
            return None
        if call.error:
            self.page_error = self._text(call.error.key)
            return None
        self.step = "done"
        self.done_message = self._text("properties.add.invited", email=self._email)
        return rx.toast.success(self.done_message)

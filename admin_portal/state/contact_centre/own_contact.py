"""Mitt konto, F3.4: a person without e-mail and mobile adds their own, proven by a code."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.services.contact_centre.own_contact import (
    confirm_own_contact,
    own_contact,
    start_own_contact,
)
from admin_portal.state.session import SIGNED_IN, SessionState


def _text_of(form: object, name: str) -> str:
    value = form.get(name, "") if isinstance(form, dict) else ""
    return value[:254] if isinstance(value, str) else ""


class OwnContactState(SessionState):
    needs_contact: bool = False
    pending_kind: str = ""
    pending_value: str = ""
    notice: str = ""
    error: str = ""

    def _fill(self, session: Session, actor: Actor) -> None:
        found = own_contact(session, actor=actor)
        self.needs_contact = found.needs_contact
        self.pending_kind, self.pending_value = found.pending_kind, found.pending_value

    @rx.event
    def load(self):
        """on_load of Mitt konto: is the section offered, and does a code await?"""
        self.notice = self.error = ""
        self.needs_contact = False
        with self._service(SIGNED_IN) as call:
            self._fill(call.session, call.actor)

    @rx.event
    def send_code(self, form: dict[str, Any]):
        """Skicka kod: the service validates the kind and the address or number."""
        with self._service(SIGNED_IN, error="error") as call:
            start_own_contact(
                call.session,
                actor=call.actor,
                kind=_text_of(form, "kind"),
                value=_text_of(form, "value"),
            )
            self._fill(call.session, call.actor)
        if call.ok:
            self.error = ""
            self.notice = self._text("own_contact.sent", value=self.pending_value)

    @rx.event
    def confirm(self, form: dict[str, Any]):
        """Bekräfta: the right code makes the address or number the person's."""
        with self._service(SIGNED_IN, error="error") as call:
            confirm_own_contact(call.session, actor=call.actor, code=_text_of(form, "code"))
            self._fill(call.session, call.actor)
        if call.ok:
            self.error, self.notice = "", self._text("own_contact.confirmed")

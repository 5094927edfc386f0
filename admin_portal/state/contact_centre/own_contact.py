"""Mitt konto, F3.4: a person without e-mail and mobile adds their own, proven by a code."""

from __future__ import annotations

from typing import Any

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.contact_centre.own_contact import (
    confirm_own_contact,
    own_contact,
    start_own_contact,
)
from admin_portal.services.errors import ServiceError, ValidationFailed
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

    def _me(self) -> Actor | None:
        return self._authorized(SIGNED_IN)

    def _reload(self, actor: Actor) -> None:
        try:
            with session_scope() as session:
                found = own_contact(session, actor=actor)
        except ServiceError:
            self.needs_contact = False
            return
        self.needs_contact = found.needs_contact
        self.pending_kind, self.pending_value = found.pending_kind, found.pending_value

    @rx.event
    def load(self):
        """on_load of Mitt konto: is the section offered, and does a code await?"""
        self.notice = self.error = ""
        actor = self._me()
        if actor is None:
            self.needs_contact = False
            return
        self._reload(actor)

    @rx.event
    def send_code(self, form: dict[str, Any]):
        """Skicka kod: the service validates the kind and the address or number."""
        actor = self._me()
        if actor is None:
            return
        try:
            with session_scope() as session:
                start_own_contact(
                    session,
                    actor=actor,
                    kind=_text_of(form, "kind"),
                    value=_text_of(form, "value"),
                )
        except ValidationFailed as refusal:
            self.error = self._text(next(iter(refusal.errors.values())))
            return
        except ServiceError as refusal:
            self.error = self._text(refusal.key)
            return
        self.error = ""
        self._reload(actor)
        self.notice = self._text("own_contact.sent", value=self.pending_value)

    @rx.event
    def confirm(self, form: dict[str, Any]):
        """Bekräfta: the right code makes the address or number the person's."""
        actor = self._me()
        if actor is None:
            return
        try:
            with session_scope() as session:
                confirm_own_contact(session, actor=actor, code=_text_of(form, "code"))
        except ServiceError as refusal:
            self.error = self._text(refusal.key)
            return
        self.error, self.notice = "", self._text("own_contact.confirmed")
        self._reload(actor)

"""Lägg till nytt boende (/boenden/nytt): only primary accounts register (F2.2–F2.4)."""

from __future__ import annotations

import reflex as rx

from admin_portal.db import session_scope
from admin_portal.services.errors import ValidationFailed
from admin_portal.services.properties import OtherAgreement, account_overview, register_property
from admin_portal.state.properties.common import form_text
from admin_portal.state.session import SIGNED_IN, SessionState

_FIELDS = ("name", "address", "property_type")


class PropertyNewState(SessionState):
    is_primary: bool = False
    agreement_number: str = ""
    name_error: str = ""
    address_error: str = ""
    property_type_error: str = ""
    page_error: str = ""
    # F2.4: set when the property belongs to another agreement; the page shows the way.
    other_agreement: bool = False
    saved_message: str = ""

    def _clear(self) -> None:
        self.name_error = self.address_error = self.property_type_error = ""
        self.page_error, self.other_agreement, self.saved_message = "", False, ""

    @rx.event
    def load(self):
        who, actor = self._authorize(SIGNED_IN)
        self._clear()
        if actor is None:
            self.is_primary = False
            return self._to_login()
        if who is not None:
            self._show(who)
        with session_scope() as session:
            overview = account_overview(session, actor=actor, limit=1)
        self.is_primary, self.agreement_number = overview.is_primary, overview.agreement_number
        if not self.is_primary:
            self.page_error = self._text("properties.error.not_primary")
        return None

    @rx.event
    def submit(self, form: dict):
        self._clear()
        name = form_text(form, "name")
        with self._service(SIGNED_IN) as call:
            register_property(
                call.session,
                actor=call.actor,
                name=name,
                address=form_text(form, "address"),
                property_type=form_text(form, "property_type"),
                agreement_number=form_text(form, "agreement_number"),
            )
        if call.refused:
            return self._to_login()
        if isinstance(call.error, ValidationFailed):
            for field in _FIELDS:
                key = call.error.errors.get(field)
                setattr(self, f"{field}_error", self._text(key) if key else "")
            return None
        if call.error:
            self.other_agreement = isinstance(call.error, OtherAgreement)
            self.page_error = self._text(call.error.key)
            return None
        self.saved_message = self._text(
            "properties.new.saved", name=" ".join(name.split()), number=self.agreement_number
        )
        return rx.toast.success(self.saved_message)

"""Tjänstekatalog (/kundtjanst/tjanstekatalog): support staff manage each organisation's
services (issue 14). To everyone else the page says "not found", as Kundtjänst's inbox.

Every handler re-derives the actor from the cookie and asks the service; organisation and
service ids arrive from the browser and are looked up there.
"""

from __future__ import annotations

import reflex as rx

from admin_portal.db import session_scope
from admin_portal.services.catalogue.manage import (
    SERVICE_FIELDS,
    list_catalogue,
    list_organisations,
    save_service,
    set_service_active,
)
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.state.session import SUPPORT, SessionState

_EMPTY_FORM = {
    "id": "",
    "name_sv": "",
    "name_en": "",
    "credits": "1",
    "required_fields": "",
    "notifies_support": "",
    "needs_therapist": "",
}


class CatalogueState(SessionState):
    allowed: bool = False
    organisations: list[dict[str, str]] = []
    organisation_id: str = ""
    entries: list[dict] = []
    # The create/edit dialog: its defaults, and a version that remounts it with them.
    form_open: bool = False
    form: dict[str, str] = dict(_EMPTY_FORM)
    form_version: int = 0
    errors: dict[str, str] = dict.fromkeys(SERVICE_FIELDS, "")
    form_error: str = ""

    def _deny(self) -> None:
        self.allowed, self.organisations, self.entries, self.form_open = False, [], [], False

    def _load(self, actor) -> None:  # type: ignore[no-untyped-def]
        with session_scope() as session:
            orgs = list_organisations(session, actor=actor)
            ids = [str(o.id) for o in orgs]
            if self.organisation_id not in ids:
                self.organisation_id = ids[0] if ids else ""
            entries = (
                list_catalogue(session, actor=actor, organisation_id=self.organisation_id)
                if self.organisation_id
                else []
            )
        self.allowed = True
        self.organisations = [{"id": str(o.id), "label": o.name} for o in orgs]
        self.entries = [
            {
                "id": str(e.id),
                "name_sv": e.name_sv,
                "name_en": e.name_en,
                "credits": str(e.credits),
                "notifies_support": e.notifies_support,
                "needs_therapist": e.needs_therapist,
                "active": e.active,
                "fields_text": e.fields_text,
                "fields_sv": ", ".join(f.label_sv for f in e.required_fields),
                "fields_en": ", ".join(f.label_en for f in e.required_fields),
                "orders": str(e.orders),
            }
            for e in entries
        ]

    @rx.event
    def on_open(self):
        who = self._signed_in()
        if who is None:
            self._authorized(SUPPORT)  # records the refusal
            self._deny()
            return self._to_login()
        self._show(who)
        actor = self._authorized(SUPPORT)
        if actor is None:
            self._deny()
            return None
        self.form_open = False
        try:
            self._load(actor)
        except ServiceError:
            self._deny()
        return None

    @rx.event
    def choose_organisation(self, organisation_id: str):
        actor = self._authorized(SUPPORT)
        if actor is None:
            self._deny()
            return None
        # Checked against the organisations that exist: anything else keeps the current one.
        wanted = organisation_id if isinstance(organisation_id, str) else ""
        with session_scope() as session:
            known = {str(o.id) for o in list_organisations(session, actor=actor)}
        if wanted in known:
            self.organisation_id = wanted
        self.form_open = False
        self._load(actor)
        return None

    def _open_form(self, values: dict[str, str]) -> None:
        self.form = values
        self.errors = dict.fromkeys(SERVICE_FIELDS, "")
        self.form_error = ""
        self.form_version += 1
        self.form_open = True

    @rx.event
    def new_service(self):
        """UI-only: an empty form; save() checks everything."""
        self._open_form(dict(_EMPTY_FORM))

    @rx.event
    def edit_service(self, service_id: str):
        actor = self._authorized(SUPPORT)
        if actor is None:
            self._deny()
            return None
        # Read again from the database: the list in the tab may be stale.
        try:
            self._load(actor)
        except ServiceError:
            return rx.toast.error(self._text("error.not_found"))
        entry = next((e for e in self.entries if e["id"] == service_id), None)
        if entry is None:
            return rx.toast.error(self._text("error.not_found"))
        self._open_form(
            {
                "id": entry["id"],
                "name_sv": entry["name_sv"],
                "name_en": entry["name_en"],
                "credits": entry["credits"],
                "required_fields": entry["fields_text"],
                "notifies_support": "on" if entry["notifies_support"] else "",
                "needs_therapist": "on" if entry["needs_therapist"] else "",
            }
        )
        return None

    @rx.event
    def set_form_open(self, value: bool):
        self.form_open = value is True

    @rx.event
    def save(self, form: dict):
        actor = self._authorized(SUPPORT)
        if actor is None:
            self._deny()
            return None
        data = form if isinstance(form, dict) else {}
        try:
            with session_scope() as session:
                save_service(
                    session,
                    actor=actor,
                    organisation_id=self.organisation_id,
                    service_id=self.form.get("id", ""),
                    form=data,
                )
        except ValidationFailed as failure:
            self.errors = {
                f: self._text(failure.errors[f]) if f in failure.errors else ""
                for f in SERVICE_FIELDS
            }
            self.form_error = self._text("catalogue.fix_fields")
            return None
        except ServiceError as problem:
            self.form_open = False
            self._load(actor)
            return rx.toast.error(self._text(problem.key))
        created = not self.form.get("id")
        self.form_open = False
        self._load(actor)
        name = data.get("name_sv", "") if isinstance(data.get("name_sv"), str) else ""
        key = "catalogue.created" if created else "catalogue.saved"
        return rx.toast.success(self._text(key, name=name.strip()))

    @rx.event
    def set_active(self, service_id: str, active: bool):
        actor = self._authorized(SUPPORT)
        if actor is None:
            self._deny()
            return None
        try:
            with session_scope() as session:
                now_active = set_service_active(
                    session, actor=actor, service_id=service_id, active=active
                )
        except ServiceError as problem:
            return rx.toast.error(self._text(problem.key))
        self._load(actor)
        return rx.toast.success(
            self._text("catalogue.activated" if now_active else "catalogue.deactivated")
        )

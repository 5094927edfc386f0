"""Tjänstekatalog (/kundtjanst/tjanstekatalog): support staff manage each organisation's
services (issue 14). To everyone else the page says "not found", as Kundtjänst's inbox.

Every handler re-derives the actor from the cookie and asks the service; organisation and
service ids arrive from the browser and are looked up there.
"""

from __future__ import annotations

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.services.catalogue.manage import (
    SERVICE_FIELDS,
    list_catalogue,
    list_organisations,
    save_service,
    set_service_active,
)
from admin_portal.services.errors import ValidationFailed
from admin_portal.state.session import SUPPORT, SessionState
from admin_portal.validation.ids import parse_id

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

    def _reload(self, actor: Actor | None = None) -> bool:
        """Re-check who is asking (unless this event has just done so: `actor` is then who it
        found) and read the catalogue again; False (and nothing shown) if the caller is not
        support staff."""
        with self._service(SUPPORT, actor=actor) as call:
            orgs = list_organisations(call.session, actor=call.actor)
            ids = [str(o.id) for o in orgs]
            if self.organisation_id not in ids:
                self.organisation_id = ids[0] if ids else ""
            entries = (
                list_catalogue(call.session, actor=call.actor, organisation_id=self.organisation_id)
                if self.organisation_id
                else []
            )
        if not call.ok:
            self._deny()
            return False
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
        return True

    @rx.event
    def on_open(self):
        # The session is resolved once: who is signed in, and whether they are support staff.
        who, actor = self._authorize(SUPPORT)
        if who is None:
            self._deny()
            return self._to_login()
        self._show(who)
        self.form_open = False
        if actor is None:  # signed in, but not support staff (the refusal is recorded)
            self._deny()
            return None
        self._reload(actor)
        return None

    @rx.event
    def choose_organisation(self, organisation_id: str):
        # Kept only if it names an organisation that exists (_reload falls back otherwise).
        wanted = parse_id(organisation_id)
        self.form_open = False
        previous = self.organisation_id
        self.organisation_id = str(wanted) if wanted is not None else previous
        if not self._reload():
            self.organisation_id = ""
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
        # Read again from the database: the list in the tab may be stale.
        if not self._reload():
            return None
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
        data = form if isinstance(form, dict) else {}
        with self._service(SUPPORT) as call:
            save_service(
                call.session,
                actor=call.actor,
                organisation_id=self.organisation_id,
                service_id=self.form.get("id", ""),
                form=data,
            )
        if call.refused:
            self._deny()
            return None
        if isinstance(call.error, ValidationFailed):
            errors = call.error.errors
            self.errors = {f: self._text(errors[f]) if f in errors else "" for f in SERVICE_FIELDS}
            self.form_error = self._text("catalogue.fix_fields")
            return None
        self.form_open = False
        self._reload()
        if call.error:
            return rx.toast.error(call.message())
        name = data.get("name_sv", "") if isinstance(data.get("name_sv"), str) else ""
        key = "catalogue.saved" if self.form.get("id") else "catalogue.created"
        return rx.toast.success(self._text(key, name=name.strip()))

    @rx.event
    def set_active(self, service_id: str, active: bool):
        with self._service(SUPPORT) as call:
            now_active = set_service_active(
                call.session, actor=call.actor, service_id=service_id, active=active
            )
        if call.refused:
            self._deny()
            return None
        self._reload()
        if call.error:
            return rx.toast.error(call.message())
        return rx.toast.success(
            self._text("catalogue.activated" if now_active else "catalogue.deactivated")
        )

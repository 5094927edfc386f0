"""Bjud in användare (F4.3-F4.8): the invite form's state.

The text fields are uncontrolled (nothing typed is lost on an error); the choices that change
the form itself (role, services, admin units) live here, so the required fields and the
credits summary follow them. The handler calls one service; it trusts none of its inputs.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import reflex as rx

from admin_portal import routes
from admin_portal.services.errors import PermissionDenied, ValidationFailed
from admin_portal.services.invitations.catalogue import list_cost_centres, list_services
from admin_portal.services.invitations.input import InvitationInput, detail_field_name
from admin_portal.services.invitations.invite import can_give_admin_role, create_invitation
from admin_portal.services.invitations.unit_switcher import administered_units, choose_unit
from admin_portal.state.session import ADMIN, SessionState
from admin_portal.validation.ids import parse_id

FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "language",
    "role",
    "unit_id",
    "admin_unit_ids",
    "service_ids",
    "cost_centre_id",
)


def _no_errors() -> dict[str, str]:
    return dict.fromkeys(FIELDS, "")


def _text(form: dict, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _details(form: dict) -> dict[str, dict[str, str]]:
    """detail__<service id>__<key> fields, grouped by service id."""
    result: dict[str, dict[str, str]] = {}
    for name, value in form.items():
        parts = name.split("__", 2) if isinstance(name, str) else []
        if len(parts) == 3 and parts[0] == "detail" and isinstance(value, str):
            result.setdefault(parts[1], {})[parts[2]] = value
    return result


class InviteState(SessionState):
    units: list[dict[str, str]] = []
    unit_id: str = ""  # the unit Min organisation showed: the default "belongs to"
    can_give_admin: bool = False
    role: str = "standard"
    admin_units: list[str] = []
    services: list[dict[str, str]] = []  # id, label_sv, label_en, credits
    chosen: list[str] = []
    detail_fields: list[dict[str, str]] = []  # service_id, name, label_sv, label_en, error
    cost_centres: list[dict[str, str]] = []
    errors: dict[str, str] = _no_errors()
    form_error: str = ""
    version: int = 0  # remounts the uncontrolled form with the loaded defaults

    @rx.event
    def load(self):
        requested = (parse_qs(self.router.url.query or "").get("enhet") or [""])[0]
        with self._service(ADMIN, catch=()) as call:
            actor, session = call.actor, call.session
            units = administered_units(session, actor=actor)
            choice = choose_unit(session, actor=actor, requested=requested)
            services = list_services(session, actor=actor)
            centres = list_cost_centres(session, actor=actor)
        if call.refused:
            return
        self.units = [{"id": str(u.id), "label": u.label} for u in units]
        self.unit_id = str(choice.id) if choice else ""
        self.can_give_admin = can_give_admin_role(actor)
        self.role, self.admin_units, self.chosen = "standard", [], []
        self.services = [
            {
                "id": str(s.id),
                "label_sv": s.name_sv,
                "label_en": s.name_en,
                "credits": str(s.credits),
            }
            for s in services
        ]
        self.detail_fields = [
            {
                "service_id": str(s.id),
                "name": detail_field_name(s.id, f.key),
                # The service's name leads: two services may ask for fields of the same name.
                "label_sv": f"{s.name_sv}: {f.label_sv}",
                "label_en": f"{s.name_en}: {f.label_en}",
                "error": "",
            }
            for s in services
            for f in s.required_fields
        ]
        self.cost_centres = [{"id": str(c.id), "label": c.label} for c in centres]
        self.errors, self.form_error = _no_errors(), ""
        self.version += 1

    @rx.var
    def summary(self) -> list[dict[str, str]]:
        """Sammanställning krediter (F4.6): the chosen services in catalogue order."""
        return [s for s in self.services if s["id"] in self.chosen]

    @rx.var
    def total_credits(self) -> int:
        return sum(int(s["credits"]) for s in self.services if s["id"] in self.chosen)

    @rx.event
    def set_role(self, role: str):
        self.role = "admin" if role == "admin" and self.can_give_admin else "standard"
        self.errors = {**self.errors, "role": ""}

    @rx.event
    def toggle_service(self, service_id: str, checked: bool):
        known = {s["id"] for s in self.services}
        if service_id not in known:
            return
        rest = [c for c in self.chosen if c != service_id]
        self.chosen = [*rest, service_id] if checked is True else rest
        self.errors = {**self.errors, "service_ids": ""}

    @rx.event
    def toggle_admin_unit(self, unit_id: str, checked: bool):
        if unit_id not in {u["id"] for u in self.units}:
            return
        rest = [u for u in self.admin_units if u != unit_id]
        self.admin_units = [*rest, unit_id] if checked is True else rest

    @rx.event
    def submit(self, form: dict):
        form = form if isinstance(form, dict) else {}
        data = InvitationInput(
            first_name=_text(form, "first_name"),
            last_name=_text(form, "last_name"),
            email=_text(form, "email"),
            phone=_text(form, "phone"),
            language=_text(form, "language"),
            role=self.role,
            unit_id=_text(form, "unit_id"),
            admin_unit_ids=list(self.admin_units) if self.role == "admin" else [],
            service_ids=list(self.chosen),
            details=_details(form),
            cost_centre_id=_text(form, "cost_centre_id"),
        )
        with self._service(ADMIN, catch=(ValidationFailed, PermissionDenied)) as call:
            create_invitation(call.session, actor=call.actor, data=data)
        if call.refused:
            return rx.redirect(routes.LOGIN)
        if isinstance(call.error, ValidationFailed):
            self._show_failure(call.error.errors)
            return None
        if call.error:
            self.form_error = self._text("error.permission_denied")
            return None
        unit_id = _text(form, "unit_id")
        name = f"{_text(form, 'first_name').strip()} {_text(form, 'last_name').strip()}"
        message = self._text("invite.saved", name=name, email=_text(form, "email").strip())
        unit = parse_id(unit_id)
        target = routes.organisation_unit(unit) if unit is not None else routes.ORGANISATION
        return [rx.redirect(target), rx.toast.success(message)]

    def _show_failure(self, errors: dict[str, str]) -> None:
        shown = _no_errors()
        for field, key in errors.items():
            if field in shown:
                shown[field] = self._text(key)
        self.errors = shown
        self.detail_fields = [
            {**f, "error": self._text(errors[f["name"]]) if f["name"] in errors else ""}
            for f in self.detail_fields
        ]
        self.form_error = self._text("invite.fix_fields")

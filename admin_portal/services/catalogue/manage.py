"""Tjänstekatalog: support staff create, edit, deactivate and reactivate an organisation's
services (F4.5): name, credits, required fields, whether support is notified, whether the
employee chooses a therapist.

Platform staff (Kundtjänst) only: to anyone else the catalogue does not exist (NotFound,
as the support inbox). Admins read the active services through services.invitations.
catalogue and only order them. Every id and value arrives from a client: looked up and
validated here.

A required field keeps its key while its Swedish label stays the same, so orders already
carrying text under the key keep showing it under the edited label.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import Organisation, Service, ServiceOrder
from admin_portal.services.audit.events import record_event
from admin_portal.services.errors import NotFound, ValidationFailed
from admin_portal.services.invitations.catalogue import RequiredField, parse_required_fields
from admin_portal.validation.ids import parse_id

NAME_MAX = 200
LABEL_MAX = 200
CREDITS_MAX = 1000
FIELDS_MAX = 10
FIELDS_TEXT_MAX = 4000
SERVICE_FIELDS = ("name_sv", "name_en", "credits", "required_fields")


@dataclass(frozen=True)
class OrganisationOption:
    id: int
    name: str


@dataclass(frozen=True)
class CatalogueEntry:
    id: int
    code: str
    name_sv: str
    name_en: str
    credits: int
    notifies_support: bool
    needs_therapist: bool
    active: bool
    required_fields: tuple[RequiredField, ...]
    orders: int  # how many orders use it (a used service is deactivated, never deleted)

    @property
    def fields_text(self) -> str:
        """The required fields as the form edits them: "svensk etikett | English label"."""
        return "\n".join(f"{f.label_sv} | {f.label_en}" for f in self.required_fields)


def _require_support(actor: Actor | None) -> Actor:
    if actor is None or not actor.is_support:
        raise NotFound()
    return actor


def list_organisations(session: Session, *, actor: Actor | None) -> list[OrganisationOption]:
    """Every organisation of the platform (support staff serve them all), by name."""
    _require_support(actor)
    rows = session.exec(select(Organisation).order_by(col(Organisation.name))).all()
    return [OrganisationOption(id=o.id or 0, name=o.name) for o in rows]


def _organisation(session: Session, organisation_id: object) -> Organisation:
    found = parse_id(organisation_id)
    organisation = session.get(Organisation, found) if found is not None else None
    if organisation is None:
        raise NotFound()
    return organisation


def list_catalogue(
    session: Session, *, actor: Actor | None, organisation_id: object
) -> list[CatalogueEntry]:
    """The organisation's whole catalogue, inactive services too, in catalogue order."""
    _require_support(actor)
    organisation = _organisation(session, organisation_id)
    used = dict(
        session.exec(
            select(ServiceOrder.service_id, func.count(col(ServiceOrder.id)))
            .where(ServiceOrder.organisation_id == organisation.id)
            .group_by(col(ServiceOrder.service_id))
        ).all()
    )
    rows = session.exec(
        select(Service)
        .where(Service.organisation_id == organisation.id)
        .order_by(col(Service.active).desc(), col(Service.sort_order), col(Service.id))
    ).all()
    return [
        CatalogueEntry(
            id=s.id or 0,
            code=s.code,
            name_sv=s.name_sv,
            name_en=s.name_en,
            credits=s.credits,
            notifies_support=s.notifies_support,
            needs_therapist=s.needs_therapist,
            active=s.active,
            required_fields=parse_required_fields(s.required_fields),
            orders=used.get(s.id or 0, 0),
        )
        for s in rows
    ]


# ------------------------------------------------------------------------------ validation


@dataclass(frozen=True)
class ServiceInput:
    name_sv: str
    name_en: str
    credits: int
    notifies_support: bool
    needs_therapist: bool
    fields: tuple[tuple[str, str], ...]  # (label_sv, label_en)


def _text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", value[: NAME_MAX * 4]).split())


def _flag(value: object) -> bool:
    # A checked HTML checkbox sends "on"; JSON clients may send true.
    return value is True or (isinstance(value, str) and value.strip().lower() in ("on", "true"))


def _fields(raw: object, errors: dict[str, str]) -> tuple[tuple[str, str], ...]:
    text = raw if isinstance(raw, str) else ""
    if len(text) > FIELDS_TEXT_MAX:
        errors["required_fields"] = "catalogue.fields_too_long"
        return ()
    fields: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        sv, sep, en = line.partition("|")
        sv, en = _text(sv), _text(en)
        if not sep or not sv or not en:
            errors["required_fields"] = "catalogue.field_line"
            return ()
        if len(sv) > LABEL_MAX or len(en) > LABEL_MAX:
            errors["required_fields"] = "catalogue.fields_too_long"
            return ()
        if sv.casefold() in {f[0].casefold() for f in fields}:
            errors["required_fields"] = "catalogue.field_twice"
            return ()
        fields.append((sv, en))
    if len(fields) > FIELDS_MAX:
        errors["required_fields"] = "catalogue.too_many_fields"
        return ()
    return tuple(fields)


def parse_service_form(form: object) -> ServiceInput:
    """The form's values, checked. Raises ValidationFailed naming every wrong field."""
    data = form if isinstance(form, dict) else {}
    errors: dict[str, str] = {}
    names = {}
    for name in ("name_sv", "name_en"):
        names[name] = _text(data.get(name))
        if not names[name]:
            errors[name] = "catalogue.name_required"
        elif len(names[name]) > NAME_MAX:
            errors[name] = "catalogue.name_too_long"
    raw_credits = data.get("credits")
    credits_text = str(raw_credits).strip() if isinstance(raw_credits, int | str) else ""
    credits = int(credits_text) if credits_text.isdigit() and len(credits_text) <= 4 else 0
    if isinstance(raw_credits, bool) or not 1 <= credits <= CREDITS_MAX:
        errors["credits"] = "catalogue.credits_range"
    fields = _fields(data.get("required_fields"), errors)
    if errors:
        raise ValidationFailed(errors)
    return ServiceInput(
        name_sv=names["name_sv"],
        name_en=names["name_en"],
        credits=credits,
        notifies_support=_flag(data.get("notifies_support")),
        needs_therapist=_flag(data.get("needs_therapist")),
        fields=fields,
    )


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")[:40] or "tjanst"


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base[:36]}_{n}", n + 1
    return candidate


def _fields_json(fields: tuple[tuple[str, str], ...], before: tuple[RequiredField, ...]) -> str:
    """Keys survive an edit that keeps the Swedish label; new labels get new, unique keys."""
    kept = {f.label_sv.casefold(): f.key for f in before}
    taken: set[str] = set()
    items = []
    for sv, en in fields:
        key = kept.get(sv.casefold()) or _unique(_slug(sv), taken | set(kept.values()))
        taken.add(key)
        items.append({"key": key, "label_sv": sv, "label_en": en})
    return json.dumps(items, ensure_ascii=False)


# ------------------------------------------------------------------------------ writes


def save_service(
    session: Session,
    *,
    actor: Actor | None,
    organisation_id: object,
    service_id: object,
    form: object,
) -> int:
    """Create (service_id None or "") or edit one service of an organisation's catalogue.

    Args:
        session: An open database session.
        actor: The signed-in person; only support staff may.
        organisation_id: The organisation whose catalogue is edited.
        service_id: The service to edit; empty for a new one. Must belong to the organisation.
        form: The form's fields (see parse_service_form).

    Returns:
        The service's id.

    Raises:
        NotFound: not support staff, or an organisation or service that does not exist.
        ValidationFailed: a field is wrong.
    """
    who = _require_support(actor)
    organisation = _organisation(session, organisation_id)
    data = parse_service_form(form)
    service: Service | None = None
    if service_id not in (None, ""):
        found = parse_id(service_id)
        service = session.get(Service, found) if found is not None else None
        if service is None or service.organisation_id != organisation.id:
            raise NotFound()
    creating = service is None
    if service is None:
        codes = set(
            session.exec(select(Service.code).where(Service.organisation_id == organisation.id))
        )
        last = session.exec(
            select(func.max(col(Service.sort_order))).where(
                Service.organisation_id == organisation.id
            )
        ).one()
        service = Service(
            organisation_id=organisation.id or 0,
            code=_unique(_slug(data.name_sv), codes),
            name_sv=data.name_sv,
            name_en=data.name_en,
            sort_order=(last or 0) + 1,
        )
    before = parse_required_fields(service.required_fields)
    service.name_sv, service.name_en, service.credits = data.name_sv, data.name_en, data.credits
    service.notifies_support = data.notifies_support
    service.needs_therapist = data.needs_therapist
    service.required_fields = _fields_json(data.fields, before)
    session.add(service)
    session.flush()
    record_event(
        session,
        action="service_created" if creating else "service_changed",
        organisation_id=organisation.id,
        actor_user_id=who.user_id,
        target_type="service",
        target_id=service.id,
        detail=f"code={service.code}",
    )
    return service.id or 0


def set_service_active(
    session: Session, *, actor: Actor | None, service_id: object, active: object
) -> bool:
    """Deactivate (no new orders; existing orders keep it) or reactivate a service.

    Returns:
        Whether the service is active afterwards.
    """
    who = _require_support(actor)
    found = parse_id(service_id)
    service = session.get(Service, found) if found is not None else None
    if service is None:
        raise NotFound()
    service.active = active is True
    session.add(service)
    record_event(
        session,
        action="service_activated" if service.active else "service_deactivated",
        organisation_id=service.organisation_id,
        actor_user_id=who.user_id,
        target_type="service",
        target_id=service.id,
        detail=f"code={service.code}",
    )
    return service.active

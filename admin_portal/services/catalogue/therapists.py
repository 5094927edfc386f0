"""F4.5: the therapist. The employee chooses one for an ordered service that needs one, and
the text of the service's required fields reaches that therapist and nobody else.

Therapists are platform staff (a RoleAssignment with Role.THERAPIST, like Kundtjänst): not
admins of anything. A therapist sees the cases they were chosen for; reading a case's
text is audited each time. Support sees that a case exists (services/support_inbox.py),
never its text; admins wrote the text when ordering and are not shown it again.

Every id arrives from a client. A case that is not the caller's is NotFound, whether it
exists or not, so nobody learns which cases exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import (
    Invitation,
    Organisation,
    Role,
    RoleAssignment,
    Service,
    ServiceOrder,
    User,
    UserStatus,
    utcnow,
)
from admin_portal.services.audit.events import record_event
from admin_portal.services.errors import NotFound, ServiceError
from admin_portal.validation.ids import parse_id


@dataclass(frozen=True)
class TherapistOption:
    id: int
    name: str


@dataclass(frozen=True)
class TherapistChoice:
    """One of the employee's own orders whose service needs a therapist."""

    order_id: int
    service_sv: str
    service_en: str
    therapist_id: int | None
    therapist: str  # "" while none is chosen


@dataclass(frozen=True)
class CaseRow:
    """One case in a therapist's list: who and what, never the text."""

    order_id: int
    person: str
    email: str
    phone: str
    organisation: str
    service_sv: str
    service_en: str
    chosen_on: str  # YYYY-MM-DD


@dataclass(frozen=True)
class CaseText:
    order_id: int
    person: str
    service_sv: str
    service_en: str
    # (label, text) of each required field filled in, labels in the requested language.
    fields: list[tuple[str, str]]


def _therapists_query():  # type: ignore[no-untyped-def]
    return (
        select(User)
        .join(RoleAssignment, col(RoleAssignment.user_id) == User.id)
        .where(RoleAssignment.role == Role.THERAPIST, User.status == UserStatus.ACTIVE)
    )


def list_therapists(session: Session, *, actor: Actor | None) -> list[TherapistOption]:
    """The therapists an employee may choose from (platform-wide), by name."""
    if actor is None:
        raise NotFound()
    rows = session.exec(
        _therapists_query().order_by(col(User.last_name), col(User.first_name), col(User.id))
    ).all()
    seen: dict[int, TherapistOption] = {}
    for user in rows:
        seen.setdefault(user.id or 0, TherapistOption(id=user.id or 0, name=user.full_name))
    return list(seen.values())


def list_my_choices(session: Session, *, actor: Actor | None) -> list[TherapistChoice]:
    """The signed-in person's own orders that need a therapist (the person from the session)."""
    if actor is None:
        raise NotFound()
    therapist = aliased(User)
    found = session.execute(
        sa_select(ServiceOrder, Service, therapist)
        .join(Service, col(Service.id) == ServiceOrder.service_id)
        .join(therapist, col(therapist.id) == ServiceOrder.therapist_id, isouter=True)
        .where(col(ServiceOrder.user_id) == actor.user_id, col(Service.needs_therapist).is_(True))
        .order_by(col(ServiceOrder.id))
    ).all()
    return [
        TherapistChoice(
            order_id=order.id or 0,
            service_sv=service.name_sv,
            service_en=service.name_en,
            therapist_id=order.therapist_id,
            therapist=chosen.full_name if chosen else "",
        )
        for order, service, chosen in found
    ]


def choose_therapist(
    session: Session, *, actor: Actor | None, order_id: object, therapist_id: object
) -> str:
    """The employee chooses (or changes) the therapist of one of their own orders.

    Args:
        session: An open database session.
        actor: The signed-in employee; the order must be theirs.
        order_id: The order (client input).
        therapist_id: The chosen therapist (client input): an active therapist.

    Returns:
        The therapist's name.

    Raises:
        NotFound: not the caller's order, or its service needs no therapist.
        ServiceError: "therapist.choose_one" when the id names no therapist.
    """
    if actor is None:
        raise NotFound()
    wanted = parse_id(order_id)
    order = session.get(ServiceOrder, wanted) if wanted is not None else None
    if order is None or order.user_id != actor.user_id:
        raise NotFound()
    service = session.get(Service, order.service_id)
    if service is None or not service.needs_therapist:
        raise NotFound()
    chosen = parse_id(therapist_id)
    therapist = (
        session.exec(_therapists_query().where(User.id == chosen)).first()
        if chosen is not None
        else None
    )
    if therapist is None:
        raise ServiceError("therapist.choose_one", field="therapist_id")
    order.therapist_id, order.therapist_chosen_at = therapist.id, utcnow()
    session.add(order)
    record_event(
        session,
        action="therapist_chosen",
        organisation_id=order.organisation_id,
        actor_user_id=actor.user_id,
        target_type="service_order",
        target_id=order.id,
        detail=f"therapist={therapist.id}",
    )
    return therapist.full_name


def _require_therapist(actor: Actor | None) -> Actor:
    if actor is None or not actor.is_therapist:
        raise NotFound()
    return actor


def list_my_cases(session: Session, *, actor: Actor | None) -> list[CaseRow]:
    """The cases the signed-in therapist was chosen for, newest choice first (no text)."""
    who = _require_therapist(actor)
    person = aliased(User)
    found = session.execute(
        sa_select(ServiceOrder, Service, Organisation, Invitation, person)
        .join(Service, col(Service.id) == ServiceOrder.service_id)
        .join(Organisation, col(Organisation.id) == ServiceOrder.organisation_id)
        .join(Invitation, col(Invitation.id) == ServiceOrder.invitation_id)
        .join(person, col(person.id) == ServiceOrder.user_id, isouter=True)
        .where(col(ServiceOrder.therapist_id) == who.user_id)
        .order_by(col(ServiceOrder.therapist_chosen_at).desc(), col(ServiceOrder.id).desc())
    ).all()
    return [
        CaseRow(
            order_id=order.id or 0,
            person=user.full_name if user else f"{invitation.first_name} {invitation.last_name}",
            email=(user.email if user else invitation.email) or "",
            phone=(user.mobile if user else invitation.phone) or "",
            organisation=organisation.name,
            service_sv=service.name_sv,
            service_en=service.name_en,
            chosen_on=order.therapist_chosen_at.strftime("%Y-%m-%d")
            if order.therapist_chosen_at
            else "",
        )
        for order, service, organisation, invitation, user in found
    ]


def case_fields(details: str, required_fields: str, lang: str) -> list[tuple[str, str]]:
    """The order's filled-in fields with the catalogue's labels; malformed JSON shows nothing."""
    try:
        values = json.loads(details or "{}")
        fields = json.loads(required_fields or "[]")
    except ValueError:
        return []
    if not isinstance(values, dict) or not isinstance(fields, list):
        return []
    labels = {
        f.get("key"): f.get("label_en" if lang == "en" else "label_sv") or f.get("key")
        for f in fields
        if isinstance(f, dict)
    }
    return [
        (str(labels.get(key, key)), str(text)) for key, text in values.items() if str(text).strip()
    ]


def read_case(
    session: Session, *, actor: Actor | None, order_id: object, lang: str = "sv"
) -> CaseText:
    """The case text, for the therapist the employee chose and nobody else; audited.

    Raises:
        NotFound: not a therapist, or not a case this therapist was chosen for.
    """
    who = _require_therapist(actor)
    wanted = parse_id(order_id)
    order = session.get(ServiceOrder, wanted) if wanted is not None else None
    if order is None or order.therapist_id != who.user_id:
        raise NotFound()
    service = session.get(Service, order.service_id)
    invitation = session.get(Invitation, order.invitation_id)
    user = session.get(User, order.user_id) if order.user_id else None
    if service is None or invitation is None:
        raise NotFound()
    record_event(
        session,
        action="therapist_case_read",
        organisation_id=order.organisation_id,
        actor_user_id=who.user_id,
        target_type="service_order",
        target_id=order.id,
    )
    return CaseText(
        order_id=order.id or 0,
        person=user.full_name if user else f"{invitation.first_name} {invitation.last_name}",
        service_sv=service.name_sv,
        service_en=service.name_en,
        fields=case_fields(order.details, service.required_fields, lang),
    )

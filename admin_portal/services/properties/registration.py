"""Lägg till nytt boende (F2.2, F2.3, F2.4): only a primary account registers, and the
property joins that account's agreement. Another agreement's property is refused with the
guided way (a new ordinary login) instead."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import PartnerAgreement, Property, require_id
from admin_portal.services.audit import record_event
from admin_portal.services.errors import PermissionDenied, ServiceError, ValidationFailed
from admin_portal.services.properties.listing import name_key
from admin_portal.services.properties.reach import primary_agreement_of
from admin_portal.validation.fields import FieldErrors
from admin_portal.validation.ids import parse_id

PROPERTY_TYPES: tuple[str, ...] = ("hotel", "hostel", "cabin", "apartment", "bed_and_breakfast")


class OtherAgreement(ServiceError):
    """F2.4: the property is (or would be) another agreement's. The page shows the way."""

    def __init__(self) -> None:
        super().__init__("properties.error.other_agreement")


def _own_agreement(session: Session, actor: Actor) -> PartnerAgreement:
    agreement_id = primary_agreement_of(session, actor.user_id)
    agreement = session.get(PartnerAgreement, agreement_id) if agreement_id else None
    if agreement is None or agreement.organisation_id != actor.organisation_id:
        # F2.3: the reason, not a bare refusal.
        raise PermissionDenied("properties.error.not_primary")
    if agreement.terminated_at is not None:
        raise ServiceError("properties.error.agreement_terminated")
    return agreement


def _clean(text: object, limit: int) -> str:
    return " ".join(text.split())[:limit] if isinstance(text, str) else ""


def register_property(
    session: Session,
    *,
    actor: Actor,
    name: object,
    address: object,
    property_type: object,
    agreement_number: object = "",
) -> int:
    """Register a property in the actor's agreement and return its id.

    Args:
        agreement_number: The avtals-id typed on the form; empty means the account's own.
            Any other agreement is refused with OtherAgreement (F2.4).

    Raises:
        PermissionDenied: not a primary account (F2.3).
        OtherAgreement: the property belongs to another agreement.
        ValidationFailed: name, address or type missing or wrong; a duplicate name.
    """
    agreement = _own_agreement(session, actor)
    typed = _clean(agreement_number, 40).upper()
    if typed and typed != agreement.agreement_number.upper():
        raise OtherAgreement()
    clean_name, clean_address = _clean(name, 201), _clean(address, 301)
    errors = FieldErrors()
    if len(clean_name) < 2:
        errors["name"] = "properties.error.name_required"
    elif len(clean_name) > 200:
        errors["name"] = "properties.error.name_too_long"
    if len(clean_address) < 5:
        errors["address"] = "properties.error.address_required"
    elif len(clean_address) > 300:
        errors["address"] = "properties.error.address_too_long"
    if property_type not in PROPERTY_TYPES:
        errors["property_type"] = "properties.error.type_required"
    key = name_key(clean_name)
    if "name" not in errors and _duplicate(session, agreement, key):
        errors["name"] = "properties.error.duplicate"
    if errors:
        raise ValidationFailed(errors)
    prop = Property(
        organisation_id=agreement.organisation_id,
        agreement_id=agreement.id,
        name=clean_name,
        name_key=key,
        address=clean_address,
        property_type=str(property_type),
        created_by_id=actor.user_id,
    )
    session.add(prop)
    try:
        session.flush()
    except IntegrityError:
        # Two registrations of one name at the same moment: the constraint decides.
        session.rollback()
        raise ValidationFailed({"name": "properties.error.duplicate"}) from None
    record_event(
        session,
        action="property_registered",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="property",
        target_id=prop.id,
        detail=f"agreement={agreement.id}",
    )
    return require_id(prop)


def _duplicate(session: Session, agreement: PartnerAgreement, key: str) -> bool:
    return (
        session.exec(
            select(Property.id).where(
                col(Property.agreement_id) == agreement.id, col(Property.name_key) == key
            )
        ).first()
        is not None
    )


def add_existing_property(session: Session, *, actor: Actor, property_id: object) -> None:
    """Adding an existing property to a primary account: included already, or refused.

    A property of the own agreement is already included (derived); any other, whether it
    exists or not, gets the same OtherAgreement answer with the guided way (F2.4).
    """
    agreement = _own_agreement(session, actor)
    pid = parse_id(property_id)
    found = session.get(Property, pid) if pid is not None else None
    if found is not None and found.agreement_id == agreement.id:
        return
    raise OtherAgreement()

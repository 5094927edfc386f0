"""F2.9: support links a property outside the agreement to a primary account, recorded.

Two reasons exist in the seed: support added it internally, or the partner held a
legal-entity id before the rule. Only support staff do this; the row says who and when.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import (
    ExceptionReason,
    PartnerAgreement,
    PrimaryAccount,
    PrimaryPropertyException,
    Property,
    User,
    require_id,
)
from admin_portal.services.audit import record_event
from admin_portal.services.errors import NotFound, ServiceError
from admin_portal.services.properties.listing import name_key
from admin_portal.validation.identifiers import username_key
from admin_portal.validation.ids import parse_id


def link_property_exception(
    session: Session,
    *,
    actor: Actor,
    user_id: object,
    property_id: object,
    reason: object,
    note: object = "",
) -> int:
    """Link `property_id` to the primary account `user_id` as a recorded exception."""
    if not actor.is_support:
        raise NotFound()
    if reason not in {r.value for r in ExceptionReason}:
        raise ServiceError("properties.error.reason_required")
    uid, pid = parse_id(user_id), parse_id(property_id)
    primary = session.get(PrimaryAccount, uid) if uid is not None else None
    prop = session.get(Property, pid) if pid is not None else None
    user = session.get(User, uid) if uid is not None else None
    if primary is None or prop is None or user is None:
        raise NotFound()
    if prop.organisation_id != user.organisation_id:
        raise NotFound()  # nothing crosses an organisation boundary
    if prop.agreement_id == primary.agreement_id:
        raise ServiceError("properties.error.already_in_agreement")
    row = PrimaryPropertyException(
        user_id=primary.user_id,
        property_id=prop.id or 0,
        reason=str(reason),
        note=note.strip()[:500] if isinstance(note, str) else "",
        created_by_id=actor.user_id,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ServiceError("properties.error.already_linked") from None
    record_event(
        session,
        action="property_exception_linked",
        organisation_id=prop.organisation_id,
        actor_user_id=actor.user_id,
        target_type="user",
        target_id=primary.user_id,
        detail=f"property={prop.id} reason={reason}",
    )
    return require_id(row)


def link_property_exception_by_names(
    session: Session,
    *,
    actor: Actor,
    username: object,
    agreement_number: object,
    property_name: object,
    reason: object,
    note: object = "",
) -> int:
    """Support's form: the primary account by username, the property by avtals-id + name.

    Unknown names get the same NotFound as forged ids (support sees every organisation, but
    the link itself never crosses one: `link_property_exception` checks that).
    """
    if not actor.is_support:
        raise NotFound()
    typed_user = username.strip() if isinstance(username, str) else ""
    number = agreement_number.strip().upper() if isinstance(agreement_number, str) else ""
    name = property_name if isinstance(property_name, str) else ""
    user = session.exec(
        select(User).where(col(User.username_key) == username_key(typed_user))
    ).first()
    prop = session.exec(
        select(Property)
        .join(PartnerAgreement, col(PartnerAgreement.id) == col(Property.agreement_id))
        .where(
            col(PartnerAgreement.agreement_number) == number,
            col(Property.name_key) == name_key(name),
        )
    ).first()
    if user is None or prop is None or not typed_user:
        raise NotFound()
    return link_property_exception(
        session, actor=actor, user_id=user.id, property_id=prop.id, reason=reason, note=note
    )

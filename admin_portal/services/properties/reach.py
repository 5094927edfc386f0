"""Who reaches which property, and with which rights: always derived, never copied.

A primary account reaches every property of its agreement (F2.2), plus the exceptions
support recorded for it (F2.9), with every right. An ordinary account reaches the
properties it has `PropertyAccess` rows for, with the rights on each row.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import (
    ALL_RIGHTS,
    PrimaryAccount,
    PrimaryPropertyException,
    Property,
    PropertyAccess,
    PropertyRight,
)
from admin_portal.services.errors import NotFound
from admin_portal.validation.ids import parse_id


def primary_agreement_of(session: Session, user_id: int) -> int | None:
    """The agreement a primary account is bound to; None for an ordinary account."""
    row = session.get(PrimaryAccount, user_id)
    return row.agreement_id if row is not None else None


def rights_of_row(row: PropertyAccess) -> frozenset[str]:
    return frozenset(right for right in ALL_RIGHTS if getattr(row, right))


def reach_condition(session: Session, *, user_id: int) -> ColumnElement[bool]:
    """A WHERE clause over `Property` that holds for exactly the properties the user reaches."""
    agreement_id = primary_agreement_of(session, user_id)
    if agreement_id is not None:
        exceptions = select(PrimaryPropertyException.property_id).where(
            col(PrimaryPropertyException.user_id) == user_id
        )
        return or_(
            col(Property.agreement_id) == agreement_id,
            col(Property.id).in_(exceptions),
        )
    granted = select(PropertyAccess.property_id).where(col(PropertyAccess.user_id) == user_id)
    return col(Property.id).in_(granted)


def rights_on(session: Session, *, user_id: int, property_row: Property) -> frozenset[str]:
    """The user's rights on this property (empty when they do not reach it)."""
    agreement_id = primary_agreement_of(session, user_id)
    if agreement_id is not None:
        if property_row.agreement_id == agreement_id:
            return frozenset(ALL_RIGHTS)
        linked = session.exec(
            select(PrimaryPropertyException.id).where(
                col(PrimaryPropertyException.user_id) == user_id,
                col(PrimaryPropertyException.property_id) == property_row.id,
            )
        ).first()
        return frozenset(ALL_RIGHTS) if linked is not None else frozenset()
    row = session.exec(
        select(PropertyAccess).where(
            col(PropertyAccess.user_id) == user_id,
            col(PropertyAccess.property_id) == property_row.id,
        )
    ).first()
    return rights_of_row(row) if row is not None else frozenset()


def reachable_property(session: Session, *, actor: Actor, property_id: object) -> Property:
    """The property when the actor reaches it; NotFound otherwise (absent and unreached alike)."""
    pid = parse_id(property_id)
    found = session.get(Property, pid) if pid is not None else None
    if found is None or found.organisation_id != actor.organisation_id:
        raise NotFound()
    if not rights_on(session, user_id=actor.user_id, property_row=found):
        raise NotFound()
    return found


def administered_property(session: Session, *, actor: Actor, property_id: object) -> Property:
    """A property on which the actor holds Användarhantering; NotFound otherwise."""
    found = reachable_property(session, actor=actor, property_id=property_id)
    if PropertyRight.USER_ADMIN not in rights_on(
        session, user_id=actor.user_id, property_row=found
    ):
        raise NotFound()
    return found

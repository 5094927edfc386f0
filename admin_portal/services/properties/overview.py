"""What the account menu and the Boenden pages need to know about the signed-in account."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import PartnerAgreement, Property, PropertyAccess
from admin_portal.services.properties.reach import (
    primary_agreement_of,
    reach_condition,
    rights_on,
)


@dataclass(frozen=True)
class AccountOverview:
    is_primary: bool
    agreement_number: str
    # Properties on which the account holds Användarhantering (id, name), name order.
    administered: list[tuple[int, str]]
    # For each administered property, the rights the account holds there.
    rights: dict[int, list[str]]


def account_overview(session: Session, *, actor: Actor, limit: int = 500) -> AccountOverview:
    """The account's kind and the properties it may manage users of (at most `limit`)."""
    agreement_id = primary_agreement_of(session, actor.user_id)
    agreement = session.get(PartnerAgreement, agreement_id) if agreement_id else None
    if agreement_id is not None:
        props = session.exec(
            select(Property)
            .where(
                col(Property.organisation_id) == actor.organisation_id,
                reach_condition(session, user_id=actor.user_id),
            )
            .order_by(col(Property.name_key))
            .limit(limit)
        ).all()
    else:
        props = session.exec(
            select(Property)
            .join(PropertyAccess, col(PropertyAccess.property_id) == col(Property.id))
            .where(
                col(PropertyAccess.user_id) == actor.user_id,
                col(PropertyAccess.user_admin),
                col(Property.organisation_id) == actor.organisation_id,
            )
            .order_by(col(Property.name_key))
            .limit(limit)
        ).all()
    rights = {
        p.id or 0: sorted(rights_on(session, user_id=actor.user_id, property_row=p)) for p in props
    }
    return AccountOverview(
        is_primary=agreement_id is not None,
        agreement_number=agreement.agreement_number if agreement else "",
        administered=[(p.id or 0, p.name) for p in props],
        rights=rights,
    )

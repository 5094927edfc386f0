"""Small factories for Boenden: agreements, properties, primary accounts, access rows."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import (
    Company,
    PartnerAgreement,
    PrimaryAccount,
    Property,
    PropertyAccess,
    User,
)
from admin_portal.services.properties.listing import name_key

_seq = itertools.count(1)


def make_agreement(
    session: Session, company: Company, number: str | None = None
) -> PartnerAgreement:
    agreement = PartnerAgreement(
        organisation_id=company.organisation_id,
        company_id=company.id or 0,
        agreement_number=number or f"AVT-T{next(_seq)}",
        name=company.name,
    )
    session.add(agreement)
    session.flush()
    return agreement


def make_property(
    session: Session, agreement: PartnerAgreement, name: str | None = None
) -> Property:
    label = name or f"Boende {next(_seq)}"
    prop = Property(
        organisation_id=agreement.organisation_id,
        agreement_id=agreement.id,
        name=label,
        name_key=name_key(label),
        address="Storgatan 1, 111 22 Stockholm",
        property_type="hotel",
    )
    session.add(prop)
    session.flush()
    return prop


def make_primary(session: Session, user: User, agreement: PartnerAgreement) -> PrimaryAccount:
    row = PrimaryAccount(user_id=user.id or 0, agreement_id=agreement.id or 0)
    session.add(row)
    session.flush()
    return row


def give_access(session: Session, user: User, prop: Property, *rights: str) -> PropertyAccess:
    row = PropertyAccess(property_id=prop.id or 0, user_id=user.id or 0)
    for right in rights:
        setattr(row, right, True)
    session.add(row)
    session.flush()
    return row


def actor_of(session: Session, user: User) -> Actor:
    actor = load_actor(session, user.id or 0)
    assert actor is not None
    return actor

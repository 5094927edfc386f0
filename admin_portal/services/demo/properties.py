"""Demo data for Boenden (seed 002): a partner organisation of its own with two agreements.

Log-ins: `primarkonto` (the primary account of AVT-1001) and `ordinarie` (an ordinary
account with access to Vandrarhem Strömstad only); `receptionist` is an ordinary account
without any access yet, for trying Lägg till en användare → Nuvarande användare.
"""

from __future__ import annotations

from sqlmodel import Session
from stdnum import luhn

from admin_portal.models import (
    Company,
    Organisation,
    PartnerAgreement,
    PrimaryAccount,
    Property,
    PropertyAccess,
    User,
    UserType,
    require_id,
    utcnow,
)
from admin_portal.services.properties.listing import name_key
from admin_portal.validation.identifiers import email_key, username_key

PARTNER_ORGANISATION = "Demo Partner Boenden"
PRIMARY_USERNAME = "primarkonto"
ORDINARY_USERNAME = "ordinarie"
SPARE_USERNAME = "receptionist"

_AGREEMENTS = {
    "AVT-1001": [
        ("Hotell Fjällbacka", "Hamngatan 4, 450 71 Fjällbacka", "hotel"),
        ("Vandrarhem Strömstad", "Norra Hamngatan 12, 452 30 Strömstad", "hostel"),
    ],
    "AVT-2002": [("Stuga Hemavan", "Fjällvägen 8, 920 66 Hemavan", "cabin")],
}
_PEOPLE = [
    (PRIMARY_USERNAME, "Petra", "Primär"),
    (ORDINARY_USERNAME, "Olof", "Ordinarie"),
    (SPARE_USERNAME, "Rut", "Reception"),
]


def _email(username: str) -> str:
    return f"{username}@demo-partner.example"


def seed_partner_properties(session: Session, *, password_hash: str) -> None:
    """Create the partner organisation, its agreements, properties and three log-ins."""
    org = Organisation(name=PARTNER_ORGANISATION)
    session.add(org)
    session.flush()
    prefix = "556100200"
    company = Company(
        organisation_id=require_id(org),
        name="Västkust Boenden AB",
        organisation_number=prefix + luhn.calc_check_digit(prefix),
    )
    session.add(company)
    session.flush()
    properties: dict[str, Property] = {}
    agreements: dict[str, PartnerAgreement] = {}
    for number, rows in _AGREEMENTS.items():
        agreement = PartnerAgreement(
            organisation_id=require_id(org),
            company_id=require_id(company),
            agreement_number=number,
            name=f"{company.name} ({number})",
        )
        session.add(agreement)
        session.flush()
        agreements[number] = agreement
        for name, address, kind in rows:
            prop = Property(
                organisation_id=require_id(org),
                agreement_id=require_id(agreement),
                name=name,
                name_key=name_key(name),
                address=address,
                property_type=kind,
            )
            session.add(prop)
            properties[name] = prop
    users: dict[str, User] = {}
    now = utcnow()
    for username, first, last in _PEOPLE:
        user = User(
            organisation_id=require_id(org),
            company_id=require_id(company),
            first_name=first,
            last_name=last,
            username=username,
            username_key=username_key(username),
            email=_email(username),
            email_key=email_key(_email(username)),
            email_verified_at=now,
            user_type=UserType.EMPLOYEE,
            password_hash=password_hash,
            password_changed_at=now,
        )
        session.add(user)
        users[username] = user
    session.flush()
    session.add(
        PrimaryAccount(
            user_id=require_id(users[PRIMARY_USERNAME]),
            agreement_id=require_id(agreements["AVT-1001"]),
        )
    )
    session.add(
        PropertyAccess(
            property_id=require_id(properties["Vandrarhem Strömstad"]),
            user_id=require_id(users[ORDINARY_USERNAME]),
            bookings=True,
            prices=True,
            messages=True,
        )
    )
    session.flush()

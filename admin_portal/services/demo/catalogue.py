"""Demo data for Min organisation (F4): a service catalogue, cost centres, an area manager
who administers two units (for the unit switcher), and the support desk (Kundtjänst).

Kept apart from services.demo so each file stays about one thing; seed_demo calls it.
"""

from __future__ import annotations

import json

from sqlmodel import Session

from admin_portal.models import (
    Company,
    CostCentre,
    Organisation,
    Role,
    RoleAssignment,
    Service,
    Unit,
    User,
    UserType,
    require_id,
    utcnow,
)
from admin_portal.validation.identifiers import email_key, username_key

AREA_MANAGER_USERNAME = "omradeschef"
SUPPORT_USERNAME = "kundtjanst"
SUPPORT_ORGANISATION = "Adminportalen Kundtjänst"

# (code, Swedish name, English name, credits, notifies support, required fields)
_CASE_FIELD = {
    "key": "case_description",
    "label_sv": "Beskrivning av ärendet (går vidare till terapeuten)",
    "label_en": "Description of the case (passed on to the therapist)",
}
_SERVICES = [
    ("digital_treatment", "Digital behandling", "Digital treatment", 4, True, []),
    ("therapy", "Terapisamtal", "Therapy sessions", 6, True, [_CASE_FIELD]),
    (
        "workplace_rehab",
        "Arbetsplatsinriktad rehabilitering",
        "Workplace-oriented rehabilitation",
        8,
        False,
        [_CASE_FIELD],
    ),
    (
        "work_capacity",
        "Arbetsförmågebedömning",
        "Work capacity assessment",
        5,
        False,
        [_CASE_FIELD],
    ),
]
_COST_CENTRES = [("1010", "Hemtjänst Centrum"), ("1020", "Hemtjänst Väster"), ("9000", "HR")]


def seed_catalogue(session: Session, *, organisation: Organisation) -> None:
    """The organisation's services (F4.5) and cost centres (F4.7)."""
    org_id = require_id(organisation)
    for order, (code, sv, en, credits, notifies, fields) in enumerate(_SERVICES):
        session.add(
            Service(
                organisation_id=org_id,
                code=code,
                name_sv=sv,
                name_en=en,
                credits=credits,
                notifies_support=notifies,
                required_fields=json.dumps(fields, ensure_ascii=False),
                sort_order=order,
            )
        )
    for code, name in _COST_CENTRES:
        session.add(CostCentre(organisation_id=org_id, code=code, name=name))
    session.flush()


def seed_area_manager(
    session: Session, *, company: Company, units: list[Unit], password_hash: str
) -> User:
    """An administrator of several units: Min organisation shows a unit switcher (F4.1)."""
    email = f"{AREA_MANAGER_USERNAME}@demo-omsorg.example"
    user = User(
        organisation_id=company.organisation_id,
        company_id=require_id(company),
        unit_id=units[0].id,
        first_name="Olivia",
        last_name="Områdesson",
        username=AREA_MANAGER_USERNAME,
        username_key=username_key(AREA_MANAGER_USERNAME),
        email=email,
        email_key=email_key(email),
        email_verified_at=utcnow(),
        user_type=UserType.ADMINISTRATOR,
        password_hash=password_hash,
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    for unit in units:
        session.add(
            RoleAssignment(
                user_id=require_id(user),
                organisation_id=company.organisation_id,
                role=Role.ADMIN,
                unit_id=unit.id,
            )
        )
    session.flush()
    return user


def seed_support_desk(session: Session, *, password_hash: str) -> User:
    """Kundtjänst: platform staff who read the support inbox of every organisation (F4.8)."""
    org = Organisation(name=SUPPORT_ORGANISATION)
    session.add(org)
    session.flush()
    company = Company(
        organisation_id=require_id(org), name=SUPPORT_ORGANISATION, organisation_number="5569990004"
    )
    session.add(company)
    session.flush()
    email = f"{SUPPORT_USERNAME}@admin-portal.local"
    user = User(
        organisation_id=require_id(org),
        company_id=require_id(company),
        first_name="Kim",
        last_name="Kundtjänst",
        username=SUPPORT_USERNAME,
        username_key=username_key(SUPPORT_USERNAME),
        email=email,
        email_key=email_key(email),
        email_verified_at=utcnow(),
        user_type=UserType.EMPLOYEE,
        password_hash=password_hash,
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    session.add(
        RoleAssignment(user_id=require_id(user), organisation_id=require_id(org), role=Role.SUPPORT)
    )
    session.flush()
    return user

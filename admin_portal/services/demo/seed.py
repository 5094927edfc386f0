"""Demo data for a new database: organisation "Demo Omsorg" with people of every kind."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select
from stdnum import luhn

from admin_portal.auth.passwords import hash_password
from admin_portal.models import (
    CareLink,
    Company,
    Organisation,
    Role,
    RoleAssignment,
    Unit,
    User,
    UserType,
    require_id,
    utcnow,
)
from admin_portal.services.demo.catalogue import (
    seed_area_manager,
    seed_catalogue,
    seed_support_desk,
)
from admin_portal.services.demo.contact_centre import seed_contact_centre
from admin_portal.services.demo.properties import seed_partner_properties
from admin_portal.services.demo.therapists import seed_therapists
from admin_portal.validation.identifiers import email_key, username_key

DEMO_ORGANISATION = "Demo Omsorg"
HEAD_ADMIN_USERNAME = "huvudadmin"
UNIT_ADMIN_USERNAME = "enhetsadmin"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first: str
    last: str
    user_type: str
    company: int  # index into the companies below
    unit: str | None
    email_verified: bool = True
    with_password: bool = True
    national_id: str | None = None  # 12 digits; test-like numbers, valid checksums


_COMPANIES = [("Demo Omsorg Norr AB", "556123456"), ("Demo Omsorg Syd AB", "556654321")]
_UNITS = [  # (company index, name, parent name)
    (0, "Hemtjänst Centrum", None),
    (0, "Hemtjänst Väster", None),
    (0, "Nattpatrullen", "Hemtjänst Väster"),
    (1, "Personlig assistans Syd", None),
]
_PEOPLE = [
    DemoPerson(HEAD_ADMIN_USERNAME, "Helena", "Huvudsson", UserType.ADMINISTRATOR, 0, None),
    DemoPerson(
        UNIT_ADMIN_USERNAME, "Erik", "Enhetsson", UserType.ADMINISTRATOR, 0, "Hemtjänst Centrum"
    ),
    DemoPerson(
        "anna.brukare",
        "Anna",
        "Andersson",
        UserType.BRUKARE,
        0,
        "Hemtjänst Centrum",
        False,
        False,
        "198501011236",
    ),
    DemoPerson(
        "bengt.brukare",
        "Bengt",
        "Berg",
        UserType.BRUKARE,
        1,
        "Personlig assistans Syd",
        False,
        False,
    ),
    DemoPerson(
        "cecilia.assistent", "Cecilia", "Carlsson", UserType.ASSISTANT, 0, "Hemtjänst Centrum"
    ),
    DemoPerson(
        "david.assistent",
        "David",
        "Dahl",
        UserType.ASSISTANT,
        1,
        "Personlig assistans Syd",
        False,
        national_id="191212121212",
    ),
    DemoPerson("eva.medarbetare", "Eva", "Ek", UserType.EMPLOYEE, 0, "Hemtjänst Väster"),
    DemoPerson(
        "filip.medarbetare", "Filip", "Fors", UserType.EMPLOYEE, 0, "Nattpatrullen", False, False
    ),
    DemoPerson("gunilla.agent", "Gunilla", "Gran", UserType.AGENT, 1, None),
]


# Another customer of the platform: only its usernames ever show through (F0.3, "taken elsewhere").
OTHER_ORGANISATION = "Exempelkunden"
_OTHER_COMPANY = ("Exempelkunden Vård AB", "556778899")
_OTHER_PEOPLE = [("anders.extern", "Anders", "Extern")]


def _email_for(username: str) -> str:
    return f"{username}@demo-omsorg.example"


def seed_demo(session: Session, *, password: str) -> bool:
    """Create the demo organisation unless any organisation exists. Returns True if created."""
    if session.exec(select(Organisation.id)).first() is not None:
        return False
    org = Organisation(name=DEMO_ORGANISATION)
    session.add(org)
    session.flush()
    companies = []
    for name, prefix in _COMPANIES:
        company = Company(
            organisation_id=require_id(org),
            name=name,
            organisation_number=prefix + luhn.calc_check_digit(prefix),
        )
        session.add(company)
        companies.append(company)
    session.flush()
    units: dict[str, Unit] = {}
    for company_index, name, parent in _UNITS:
        unit = Unit(
            company_id=require_id(companies[company_index]),
            name=name,
            parent_id=units[parent].id if parent else None,
        )
        session.add(unit)
        session.flush()
        units[name] = unit
    password_hash = hash_password(password)  # one hash shared: argon2 is slow on purpose
    users: dict[str, User] = {}
    for person in _PEOPLE:
        email = _email_for(person.username)
        user = User(
            organisation_id=require_id(org),
            company_id=require_id(companies[person.company]),
            unit_id=units[person.unit].id if person.unit else None,
            first_name=person.first,
            last_name=person.last,
            username=person.username,
            username_key=username_key(person.username),
            email=email,
            email_key=email_key(email),
            email_verified_at=utcnow() if person.email_verified else None,
            user_type=person.user_type,
            national_id=person.national_id,
            password_hash=password_hash if person.with_password else None,
            password_changed_at=utcnow() if person.with_password else None,
        )
        session.add(user)
        users[person.username] = user
    session.flush()
    head, unit_admin = users[HEAD_ADMIN_USERNAME], users[UNIT_ADMIN_USERNAME]
    session.add(
        RoleAssignment(
            user_id=require_id(head), organisation_id=require_id(org), role=Role.HEAD_ADMIN
        )
    )
    session.add(
        RoleAssignment(
            user_id=require_id(unit_admin),
            organisation_id=require_id(org),
            role=Role.ADMIN,
            unit_id=units["Hemtjänst Centrum"].id,
        )
    )
    # F0.2: every demo assistant assists a brukare.
    for assistant, brukare in (
        ("cecilia.assistent", "anna.brukare"),
        ("david.assistent", "bengt.brukare"),
    ):
        session.add(
            CareLink(
                organisation_id=require_id(org),
                assistant_id=require_id(users[assistant]),
                brukare_id=require_id(users[brukare]),
            )
        )
    session.flush()
    seed_catalogue(session, organisation=org)
    seed_area_manager(
        session,
        company=companies[0],
        units=[units["Hemtjänst Centrum"], units["Hemtjänst Väster"]],
        password_hash=password_hash,
    )
    seed_support_desk(session, password_hash=password_hash)
    seed_therapists(session, password_hash=password_hash)
    _seed_other_organisation(session)
    seed_partner_properties(session, password_hash=password_hash)
    seed_contact_centre(session, company=companies[0], password_hash=password_hash)
    return True


def _seed_other_organisation(session: Session) -> None:
    org = Organisation(name=OTHER_ORGANISATION)
    session.add(org)
    session.flush()
    name, prefix = _OTHER_COMPANY
    company = Company(
        organisation_id=require_id(org),
        name=name,
        organisation_number=prefix + luhn.calc_check_digit(prefix),
    )
    session.add(company)
    session.flush()
    for username, first, last in _OTHER_PEOPLE:
        session.add(
            User(
                organisation_id=require_id(org),
                company_id=require_id(company),
                first_name=first,
                last_name=last,
                username=username,
                username_key=username_key(username),
                user_type=UserType.EMPLOYEE,
            )
        )
    session.flush()

"""Demo data for F4.5 (issue 14): two therapists (platform staff, like Kundtjänst) and the
demo services whose required fields go to the employee's chosen therapist.

Called with one line from services.demo.seed; the therapists sign in with the demo
password like every other demo account.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from admin_portal.models import (
    Company,
    Organisation,
    Role,
    RoleAssignment,
    Service,
    User,
    UserType,
    require_id,
    utcnow,
)
from admin_portal.services.demo.catalogue import SUPPORT_ORGANISATION
from admin_portal.validation.identifiers import email_key, username_key

THERAPIST_USERNAME = "terapeut"
# (username, first name, last name); only the first is printed by `make run`.
_THERAPISTS = [(THERAPIST_USERNAME, "Tora", "Terapeutsson"), ("terapeut2", "Tage", "Talesson")]
# The demo services whose case text goes to the chosen therapist (seed 004's examples).
_THERAPY_SERVICES = ("therapy", "workplace_rehab", "work_capacity")


def seed_therapists(session: Session, *, password_hash: str) -> None:
    """Therapists in the platform staff's organisation, and the services that need one."""
    org = session.exec(select(Organisation).where(Organisation.name == SUPPORT_ORGANISATION)).one()
    company = session.exec(select(Company).where(Company.organisation_id == org.id)).first()
    if company is None:
        raise ValueError("the support desk's organisation has no company")
    for username, first, last in _THERAPISTS:
        email = f"{username}@admin-portal.local"
        user = User(
            organisation_id=require_id(org),
            company_id=require_id(company),
            first_name=first,
            last_name=last,
            username=username,
            username_key=username_key(username),
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
            RoleAssignment(
                user_id=require_id(user), organisation_id=require_id(org), role=Role.THERAPIST
            )
        )
    for service in session.exec(select(Service).where(col(Service.code).in_(_THERAPY_SERVICES))):
        service.needs_therapist = True
        session.add(service)
    session.flush()

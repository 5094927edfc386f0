"""Small factories: the fewest fields a test needs, everything else sensible."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from admin_portal.auth.passwords import hash_password
from admin_portal.models import (
    Company,
    Organisation,
    Role,
    RoleAssignment,
    Unit,
    User,
    UserType,
    utcnow,
)

_seq = itertools.count(1)


def make_org(session: Session, name: str = "Testorg") -> Organisation:
    org = Organisation(name=name)
    session.add(org)
    session.flush()
    return org


def make_company(session: Session, org: Organisation, name: str | None = None) -> Company:
    n = next(_seq)
    company = Company(
        organisation_id=org.id, name=name or f"Företag {n}", organisation_number=f"{5560000000 + n}"
    )
    session.add(company)
    session.flush()
    return company


def make_unit(
    session: Session, company: Company, name: str | None = None, parent: Unit | None = None
) -> Unit:
    unit = Unit(
        company_id=company.id,
        name=name or f"Enhet {next(_seq)}",
        parent_id=parent.id if parent else None,
    )
    session.add(unit)
    session.flush()
    return unit


def make_user(
    session: Session,
    company: Company,
    *,
    username: str | None = None,
    email: str | None = None,
    verified: bool = False,
    password: str | None = None,
    unit: Unit | None = None,
    user_type: str = UserType.EMPLOYEE,
    first_name: str = "Test",
    last_name: str = "Person",
    language: str = "sv",
) -> User:
    username = username or f"user{next(_seq)}"
    user = User(
        organisation_id=company.organisation_id,
        company_id=company.id,
        unit_id=unit.id if unit else None,
        first_name=first_name,
        last_name=last_name,
        username=username,
        username_key=username.casefold(),
        email=email,
        email_key=email.casefold() if email else None,
        email_verified_at=utcnow() if (email and verified) else None,
        password_hash=hash_password(password) if password else None,
        user_type=user_type,
        language=language,
    )
    session.add(user)
    session.flush()
    return user


def grant(
    session: Session,
    user: User,
    role: str,
    *,
    company: Company | None = None,
    unit: Unit | None = None,
) -> RoleAssignment:
    assignment = RoleAssignment(
        user_id=user.id,
        organisation_id=user.organisation_id,
        role=role,
        company_id=company.id if company else None,
        unit_id=unit.id if unit else None,
    )
    session.add(assignment)
    session.flush()
    return assignment


__all__ = ["Role", "grant", "make_company", "make_org", "make_unit", "make_user"]

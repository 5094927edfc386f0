"""People of a test's own, written straight into the running portal's database.

Other modules edit and remove the demo people; a person made here is touched by one test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from admin_portal.auth.passwords import hash_password
from admin_portal.db import make_engine
from admin_portal.models import (
    AuditEvent,
    Company,
    LoginSession,
    Organisation,
    Unit,
    User,
    UserType,
    utcnow,
)
from admin_portal.validation.identifiers import email_key, username_key
from tests.e2e.conftest import Portal


@contextmanager
def portal_db(portal: Portal) -> Iterator[Session]:
    engine = make_engine(portal.database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
            session.commit()
    finally:
        engine.dispose()


def add_person(
    portal: Portal,
    username: str,
    *,
    first: str,
    last: str,
    password: str | None = None,
    national_id: str | None = None,
    user_type: str = UserType.EMPLOYEE,
    unit_name: str = "Hemtjänst Centrum",
    with_email: bool = False,
) -> int:
    """A person in Demo Omsorg's unit `unit_name`; returns their id."""
    with portal_db(portal) as session:
        org = session.exec(select(Organisation).where(Organisation.name == "Demo Omsorg")).one()
        unit = session.exec(select(Unit).where(Unit.name == unit_name)).one()
        company = session.get(Company, unit.company_id)
        assert company is not None
        email = f"{username}@demo-omsorg.example" if with_email else None
        user = User(
            organisation_id=org.id,
            company_id=company.id,
            unit_id=unit.id,
            first_name=first,
            last_name=last,
            username=username,
            username_key=username_key(username),
            email=email,
            email_key=email_key(email) if email else None,
            email_verified_at=utcnow() if email else None,
            password_hash=hash_password(password) if password else None,
            national_id=national_id,
            user_type=user_type,
        )
        session.add(user)
        session.flush()
        assert user.id is not None
        return user.id


def make_sessions_idle(portal: Portal, username: str, *, since: datetime) -> int:
    """Pretend every live session of `username` was last used at `since`."""
    with portal_db(portal) as session:
        user = session.exec(select(User).where(User.username_key == username_key(username))).one()
        result = session.execute(
            update(LoginSession)
            .where(col(LoginSession.user_id) == user.id, col(LoginSession.revoked_at).is_(None))
            .values(last_seen_at=since)
        )
        return result.rowcount or 0  # type: ignore[attr-defined]


def audit_details(portal: Portal) -> list[str]:
    """Every audit event as text: action, target, outcome and detail."""
    with portal_db(portal) as session:
        return [
            f"{e.action} {e.target_type} {e.target_id} {e.outcome} {e.detail or ''}"
            for e in session.exec(select(AuditEvent)).all()
        ]

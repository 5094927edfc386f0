"""People of issue 14's form tests, written into the running portal's database.

No name here contains a word the pages use as a field label (Företag, Enhet, E-post ...):
the database is shared by every e2e module, and `get_by_label` must keep finding one field.
"""

from __future__ import annotations

from sqlmodel import select

from admin_portal.models import CareLink, Company, Role, RoleAssignment, Unit, User
from tests.e2e.accounts import add_person, portal_db
from tests.e2e.conftest import Portal


def grant_admin(
    portal: Portal, user_id: int, *, unit: str | None = None, company: str | None = None
) -> None:
    with portal_db(portal) as session:
        user = session.get(User, user_id)
        assert user is not None
        unit_row = session.exec(select(Unit).where(Unit.name == unit)).one() if unit else None
        company_row = (
            session.exec(select(Company).where(Company.name == company)).one() if company else None
        )
        session.add(
            RoleAssignment(
                user_id=user_id,
                organisation_id=user.organisation_id,
                role=Role.ADMIN,
                unit_id=unit_row.id if unit_row else None,
                company_id=company_row.id if company_row else None,
            )
        )


def link(portal: Portal, assistant_id: int, brukare_id: int) -> None:
    with portal_db(portal) as session:
        user = session.get(User, assistant_id)
        assert user is not None
        session.add(
            CareLink(
                organisation_id=user.organisation_id,
                assistant_id=assistant_id,
                brukare_id=brukare_id,
            )
        )


def user_type_of(portal: Portal, user_id: int) -> str:
    with portal_db(portal) as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.user_type


def grants_of(portal: Portal, user_id: int) -> list[str]:
    with portal_db(portal) as session:
        return list(
            session.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == user_id)).all()
        )


def links_of(portal: Portal, assistant_id: int) -> int:
    with portal_db(portal) as session:
        return len(
            session.exec(select(CareLink).where(CareLink.assistant_id == assistant_id)).all()
        )


__all__ = ["add_person", "grant_admin", "grants_of", "link", "links_of", "user_type_of"]

"""The shared test world: one customer organisation with two companies and their units, its
administrators, and a second organisation beside it (whose people must stay out of reach).

A test module extends it with the people it needs:

    @dataclass
    class World(CareWorld):
        brukare: User

    @pytest.fixture
    def w(session: Session) -> World:
        base = build_care_world(session)
        return base.extend(World, brukare=make_user(session, base.company, ...))
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import Company, Organisation, Role, Unit, User
from tests.support.factories import grant, make_company, make_org, make_unit, make_user

W = TypeVar("W", bound="CareWorld")


@dataclass
class CareWorld:
    org: Organisation  # "Omsorg Syd"
    company: Company  # "Solsidan Assistans AB" unless named otherwise (so the units too)
    company2: Company  # "Norrsidan AB", the same organisation
    unit_a: Unit  # "Enhet A", in company
    unit_b: Unit  # "Enhet B", in company
    other_org: Organisation  # "Annan kund" unless named otherwise
    other_company: Company  # in other_org
    head: User  # head administrator of org
    company_admin: User  # administrator of `company`
    standard: User  # no role, placed in unit_a ("vanlig")
    other_head: User  # head administrator of other_org ("annan.huvud" unless named otherwise)

    def actor(self, session: Session, user: User) -> Actor:
        """The user as the services see them when signed in."""
        assert user.id is not None
        found = load_actor(session, user.id)
        assert found is not None
        return found

    def extend(self, world_type: type[W], **extra: Any) -> W:
        """This world as `world_type` (a subclass adding fields), with `extra` filled in."""
        shared = {f.name: getattr(self, f.name) for f in dataclasses.fields(CareWorld)}
        return world_type(**shared, **extra)


def build_care_world(
    session: Session,
    *,
    head_username: str = "huvud.admin",
    company_name: str = "Solsidan Assistans AB",
    company2_name: str = "Norrsidan AB",
    unit_a_name: str = "Enhet A",
    unit_b_name: str = "Enhet B",
    other_org_name: str = "Annan kund",
    other_company_name: str = "Annan AB",
    other_head_username: str = "annan.huvud",
    password: str | None = None,
    standard_email: str | None = None,
    head_email: str | None = None,
) -> CareWorld:
    """Build the shared world (flushed, not committed: the caller adds to it and commits).

    Args:
        session: Where to add the world.
        head_username: The head administrator's username.
        company_name: The name of `company`.
        company2_name: The name of `company2`.
        unit_a_name: The name of `unit_a`.
        unit_b_name: The name of `unit_b`.
        other_org_name: The second organisation's name.
        other_company_name: The second organisation's company's name.
        other_head_username: The second organisation's head administrator's username.
        password: When given, the organisation's head, company admin and standard user can
            sign in with it (hashing costs time: ask for the `cheap_argon2` fixture).
        standard_email: The standard user's (unverified) address; none unless given.
        head_email: The head administrator's (unverified) address; none unless given.

    Returns:
        The world.
    """
    org = make_org(session, "Omsorg Syd")
    company = make_company(session, org, company_name)
    company2 = make_company(session, org, company2_name)
    unit_a = make_unit(session, company, unit_a_name)
    unit_b = make_unit(session, company, unit_b_name)
    other_org = make_org(session, other_org_name)
    other_company = make_company(session, other_org, other_company_name)
    head = make_user(session, company, username=head_username, password=password, email=head_email)
    grant(session, head, Role.HEAD_ADMIN)
    company_admin = make_user(session, company, username="foretag.admin", password=password)
    grant(session, company_admin, Role.ADMIN, company=company)
    standard = make_user(
        session, company, unit=unit_a, username="vanlig", password=password, email=standard_email
    )
    other_head = make_user(session, other_company, username=other_head_username)
    grant(session, other_head, Role.HEAD_ADMIN)
    return CareWorld(
        org=org,
        company=company,
        company2=company2,
        unit_a=unit_a,
        unit_b=unit_b,
        other_org=other_org,
        other_company=other_company,
        head=head,
        company_admin=company_admin,
        standard=standard,
        other_head=other_head,
    )


def add_unit_admin(
    session: Session,
    world: CareWorld,
    *,
    username: str = "enhetsadmin",
    password: str | None = None,
) -> User:
    """Add an administrator of `world.unit_a` only, placed in that unit (flushed).

    Args:
        session: Where the world lives.
        world: The shared world.
        username: The new administrator's username.
        password: Their password, if they sign in (ask for the `cheap_argon2` fixture).

    Returns:
        The unit administrator.
    """
    admin = make_user(
        session, world.company, username=username, password=password, unit=world.unit_a
    )
    grant(session, admin, Role.ADMIN, unit=world.unit_a)
    return admin

"""The demo organisation: a small but complete tree, created once, with working logins."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, func, select

from admin_portal.auth.permissions import load_actor
from admin_portal.models import (
    Company,
    Organisation,
    Role,
    RoleAssignment,
    Unit,
    User,
    UserType,
)
from admin_portal.services.auth.login import InvalidCredentials, authenticate
from admin_portal.services.demo.seed import (
    DEMO_ORGANISATION,
    HEAD_ADMIN_USERNAME,
    OTHER_ORGANISATION,
    UNIT_ADMIN_USERNAME,
    seed_demo,
)
from tests.support.factories import make_org

DEMO_PASSWORD = "demo lösenfras för utveckling"


pytestmark = pytest.mark.usefixtures("cheap_argon2")


def _count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def _user(session: Session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def test_seed_creates_the_demo_organisation_with_two_companies(session: Session) -> None:
    assert seed_demo(session, password=DEMO_PASSWORD) is True

    org = session.exec(select(Organisation).where(Organisation.name == DEMO_ORGANISATION)).one()
    assert org.name == DEMO_ORGANISATION == "Demo Omsorg"
    companies = session.exec(select(Company).where(Company.organisation_id == org.id)).all()
    assert len(companies) == 2
    assert all(len(c.organisation_number) == 10 for c in companies)


def test_seed_creates_units_one_of_them_nested(session: Session) -> None:
    seed_demo(session, password=DEMO_PASSWORD)

    units = session.exec(select(Unit)).all()
    by_id = {u.id: u for u in units}
    nested = [u for u in units if u.parent_id is not None]
    assert len(units) >= 3
    assert nested
    for child in nested:
        parent = by_id[child.parent_id]
        assert parent.company_id == child.company_id


def test_huvudadmin_is_head_admin_of_the_demo_organisation(session: Session) -> None:
    seed_demo(session, password=DEMO_PASSWORD)
    head = _user(session, HEAD_ADMIN_USERNAME)
    assert HEAD_ADMIN_USERNAME == "huvudadmin" and head.id is not None

    actor = load_actor(session, head.id)

    assert actor is not None and actor.is_head_admin
    assert (
        actor.organisation_id
        == session.exec(select(Organisation.id).where(Organisation.name == DEMO_ORGANISATION)).one()
    )


def test_enhetsadmin_is_admin_of_a_unit_only(session: Session) -> None:
    seed_demo(session, password=DEMO_PASSWORD)
    unit_admin = _user(session, UNIT_ADMIN_USERNAME)
    assert UNIT_ADMIN_USERNAME == "enhetsadmin" and unit_admin.id is not None

    actor = load_actor(session, unit_admin.id)
    grants = session.exec(
        select(RoleAssignment).where(RoleAssignment.user_id == unit_admin.id)
    ).all()

    assert actor is not None and actor.is_admin and not actor.is_head_admin
    assert actor.unit_ids and not actor.company_ids
    assert [(g.role, g.company_id is None, g.unit_id is not None) for g in grants] == [
        (Role.ADMIN, True, True)
    ]


def test_seed_has_users_of_every_type(session: Session) -> None:
    seed_demo(session, password=DEMO_PASSWORD)

    types = set(session.exec(select(User.user_type)).all())
    assert types == {t.value for t in UserType}


def test_seeded_users_have_unique_normalised_keys_and_some_lack_a_password(
    session: Session,
) -> None:
    seed_demo(session, password=DEMO_PASSWORD)

    demo_org = session.exec(
        select(Organisation.id).where(Organisation.name == DEMO_ORGANISATION)
    ).one()
    users = session.exec(select(User).where(User.organisation_id == demo_org)).all()
    assert all(u.username_key == u.username.casefold() for u in users)
    assert all(u.email and u.email_key == u.email.casefold() for u in users)
    # Some start without a password or verified e-mail, so invitations can be tried out.
    assert any(u.password_hash is None for u in users)
    assert any(u.email_verified_at is None for u in users)


def test_seeding_twice_creates_nothing_more(session: Session) -> None:
    seed_demo(session, password=DEMO_PASSWORD)
    session.commit()
    counts = [_count(session, t) for t in (Organisation, Company, Unit, User, RoleAssignment)]

    assert seed_demo(session, password=DEMO_PASSWORD) is False
    session.commit()

    assert [
        _count(session, t) for t in (Organisation, Company, Unit, User, RoleAssignment)
    ] == counts


def test_seed_leaves_an_existing_database_alone(session: Session) -> None:
    make_org(session, "Riktig kund")

    assert seed_demo(session, password=DEMO_PASSWORD) is False
    assert session.exec(select(col(Organisation.name))).all() == ["Riktig kund"]


def test_the_demo_password_logs_in_huvudadmin(session: Session) -> None:
    seed_demo(session, password=DEMO_PASSWORD)
    session.commit()

    user = authenticate(session, username=HEAD_ADMIN_USERNAME, password=DEMO_PASSWORD)

    assert user.username == HEAD_ADMIN_USERNAME
    with pytest.raises(InvalidCredentials):
        authenticate(session, username=HEAD_ADMIN_USERNAME, password=DEMO_PASSWORD + "x")


def test_a_second_customer_exists_whose_usernames_are_taken_elsewhere(session: Session) -> None:
    seed_demo(session, password=DEMO_PASSWORD)

    other = session.exec(select(Organisation).where(Organisation.name == OTHER_ORGANISATION)).one()
    outsider = _user(session, "anders.extern")

    assert outsider.organisation_id == other.id
    assert outsider.password_hash is None  # nobody can log in to the other customer from the demo


def test_seed_creates_the_boenden_partner_and_its_log_ins(session: Session) -> None:
    from admin_portal.services.properties import list_properties

    seed_demo(session, password=DEMO_PASSWORD)
    for username in ("primarkonto", "ordinarie"):
        authenticate(session, username=username, password=DEMO_PASSWORD)
    primary = load_actor(session, _user(session, "primarkonto").id)
    ordinary = load_actor(session, _user(session, "ordinarie").id)
    assert primary is not None and ordinary is not None
    page = list_properties(session, actor=primary)
    assert page.is_primary and page.agreement_number == "AVT-1001"
    assert [r.name for r in page.rows] == ["Hotell Fjällbacka", "Vandrarhem Strömstad"]
    assert [r.name for r in list_properties(session, actor=ordinary).rows] == [
        "Vandrarhem Strömstad"
    ]
    assert (
        primary.organisation_id
        != load_actor(session, _user(session, HEAD_ADMIN_USERNAME).id).organisation_id
    )  # type: ignore[union-attr]

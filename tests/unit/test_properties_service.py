"""Boenden (F2.1–F2.9): every invariant held by the service, whatever ids a client sends."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import (
    AuditEvent,
    Property,
    PropertyAccess,
    Role,
    User,
)
from admin_portal.services.auth.rate_limits import RateLimited
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from admin_portal.services.properties import (
    OtherAgreement,
    PrimaryAccountFixed,
    add_existing_property,
    grant_existing_user,
    list_properties,
    list_property_users,
    match_existing_user,
    register_property,
    remove_access,
    set_access_rights,
)
from admin_portal.services.properties.probe_limit import reset_lookup_limits
from tests.support.factories import grant, make_company, make_org, make_user
from tests.support.property_factories import (
    actor_of,
    give_access,
    make_agreement,
    make_primary,
    make_property,
)
from tests.support.world import build_care_world

ALL = ["bookings", "prices", "finance", "messages", "user_admin"]


@dataclass
class World:
    primary: Actor
    ordinary_user: User
    ordinary: Actor
    hotel: Property
    hostel: Property
    cabin: Property  # another agreement (AVT-2002)
    other_org_user: User
    other_org_property: Property
    support: Actor


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    reset_lookup_limits()
    yield
    reset_lookup_limits()


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def build_world(session: Session) -> World:
    """The shared world's organisation as a partner with AVT-1001 (two properties) and AVT-2002
    (one), a primary account, an ordinary account with Användarhantering on the hostel, the
    shared world's other organisation and a support desk."""
    base = build_care_world(session, other_org_name="Annan org")
    company = base.company
    a1001 = make_agreement(session, company, "AVT-1001")
    a2002 = make_agreement(session, company, "AVT-2002")
    hotel = make_property(session, a1001, "Hotell Fjällbacka")
    hostel = make_property(session, a1001, "Vandrarhem Strömstad")
    cabin = make_property(session, a2002, "Stuga Hemavan")
    primary_user = make_user(session, company, username="primarkonto", email="p@example.se")
    make_primary(session, primary_user, a1001)
    ordinary_user = make_user(session, company, username="ordinarie", email="o@example.se")
    give_access(session, ordinary_user, hostel, "bookings", "user_admin")
    other_company = base.other_company
    other_org_user = make_user(session, other_company, username="annan", email="a@example.se")
    other_property = make_property(session, make_agreement(session, other_company, "AVT-9"))
    desk = make_company(session, make_org(session, "Kundtjänst"))
    staff = make_user(session, desk, username="kundtjanst")
    grant(session, staff, Role.SUPPORT)
    return World(
        primary=actor_of(session, primary_user),
        ordinary_user=ordinary_user,
        ordinary=actor_of(session, ordinary_user),
        hotel=hotel,
        hostel=hostel,
        cabin=cabin,
        other_org_user=other_org_user,
        other_org_property=other_property,
        support=actor_of(session, staff),
    )


def _names(session: Session, actor: Actor) -> list[str]:
    return [r.name for r in list_properties(session, actor=actor).rows]


# --- reach (F2.1, F2.2) --------------------------------------------------------------------


def test_primary_account_reaches_its_agreement_and_nothing_else(
    session: Session, world: World
) -> None:
    page = list_properties(session, actor=world.primary)
    assert page.is_primary and page.agreement_number == "AVT-1001"
    assert _names(session, world.primary) == ["Hotell Fjällbacka", "Vandrarhem Strömstad"]


def test_ordinary_account_reaches_only_granted_properties(session: Session, world: World) -> None:
    page = list_properties(session, actor=world.ordinary)
    assert not page.is_primary
    assert [r.name for r in page.rows] == ["Vandrarhem Strömstad"]


def test_a_property_registered_later_is_included_without_any_copy(
    session: Session, world: World
) -> None:
    new_id = register_property(
        session,
        actor=world.primary,
        name="Pensionat Grebbestad",
        address="Strandvägen 3, Grebbestad",
        property_type="hotel",
    )
    prop = session.get(Property, new_id)
    assert prop is not None and prop.agreement_id == world.hotel.agreement_id  # F2.2
    assert "Pensionat Grebbestad" in _names(session, world.primary)
    # Derived, not copied: no per-property row was written for the primary account.
    assert (
        session.exec(select(PropertyAccess).where(col(PropertyAccess.property_id) == new_id)).all()
        == []
    )
    # Another property of the agreement added by anyone (support, import) is reached too.
    from admin_portal.models import PartnerAgreement
    from tests.support.property_factories import make_property as mk

    agreement = session.get(PartnerAgreement, world.hotel.agreement_id)
    assert agreement is not None
    mk(session, agreement, "Annex Fjällbacka")
    assert "Annex Fjällbacka" in _names(session, world.primary)


def test_search_and_keyset_pages_cover_every_property_once(session: Session, world: World) -> None:
    from admin_portal.models import PartnerAgreement
    from admin_portal.services.properties.listing import PAGE_SIZE

    agreement = session.get(PartnerAgreement, world.hotel.agreement_id)
    assert agreement is not None
    for n in range(60):
        make_property(session, agreement, f"Rum {n:03d}")
    seen, cursor = [], ""
    while True:
        page = list_properties(session, actor=world.primary, cursor=cursor)
        assert len(page.rows) <= PAGE_SIZE
        seen += [r.name for r in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 62
    found = list_properties(session, actor=world.primary, query="rum 05")
    assert [r.name for r in found.rows] == [f"Rum {n:03d}" for n in range(50, 60)]
    # A forged cursor starts over instead of failing.
    assert list_properties(session, actor=world.primary, cursor="junk").rows


def test_search_wildcards_are_literal(session: Session, world: World) -> None:
    assert list_properties(session, actor=world.primary, query="%").rows == []


# --- registration (F2.2, F2.3, F2.4) ----------------------------------------------------------


def test_ordinary_account_cannot_register_and_is_told_why(session: Session, world: World) -> None:
    with pytest.raises(PermissionDenied) as refused:
        register_property(
            session,
            actor=world.ordinary,
            name="Mitt hotell",
            address="Gatan 1, Ort",
            property_type="hotel",
        )
    assert refused.value.key == "properties.error.not_primary"


def test_registration_validates_and_rejects_duplicates(session: Session, world: World) -> None:
    with pytest.raises(ValidationFailed) as bad:
        register_property(
            session, actor=world.primary, name=" ", address="x", property_type="castle"
        )
    assert set(bad.value.errors) == {"name", "address", "property_type"}
    with pytest.raises(ValidationFailed) as dup:
        register_property(
            session,
            actor=world.primary,
            name="  hotell   FJÄLLBACKA ",
            address="Hamngatan 2, Fjällbacka",
            property_type="hotel",
        )
    assert dup.value.errors == {"name": "properties.error.duplicate"}


def test_the_same_name_in_another_agreement_is_no_duplicate(session: Session, world: World) -> None:
    # AVT-2002 has its own namespace: the cabin's name is free in AVT-1001.
    register_property(
        session,
        actor=world.primary,
        name="Stuga Hemavan",
        address="Fjällvägen 1, Hemavan",
        property_type="cabin",
    )


def test_another_agreements_property_is_refused_with_the_guided_way(
    session: Session, world: World
) -> None:
    with pytest.raises(OtherAgreement) as typed:
        register_property(
            session,
            actor=world.primary,
            name="Stuga Tärnaby",
            address="Fjällvägen 2, Tärnaby",
            property_type="cabin",
            agreement_number="AVT-2002",
        )
    assert typed.value.key == "properties.error.other_agreement"
    # A forged id of another agreement, and of another organisation, get the same answer.
    for forged in (world.cabin.id, world.other_org_property.id, 999_999, "1 OR 1=1"):
        with pytest.raises(OtherAgreement):
            add_existing_property(session, actor=world.primary, property_id=forged)
    add_existing_property(session, actor=world.primary, property_id=world.hotel.id)  # included
    assert "Stuga Hemavan" not in _names(session, world.primary)


# --- F2.5: nothing is removed from a primary account ----------------------------------------


def test_a_primary_account_cannot_lose_admin_rights_or_properties(
    session: Session, world: World
) -> None:
    primary_id = world.primary.user_id
    with pytest.raises(PrimaryAccountFixed):
        remove_access(
            session, actor=world.ordinary, property_id=world.hostel.id, user_id=primary_id
        )
    with pytest.raises(PrimaryAccountFixed):
        set_access_rights(
            session,
            actor=world.ordinary,
            property_id=world.hostel.id,
            user_id=primary_id,
            rights=["bookings"],
        )
    users = list_property_users(session, actor=world.ordinary, property_id=world.hostel.id)
    primary_row = next(u for u in users if u.user_id == primary_id)
    assert primary_row.is_primary and "user_admin" in primary_row.rights
    assert "Vandrarhem Strömstad" in _names(session, world.primary)


# --- rights lists ----------------------------------------------------------------------------


def test_rights_never_exceed_the_granters(session: Session, world: World) -> None:
    colleague = make_user(
        session, _company(session, world), username="kollega", email="k@example.se"
    )
    give_access(session, colleague, world.hostel, "messages")
    with pytest.raises(PermissionDenied) as refused:
        set_access_rights(
            session,
            actor=world.ordinary,
            property_id=world.hostel.id,
            user_id=colleague.id,
            rights=["finance"],
        )
    assert refused.value.key == "properties.error.rights_exceed"
    # Within the granter's rights: bookings given, the messages right (not the granter's) kept.
    set_access_rights(
        session,
        actor=world.ordinary,
        property_id=world.hostel.id,
        user_id=colleague.id,
        rights=["bookings"],
    )
    row = session.exec(
        select(PropertyAccess).where(col(PropertyAccess.user_id) == colleague.id)
    ).one()
    assert row.bookings and row.messages and not row.finance
    # Removing would take the messages right the granter never held.
    with pytest.raises(PermissionDenied):
        remove_access(
            session, actor=world.ordinary, property_id=world.hostel.id, user_id=colleague.id
        )
    # The primary account holds every right and may.
    remove_access(session, actor=world.primary, property_id=world.hostel.id, user_id=colleague.id)
    assert (
        session.exec(
            select(PropertyAccess).where(col(PropertyAccess.user_id) == colleague.id)
        ).first()
        is None
    )
    actions = session.exec(select(AuditEvent.action)).all()
    assert actions.count("property_access_changed") == 2


def test_lists_need_user_management_and_forged_ids_are_not_found(
    session: Session, world: World
) -> None:
    no_admin = make_user(session, _company(session, world), username="bokare", email="b@example.se")
    give_access(session, no_admin, world.hostel, "bookings")
    actor = actor_of(session, no_admin)
    with pytest.raises(NotFound):
        list_property_users(session, actor=actor, property_id=world.hostel.id)
    # The ordinary admin of the hostel reaches neither the hotel nor another organisation.
    for forged in (world.hotel.id, world.cabin.id, world.other_org_property.id, True, None):
        with pytest.raises(NotFound):
            list_property_users(session, actor=world.ordinary, property_id=forged)
    # A user of another organisation (or one not on the list) cannot be edited by id.
    for forged_user in (world.other_org_user.id, no_admin.id + 1000):
        with pytest.raises(NotFound):
            set_access_rights(
                session,
                actor=world.primary,
                property_id=world.hotel.id,
                user_id=forged_user,
                rights=["bookings"],
            )


def test_unknown_rights_are_refused(session: Session, world: World) -> None:
    with pytest.raises(ServiceError):
        set_access_rights(
            session,
            actor=world.primary,
            property_id=world.hostel.id,
            user_id=world.ordinary_user.id,
            rights=["root"],
        )


# --- F2.6 Nuvarande användare ------------------------------------------------------------------


def _company(session: Session, world: World):  # type: ignore[no-untyped-def]
    from admin_portal.models import Company

    company = session.get(Company, world.ordinary_user.company_id)
    assert company is not None
    return company


def test_existing_user_needs_both_username_and_email(session: Session, world: World) -> None:
    found = match_existing_user(
        session,
        actor=world.primary,
        username="ORDINARIE",
        email="O@example.se",
        client_address="10.0.0.1",
    )
    assert found.username == "ordinarie"
    changed = grant_existing_user(
        session,
        actor=world.primary,
        username="ordinarie",
        email="o@example.se",
        rights={str(world.hotel.id): ["finance", "prices"]},
        client_address="10.0.0.1",
    )
    assert changed == 1
    assert "Hotell Fjällbacka" in _names(session, world.ordinary)


def test_every_mismatch_gets_the_same_generic_answer(session: Session, world: World) -> None:
    primary_user = session.get(User, world.primary.user_id)
    assert primary_user is not None
    cases = [
        ("ordinarie", "wrong@example.se"),  # right username, wrong address
        ("nobody", "o@example.se"),  # unknown username
        ("primarkonto", "p@example.se"),  # a primary account
        ("annan", "a@example.se"),  # another organisation
        ("", ""),
    ]
    keys = set()
    for username, email in cases:
        with pytest.raises(ServiceError) as refused:
            match_existing_user(
                session,
                actor=world.primary,
                username=username,
                email=email,
                client_address="10.0.0.2",
            )
        keys.add((type(refused.value), refused.value.key))
    assert keys == {(ServiceError, "properties.error.no_match")}
    # A primary account looked up by someone else (not oneself): the same answer.
    with pytest.raises(ServiceError) as primary:
        match_existing_user(
            session,
            actor=world.ordinary,
            username="primarkonto",
            email="p@example.se",
            client_address="10.0.0.2",
        )
    assert primary.value.key == "properties.error.no_match"


def test_existing_user_lookups_are_rate_limited(session: Session, world: World, configure) -> None:  # type: ignore[no-untyped-def]
    configure(property_user_lookup_rate_limit="3/minute")
    for _ in range(3):
        with pytest.raises(ServiceError):
            match_existing_user(
                session,
                actor=world.primary,
                username="x",
                email="y@z.se",
                client_address="10.0.0.3",
            )
    with pytest.raises(RateLimited):
        match_existing_user(
            session,
            actor=world.primary,
            username="ordinarie",
            email="o@example.se",
            client_address="10.0.0.3",
        )


def test_granting_a_forged_property_or_more_than_own_rights_is_refused(
    session: Session, world: World
) -> None:
    colleague = make_user(session, _company(session, world), username="ny", email="n@example.se")
    for rights in (
        {str(world.cabin.id): ["bookings"]},
        {str(world.other_org_property.id): ["bookings"]},
    ):
        with pytest.raises(NotFound):
            grant_existing_user(
                session,
                actor=world.ordinary,
                username="ny",
                email="n@example.se",
                rights=rights,
                client_address=None,
            )
    with pytest.raises(PermissionDenied):
        grant_existing_user(
            session,
            actor=world.ordinary,
            username="ny",
            email="n@example.se",
            rights={str(world.hostel.id): ["finance"]},
            client_address=None,
        )
    assert (
        session.exec(
            select(PropertyAccess).where(col(PropertyAccess.user_id) == colleague.id)
        ).first()
        is None
    )

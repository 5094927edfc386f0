"""Who administers whom: head admins the organisation, admins their companies and unit subtrees."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session

from admin_portal.auth.permissions import (
    Actor,
    can_access_company,
    can_create_administrators,
    can_manage_user,
    can_use_user_bank,
    load_actor,
)
from admin_portal.models import Role, RoleAssignment, Unit, User, UserStatus
from admin_portal.services.organisation import count_active_users_in_scope, describe_scope
from tests.support.factories import grant, make_unit, make_user
from tests.support.world import CareFrame, add_unit_admin, build_care_frame


@dataclass
class World(CareFrame):
    # The frame: company ("A Norr") with the top-level units unit_a ("Centrum") and unit_b
    # ("Väster"); company2 ("A Syd"); the head admin, in company.
    u1a: Unit  # company, below unit_a
    u1b: Unit  # company, below u1a
    u3: Unit  # company2
    company_admin: User  # admin of company2
    unit_admin: User  # admin of unit_a (and so of u1a, u1b)
    standard: User  # in unit_b
    removed: User  # in u1a, in the user bank
    in_c1: User  # company, no unit
    in_u1: User  # unit_a
    in_u1a: User
    in_u1b: User
    in_u2: User  # unit_b
    in_c2: User  # company2, no unit
    in_u3: User
    in_other: User  # other_org


@pytest.fixture
def world(session: Session) -> World:
    base = build_care_frame(
        session,
        head_username="head",
        company_name="A Norr",
        company2_name="A Syd",
        unit_a_name="Centrum",
        unit_b_name="Väster",
        other_org_name="Omsorg B",
        other_company_name="B AB",
        other_head_username="bhead",
    )
    c1, c2, u1, u2 = base.company, base.company2, base.unit_a, base.unit_b
    u1a = make_unit(session, c1, "Centrum natt", parent=u1)
    u1b = make_unit(session, c1, "Centrum natt helg", parent=u1a)
    u3 = make_unit(session, c2, "Syd assistans")
    other_unit = make_unit(session, base.other_company, "B enhet")

    company_admin = make_user(session, c2, username="cadmin")
    unit_admin = add_unit_admin(session, base, username="uadmin")
    standard = make_user(session, c1, unit=u2, username="standard")
    removed = make_user(session, c1, unit=u1a, username="removed")
    removed.status = UserStatus.REMOVED
    session.add(removed)
    world = base.extend(
        World,
        u1a=u1a, u1b=u1b, u3=u3,
        company_admin=company_admin, unit_admin=unit_admin, standard=standard,
        removed=removed,
        in_c1=make_user(session, c1),
        in_u1=make_user(session, c1, unit=u1),
        in_u1a=make_user(session, c1, unit=u1a),
        in_u1b=make_user(session, c1, unit=u1b),
        in_u2=make_user(session, c1, unit=u2),
        in_c2=make_user(session, c2),
        in_u3=make_user(session, c2, unit=u3),
        in_other=make_user(session, base.other_company, unit=other_unit),
    )  # fmt: skip
    grant(session, company_admin, Role.ADMIN, company=c2)
    grant(session, removed, Role.HEAD_ADMIN)
    session.flush()
    return world


def _actor(session: Session, user: User) -> Actor:
    assert user.id is not None
    actor = load_actor(session, user.id)
    assert actor is not None
    return actor


# -- load_actor --------------------------------------------------------------------------------


def test_a_head_admin_administers_the_whole_organisation(session: Session, world: World) -> None:
    actor = _actor(session, world.head)

    assert actor.is_head_admin and actor.is_admin
    assert actor.role == Role.HEAD_ADMIN
    assert actor.organisation_id == world.org.id
    assert actor.full_name == "Test Person"


def test_a_company_admin_has_their_companies(session: Session, world: World) -> None:
    actor = _actor(session, world.company_admin)

    assert not actor.is_head_admin and actor.is_admin
    assert actor.role == Role.ADMIN
    assert actor.company_ids == {world.company2.id}
    assert actor.unit_ids == frozenset()


def test_a_unit_admin_has_their_unit_and_every_unit_nested_below(
    session: Session, world: World
) -> None:
    actor = _actor(session, world.unit_admin)

    assert actor.is_admin and not actor.is_head_admin
    assert actor.role == Role.ADMIN
    assert actor.unit_ids == {world.unit_a.id, world.u1a.id, world.u1b.id}
    assert actor.company_ids == frozenset()


def test_a_grant_on_a_sub_unit_does_not_reach_up_or_sideways(
    session: Session, world: World
) -> None:
    grant(session, world.in_c1, Role.ADMIN, unit=world.u1a)

    assert _actor(session, world.in_c1).unit_ids == {world.u1a.id, world.u1b.id}


def test_a_standard_user_is_no_admin(session: Session, world: World) -> None:
    actor = _actor(session, world.standard)

    assert not actor.is_admin and not actor.is_head_admin
    assert actor.role is None
    assert actor.company_ids == actor.unit_ids == frozenset()


def test_a_removed_user_has_no_actor_even_with_grants(session: Session, world: World) -> None:
    assert world.removed.id is not None
    assert load_actor(session, world.removed.id) is None


def test_an_unknown_user_has_no_actor(session: Session, world: World) -> None:
    assert load_actor(session, 999_999) is None


def test_a_grant_recorded_for_another_organisation_gives_nothing(
    session: Session, world: World
) -> None:
    session.add(
        RoleAssignment(
            user_id=world.standard.id, organisation_id=world.other_org.id, role=Role.HEAD_ADMIN
        )
    )
    session.flush()

    assert not _actor(session, world.standard).is_admin


# -- can_manage_user ---------------------------------------------------------------------------


def test_a_head_admin_manages_everyone_in_the_organisation(session: Session, world: World) -> None:
    actor = _actor(session, world.head)

    for user in (world.in_c1, world.in_u1, world.in_u1b, world.in_u2, world.in_c2, world.in_u3,
                 world.company_admin, world.unit_admin, world.removed):  # fmt: skip
        assert can_manage_user(actor, user), user.username


def test_a_head_admin_never_manages_another_organisations_users(
    session: Session, world: World
) -> None:
    assert not can_manage_user(_actor(session, world.head), world.in_other)
    assert not can_manage_user(_actor(session, world.head), world.other_head)
    assert not can_manage_user(_actor(session, world.other_head), world.in_c1)
    assert can_manage_user(_actor(session, world.other_head), world.in_other)


def test_a_company_admin_manages_their_company_only(session: Session, world: World) -> None:
    actor = _actor(session, world.company_admin)

    assert can_manage_user(actor, world.in_c2)
    assert can_manage_user(actor, world.in_u3)  # a unit of their company
    for user in (world.in_c1, world.in_u1, world.in_u2, world.head, world.in_other):
        assert not can_manage_user(actor, user), user.username


def test_a_unit_admin_manages_their_unit_and_its_sub_units_only(
    session: Session, world: World
) -> None:
    actor = _actor(session, world.unit_admin)

    for user in (world.in_u1, world.in_u1a, world.in_u1b):
        assert can_manage_user(actor, user), user.username
    # Same company, but not their unit: neither a sibling unit nor the company as a whole.
    for user in (world.in_u2, world.in_c1, world.in_c2, world.in_u3, world.head, world.in_other):
        assert not can_manage_user(actor, user), user.username


def test_a_standard_user_manages_nobody(session: Session, world: World) -> None:
    actor = _actor(session, world.standard)

    for user in (world.in_c1, world.in_u1, world.in_u2, world.standard, world.in_other):
        assert not can_manage_user(actor, user), user.username


def test_scope_ids_from_another_organisation_are_never_enough(world: World) -> None:
    # Even an actor whose scope sets somehow hold the other organisation's ids.
    assert world.org.id is not None and world.in_other.unit_id is not None
    forged = Actor(
        user_id=world.unit_admin.id or 0,
        organisation_id=world.org.id,
        full_name="x",
        language="sv",
        company_ids=frozenset({world.other_company.id or 0}),
        unit_ids=frozenset({world.in_other.unit_id}),
    )

    assert not can_manage_user(forged, world.in_other)
    assert not can_access_company(forged, world.other_company)


def test_company_access_follows_scope(session: Session, world: World) -> None:
    head, cadmin, uadmin = (
        _actor(session, u) for u in (world.head, world.company_admin, world.unit_admin)
    )

    assert can_access_company(head, world.company) and can_access_company(head, world.company2)
    assert not can_access_company(head, world.other_company)
    assert can_access_company(cadmin, world.company2) and not can_access_company(
        cadmin, world.company
    )
    assert not can_access_company(uadmin, world.company)


# -- head-admin-only capabilities --------------------------------------------------------------


def test_only_head_admins_use_the_user_bank_and_create_administrators(
    session: Session, world: World
) -> None:
    head = _actor(session, world.head)
    others = [_actor(session, u) for u in (world.company_admin, world.unit_admin, world.standard)]

    assert can_use_user_bank(head) and can_create_administrators(head)
    for actor in others:
        assert not can_use_user_bank(actor)
        assert not can_create_administrators(actor)


# -- counting users in scope -------------------------------------------------------------------


def test_count_for_a_head_admin_is_every_active_user_of_the_organisation(
    session: Session, world: World
) -> None:
    # head, cadmin, uadmin, standard and seven more; not the removed one, not organisation B.
    assert count_active_users_in_scope(session, actor=_actor(session, world.head)) == 11


def test_count_for_a_company_admin_is_their_company(session: Session, world: World) -> None:
    # cadmin, in_c2, in_u3
    assert count_active_users_in_scope(session, actor=_actor(session, world.company_admin)) == 3


def test_count_for_a_unit_admin_is_their_unit_subtree(session: Session, world: World) -> None:
    # uadmin, in_u1, in_u1a, in_u1b (the removed user in u1a does not count)
    assert count_active_users_in_scope(session, actor=_actor(session, world.unit_admin)) == 4


def test_count_for_mixed_grants_is_the_union(session: Session, world: World) -> None:
    grant(session, world.in_c1, Role.ADMIN, company=world.company2)
    grant(session, world.in_c1, Role.ADMIN, unit=world.u1a)

    # cadmin, in_c2, in_u3 + in_u1a, in_u1b
    assert count_active_users_in_scope(session, actor=_actor(session, world.in_c1)) == 5


def test_count_for_a_standard_user_is_zero(session: Session, world: World) -> None:
    assert count_active_users_in_scope(session, actor=_actor(session, world.standard)) == 0


def test_scope_summary_names_the_top_units_administered(session: Session, world: World) -> None:
    summary = describe_scope(session, actor=_actor(session, world.unit_admin))

    assert summary.organisation_name == "Omsorg Syd"  # the shared frame's organisation
    assert summary.company_names == []
    assert summary.unit_names == ["Centrum"]  # sub-units are implied

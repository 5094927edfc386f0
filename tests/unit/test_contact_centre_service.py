"""Kontaktcenter services (issue 16): numeric IDs, Lägg till agent, profiles, guards, moves."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from admin_portal.models import (
    Agent,
    AgentGroupProfile,
    ExternalUserId,
    Profile,
    ProfileSkill,
    User,
    UserStatus,
    UserType,
    require_id,
)
from admin_portal.services.contact_centre.agents import AgentInput, create_agent, remove_agent
from admin_portal.services.contact_centre.detail import get_agent
from admin_portal.services.contact_centre.listing import list_agents
from admin_portal.services.contact_centre.moves import move_agent, preview_move
from admin_portal.services.contact_centre.numeric_ids import (
    check_numeric_id,
    compact_ranges,
    next_free,
    used_numeric_ids,
)
from admin_portal.services.contact_centre.profiles import (
    delete_personal_profile,
    personal_profiles,
    save_personal_profile,
    set_group_profiles,
)
from admin_portal.services.contact_centre.queues import AgentInQueue
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from admin_portal.services.users.removal import (
    remove_user,
)
from tests.support.contact_centre_factories import CcWorld, build_world, make_agent


@pytest.fixture
def world(session: Session) -> CcWorld:
    return build_world(session)


def _input(world: CcWorld, **overrides: object) -> AgentInput:
    values: dict[str, object] = {
        "first_name": "Nora",
        "last_name": "Ny",
        "username": "nora.ny",
        "email": "nora@x.example",
        "group_id": world.gbg.id,
        "language": "sv",
    }
    values.update(overrides)
    return AgentInput(**values)  # type: ignore[arg-type]


# --- numeric IDs (F3.3)


def test_compact_ranges_and_next_free() -> None:
    assert compact_ranges([7, 1, 2, 3, 9, 10, 3]) == ["1–3", "7", "9–10"]
    assert compact_ranges([]) == []
    assert next_free([]) == 1
    assert next_free([101, 102, 104]) == 103
    assert next_free([5]) == 6


def test_used_ids_are_the_organisations(session: Session, world: CcWorld) -> None:
    used = used_numeric_ids(session, actor=world.company_admin)
    assert used.ranges == ["101–102"]
    assert used.next_free == 103
    assert check_numeric_id(session, actor=world.head, raw="101") == (
        "contact_centre.numeric_id_taken"
    )
    assert check_numeric_id(session, actor=world.head, raw="103") == ""
    assert check_numeric_id(session, actor=world.head, raw="1x") == (
        "contact_centre.numeric_id_invalid"
    )


def test_numeric_id_unique_in_the_database(session: Session, world: CcWorld) -> None:
    world.agent2.numeric_id = 101
    session.add(world.agent2)
    with pytest.raises(IntegrityError):
        session.flush()


# --- Lägg till agent (F3.1, F3.2)


def test_create_agent_without_password(session: Session, world: CcWorld) -> None:
    agent_id = create_agent(
        session,
        actor=world.company_admin,
        data=_input(
            world,
            numeric_id="103",
            login_id_is_email=True,
            keywords="kväll helg",
            external_ids=[("crm", "A-1"), ("", "")],
            group_profile_ids=[world.profiles["Teknik"]],
        ),
    )
    user = session.get(User, agent_id)
    assert user is not None and user.password_hash is None
    assert user.user_type == UserType.AGENT and user.numeric_id == 103
    assert user.company_id == world.gbg.company_id
    agent = session.get(Agent, agent_id)
    assert agent is not None and agent.login_id == "nora@x.example"
    assert agent.keywords == "kväll helg"
    assert session.exec(select(ExternalUserId.external_id)).all() == ["A-1"]
    ticks = session.exec(
        select(AgentGroupProfile.profile_id).where(AgentGroupProfile.agent_id == agent_id)
    ).all()
    assert ticks == [world.profiles["Teknik"]]


def test_email_or_mobile_is_required(session: Session, world: CcWorld) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_agent(session, actor=world.head, data=_input(world, email="", mobile=""))
    assert refused.value.errors["email"] == "contact_centre.email_or_mobile"
    assert refused.value.errors["mobile"] == "contact_centre.email_or_mobile"


def test_mobile_alone_is_enough_and_validated(session: Session, world: CcWorld) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_agent(session, actor=world.head, data=_input(world, email="", mobile="08-1234567"))
    assert refused.value.errors["mobile"].startswith("phone.")
    agent_id = create_agent(
        session, actor=world.head, data=_input(world, email="", mobile="0046701234567")
    )
    user = session.get(User, agent_id)
    assert user is not None and user.mobile == "+46701234567"


def test_numeric_id_clash_is_refused(session: Session, world: CcWorld) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_agent(session, actor=world.head, data=_input(world, numeric_id="101"))
    assert refused.value.errors == {"numeric_id": "contact_centre.numeric_id_taken"}


def test_external_id_unique_per_organisation_and_system(session: Session, world: CcWorld) -> None:
    create_agent(session, actor=world.head, data=_input(world, external_ids=[["crm", "7"]]))
    with pytest.raises(ValidationFailed) as refused:
        create_agent(
            session,
            actor=world.head,
            data=_input(
                world, username="bertil.b", email="b@x.example", external_ids=[["crm", "7"]]
            ),
        )
    assert refused.value.errors["external_ids"] == "contact_centre.external_id_taken"
    # Another system may use the same id.
    create_agent(
        session,
        actor=world.head,
        data=_input(world, username="cecilia.c", email="c@x.example", external_ids=[["hr", "7"]]),
    )


def test_group_outside_scope_and_forged_profiles(session: Session, world: CcWorld) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_agent(
            session, actor=world.company_admin, data=_input(world, group_id=world.foreign.id)
        )
    assert refused.value.errors["group_id"] == "contact_centre.group_required"
    with pytest.raises(ValidationFailed) as refused:
        create_agent(
            session,
            actor=world.head,
            data=_input(world, group_profile_ids=[world.profiles["Växel sv"]]),
        )
    assert refused.value.errors == {"group_profiles": "contact_centre.profiles_invalid"}


# --- queue guards (F3.7, F3.8)


def test_agent_in_queue_cannot_be_removed(session: Session, world: CcWorld) -> None:
    with pytest.raises(AgentInQueue) as refused:
        remove_agent(session, actor=world.head, agent_id=world.agent1.id)
    assert refused.value.key == "contact_centre.in_queue"
    # Nor through Användare (the users capability's removal).
    with pytest.raises(ServiceError) as refused_users:
        remove_user(session, actor=world.head, user_id=world.agent1.id)
    assert refused_users.value.key == "contact_centre.in_queue_remove"
    assert world.agent1.status == UserStatus.ACTIVE
    remove_agent(session, actor=world.head, agent_id=world.agent2.id)
    assert world.agent2.status == UserStatus.REMOVED


def test_agent_in_queue_cannot_be_moved(session: Session, world: CcWorld) -> None:
    preview = preview_move(
        session, actor=world.head, agent_id=world.agent1.id, group_id=world.sthlm.id
    )
    assert preview.in_queues == ["Kundtjänst"]
    with pytest.raises(AgentInQueue):
        move_agent(session, actor=world.head, agent_id=world.agent1.id, group_id=world.sthlm.id)
    agent = session.get(Agent, world.agent1.id)
    assert agent is not None and agent.group_id == world.gbg.id


# --- moves: own values stay, inherited follow (F3.8)


def test_move_preview_and_inheritance(session: Session, world: CcWorld) -> None:
    # agent3: own phone timeout 60 s, inherited wrap-up, an own filter; not in a queue.
    agent3 = make_agent(
        session,
        world.company,
        world.gbg,
        username="agent3",
        numeric_id=None,
        own_timeout=60,
        profile_ids=[world.profiles["Faktura"]],
    )
    world.sthlm.wrap_up_s = 20
    session.add(world.sthlm)
    from admin_portal.models import AgentResourceFilter

    session.add(AgentResourceFilter(agent_id=require_id(agent3), name="Eget"))
    session.flush()
    preview = preview_move(session, actor=world.head, agent_id=agent3.id, group_id=world.sthlm.id)
    assert preview.profiles_lost == ["Faktura"]
    assert preview.profiles_gained == ["Växel en", "Växel sv"]
    assert [(c.key, c.before) for c in preview.own_values_kept] == [("phone_timeout_s", 60)]
    assert [(c.key, c.before, c.after) for c in preview.inherited_changed] == [
        ("wrap_up_s", 10, 20)
    ]
    assert preview.own_filters_kept == ["Eget"]
    assert (preview.filters_lost, preview.filters_gained) == (["Väst"], ["Öst"])
    assert preview.in_queues == []

    move_agent(session, actor=world.head, agent_id=agent3.id, group_id=world.sthlm.id)
    detail = get_agent(session, actor=world.head, agent_id=agent3.id)
    settings = {s.key: (s.value, s.own) for s in detail.settings}
    assert settings == {"phone_timeout_s": (60, True), "wrap_up_s": (20, False)}
    assert [(f.name, f.own) for f in detail.filters] == [("Eget", True), ("Öst", False)]
    assert sorted(detail.ticked_profile_ids) == sorted(
        [world.profiles["Växel sv"], world.profiles["Växel en"]]
    )
    # agent2 has no own timeout: it follows the group (30 -> 45).
    move_agent(session, actor=world.head, agent_id=world.agent2.id, group_id=world.sthlm.id)
    detail2 = get_agent(session, actor=world.head, agent_id=world.agent2.id)
    assert {s.key: (s.value, s.own) for s in detail2.settings}["phone_timeout_s"] == (45, False)


def test_move_to_same_or_foreign_group_refused(session: Session, world: CcWorld) -> None:
    with pytest.raises(ValidationFailed):
        move_agent(session, actor=world.head, agent_id=world.agent2.id, group_id=world.gbg.id)
    with pytest.raises(NotFound):
        move_agent(
            session, actor=world.company_admin, agent_id=world.agent2.id, group_id=world.foreign.id
        )
    with pytest.raises(NotFound):
        preview_move(
            session, actor=world.other_admin, agent_id=world.agent2.id, group_id=world.foreign.id
        )


# --- profiles (F3.5, F3.6)


def test_personal_profiles_saved_explicitly(session: Session, world: CcWorld) -> None:
    skills = {str(world.skills["Svenska"]): "7", str(world.skills["Växel"]): 3}
    pid = save_personal_profile(
        session, actor=world.head, agent_id=world.agent2.id, name=" Kväll ", skills=skills
    )
    views = personal_profiles(session, actor=world.head, agent_id=world.agent2.id)
    assert [(v.name, [(s.name, s.level) for s in v.skills]) for v in views] == [
        ("Kväll", [("Svenska", 7), ("Växel", 3)])
    ]
    with pytest.raises(ValidationFailed) as refused:
        save_personal_profile(
            session,
            actor=world.head,
            agent_id=world.agent2.id,
            profile_id=pid,
            name="Kväll",
            skills={world.skills["Svenska"]: 10},
        )
    assert refused.value.errors["skills"] == "contact_centre.skill_level_range"
    # Another agent's profile id is not this agent's.
    with pytest.raises(NotFound):
        delete_personal_profile(session, actor=world.head, agent_id=world.agent1.id, profile_id=pid)
    delete_personal_profile(session, actor=world.head, agent_id=world.agent2.id, profile_id=pid)
    assert session.exec(select(Profile).where(Profile.agent_id == world.agent2.id)).all() == []
    assert session.exec(select(ProfileSkill).where(ProfileSkill.profile_id == pid)).all() == []


def test_group_profiles_and_scope(session: Session, world: CcWorld) -> None:
    set_group_profiles(session, actor=world.company_admin, agent_id=world.agent2.id, profile_ids=[])
    assert get_agent(session, actor=world.head, agent_id=world.agent2.id).ticked_profile_ids == []
    with pytest.raises(ValidationFailed):
        set_group_profiles(
            session,
            actor=world.head,
            agent_id=world.agent2.id,
            profile_ids=[world.profiles["Växel sv"]],
        )
    with pytest.raises((NotFound, PermissionDenied)):
        set_group_profiles(
            session, actor=world.other_admin, agent_id=world.agent2.id, profile_ids=[]
        )


# --- list


def test_list_filters(session: Session, world: CcWorld) -> None:
    page = list_agents(session, actor=world.head)
    assert [r.numeric_id for r in page.rows] == [101, 102] or page.total == 2
    assert [r.username for r in list_agents(session, actor=world.head, query="102").rows] == [
        "agent2"
    ]
    assert [r.username for r in list_agents(session, actor=world.head, in_queue=True).rows] == [
        "agent1"
    ]
    assert [r.username for r in list_agents(session, actor=world.head, in_queue=False).rows] == [
        "agent2"
    ]
    assert list_agents(session, actor=world.head, group_id=world.sthlm.id).total == 0
    assert list_agents(session, actor=world.other_admin).total == 0
    with pytest.raises(PermissionDenied):
        list_agents(session, actor=_standard(session, world))


def test_list_finds_swedish_letters_in_either_case(session: Session, world: CcWorld) -> None:
    world.agent2.first_name, world.agent2.last_name = "Åsa", "Öberg"
    session.add(world.agent2)
    session.flush()
    for query in ("öberg", "ÖBERG", "Öberg", "åsa ö"):
        assert [r.username for r in list_agents(session, actor=world.head, query=query).rows] == [
            "agent2"
        ], query


def _standard(session: Session, world: CcWorld):  # type: ignore[no-untyped-def]
    from admin_portal.auth.permissions import load_actor

    actor = load_actor(session, require_id(world.agent2))
    assert actor is not None
    return actor

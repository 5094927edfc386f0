"""The agent list's sort columns on cc_agents (models/agent_sort_ddl.py) follow their
user's names and status, the agent's group and their queue sessions: database triggers
keep them in step whoever writes (services, bulk SQL), and the list walks them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import delete, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.models import Agent, QueueSession, User, UserGroup, UserType, require_id
from admin_portal.services.contact_centre.agents import remove_agent
from admin_portal.services.contact_centre.listing import list_agents
from admin_portal.services.contact_centre.moves import move_agent
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import update_user
from admin_portal.services.users.removal import remove_user
from tests.support.contact_centre_factories import CcWorld, build_world
from tests.support.factories import make_user
from tests.support.forms_world import build


def _sort(session: Session, user_id: object) -> tuple[str, str, bool, bool] | None:
    session.flush()
    row = session.execute(
        text(
            "SELECT sort_last, sort_first, user_active, in_queue FROM cc_agents WHERE user_id = :id"
        ),
        {"id": user_id},
    ).one_or_none()
    return None if row is None else (row[0], row[1], bool(row[2]), bool(row[3]))


@pytest.fixture
def world(session: Session) -> CcWorld:
    return build_world(session)


def _user(session: Session, user_id: object) -> User:
    user = session.get(User, user_id)
    assert user is not None
    return user


def test_a_new_agent_gets_its_users_names_and_queue_state(session: Session, world: CcWorld) -> None:
    a1, a2 = _user(session, world.agent1.id), _user(session, world.agent2.id)
    assert _sort(session, a1.id) == (a1.last_name, a1.first_name, True, True)
    assert _sort(session, a2.id) == (a2.last_name, a2.first_name, True, False)


def test_queue_login_and_logout_set_the_flag(session: Session, world: CcWorld) -> None:
    a2 = require_id(world.agent2)
    queue_id = session.exec(select(QueueSession.queue_id)).first()
    session.add(QueueSession(agent_id=a2, queue_id=queue_id))
    assert _sort(session, a2)[3] is True  # type: ignore[index]
    assert [r.id for r in list_agents(session, actor=world.head, in_queue=True).rows] == sorted(
        [require_id(world.agent1), a2],
        key=lambda i: (_user(session, i).last_name, _user(session, i).first_name, i),
    )
    session.execute(delete(QueueSession).where(QueueSession.agent_id == a2))  # type: ignore[arg-type]
    assert _sort(session, a2)[3] is False  # type: ignore[index]
    a1 = require_id(world.agent1)
    session.execute(delete(QueueSession).where(QueueSession.agent_id == a1))  # type: ignore[arg-type]
    assert _sort(session, a1)[3] is False  # type: ignore[index]
    assert list_agents(session, actor=world.head, in_queue=True).rows == []


def test_a_group_move_and_removal_show_in_the_list(session: Session, world: CcWorld) -> None:
    a2 = require_id(world.agent2)
    move_agent(session, actor=world.head, agent_id=a2, group_id=world.sthlm.id)
    session.flush()
    in_sthlm = list_agents(session, actor=world.head, group_id=world.sthlm.id)
    assert [r.id for r in in_sthlm.rows] == [a2]
    assert a2 not in {
        r.id for r in list_agents(session, actor=world.head, group_id=world.gbg.id).rows
    }
    remove_agent(session, actor=world.head, agent_id=a2)
    session.flush()
    assert _sort(session, a2) is None or _sort(session, a2)[2] is False  # type: ignore[index]
    assert list_agents(session, actor=world.head, group_id=world.sthlm.id).rows == []


def test_removing_the_user_drops_them_from_the_walk(session: Session, world: CcWorld) -> None:
    a2 = require_id(world.agent2)
    remove_user(session, actor=world.head, user_id=a2)
    assert _sort(session, a2)[2] is False  # type: ignore[index]
    assert a2 not in {r.id for r in list_agents(session, actor=world.head).rows}


def test_a_bulk_sql_rename_is_followed(session: Session, world: CcWorld) -> None:
    a2 = require_id(world.agent2)
    session.execute(
        text("UPDATE users SET last_name = 'Åberg', first_name = 'Zoe' WHERE id = :i"), {"i": a2}
    )
    assert _sort(session, a2)[:2] == ("Åberg", "Zoe")  # type: ignore[index]


def test_a_rename_through_the_users_service_reorders_the_list(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as s:
        b = build(s)
        group = UserGroup(
            organisation_id=b.norr.organisation_id, company_id=require_id(b.norr), name="Norr"
        )
        s.add(group)
        s.flush()
        agents = []
        for username, last in (("a.a", "Andersson"), ("b.b", "Berg")):
            user = make_user(s, b.norr, unit=b.centrum, username=username, user_type=UserType.AGENT)
            user.last_name = last
            s.add(user)
            s.flush()
            s.add(
                Agent(
                    user_id=require_id(user),
                    organisation_id=user.organisation_id,
                    group_id=require_id(group),
                )
            )
            agents.append(user)
        s.commit()
        first, second = agents
        listed = list_agents(s, actor=b.head, group_id=group.id)
        assert [r.id for r in listed.rows] == [first.id, second.id]
        data = UserInput(
            first_name=first.first_name,
            last_name="Öberg",
            username=first.username,
            user_type=first.user_type,
            company_id=first.company_id,
            unit_id=first.unit_id,
            email=first.email or "",
            language=first.language,
            keep_national_id_when_blank=True,
        )
        update_user(s, actor=b.head, user_id=first.id, data=replace(data))
        s.commit()
        assert _sort(s, first.id)[0] == "Öberg"  # type: ignore[index]
        listed = list_agents(s, actor=b.head, group_id=group.id)
        assert [r.id for r in listed.rows] == [second.id, first.id]
        named = list_agents(s, actor=b.head, group_id=group.id, query="berg")
        assert [r.id for r in named.rows] == [second.id, first.id]

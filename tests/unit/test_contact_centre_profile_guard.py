"""Issue 16 (F3.8): Användare's profile cannot move an agent out of their group's company.

Only Kontaktcenter's Flytta changes an agent's group and company (with its preview and the
queue guard); the profile save and its impact preview refuse a company the agent's user
group is not in, at the company field. A unit inside the group's company stays allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.models import Agent, User, UserGroup, UserType, require_id
from admin_portal.services.errors import ValidationFailed
from admin_portal.services.users.manage import preview_user_update, update_user
from admin_portal.state.users import profile as profile_module
from admin_portal.state.users.profile import UserProfileState
from tests.support.factories import make_user
from tests.support.forms_world import FormsWorld, build, patch_sessions, substate
from tests.support.profile_input import profile_form, profile_input

KEY = "contact_centre.agent_company_is_groups"


@dataclass
class World:
    base: FormsWorld
    agent: User  # agent in Norrbolaget AB – Centrum, user group in Norrbolaget AB
    employee: User  # not an agent, same placement


@pytest.fixture
def w(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> World:
    with Session(engine, expire_on_commit=False) as session:
        b = build(session)
        group = UserGroup(
            organisation_id=b.norr.organisation_id,
            company_id=require_id(b.norr),
            name="Kundtjänst Norr",
        )
        session.add(group)
        session.flush()
        agent = make_user(
            session, b.norr, unit=b.centrum, username="agent.a", user_type=UserType.AGENT
        )
        session.add(
            Agent(
                user_id=require_id(agent),
                organisation_id=agent.organisation_id,
                group_id=require_id(group),
            )
        )
        employee = make_user(session, b.norr, unit=b.centrum, username="emil")
        session.commit()
    patch_sessions(engine, monkeypatch, profile_module)
    return World(b, agent, employee)


def _placement(engine: Engine, user: User) -> tuple[int | None, int | None]:
    with Session(engine) as s:
        found = s.get(User, user.id)
        assert found is not None
        return found.company_id, found.unit_id


def test_the_save_refuses_another_company_for_an_agent(w: World, engine: Engine) -> None:
    moved = profile_input(w.agent, company_id=w.base.syd.id, unit_id=w.base.syd_unit.id)
    with Session(engine) as s:
        with pytest.raises(ValidationFailed) as refused:
            update_user(s, actor=w.base.head, user_id=w.agent.id, data=moved)
        assert refused.value.errors == {"company_id": KEY}
        with pytest.raises(ValidationFailed) as previewed:
            preview_user_update(s, actor=w.base.head, user_id=w.agent.id, data=moved)
        assert previewed.value.errors == {"company_id": KEY}
    assert _placement(engine, w.agent) == (w.base.norr.id, w.base.centrum.id)


def test_a_unit_in_the_groups_company_is_still_allowed(w: World, engine: Engine) -> None:
    with Session(engine) as s:
        impact = update_user(
            s,
            actor=w.base.head,
            user_id=w.agent.id,
            data=profile_input(w.agent, unit_id=w.base.vaster.id),
        )
        s.commit()
    assert impact.placement_changed
    assert _placement(engine, w.agent) == (w.base.norr.id, w.base.vaster.id)


def test_someone_who_is_no_agent_still_changes_company(w: World, engine: Engine) -> None:
    with Session(engine) as s:
        update_user(
            s,
            actor=w.base.head,
            user_id=w.employee.id,
            data=profile_input(w.employee, company_id=w.base.syd.id, unit_id=w.base.syd_unit.id),
        )
        s.commit()
    assert _placement(engine, w.employee) == (w.base.syd.id, w.base.syd_unit.id)


@pytest.mark.parametrize(
    ("lang", "start"),
    [("sv", "Agenten hör till en användargrupp"), ("en", "The agent belongs to a user group")],
)
def test_spara_shows_the_reason_at_the_company_field(
    w: World, monkeypatch: pytest.MonkeyPatch, engine: Engine, lang: str, start: str
) -> None:
    monkeypatch.setattr(UserProfileState, "_user_id", lambda self: w.agent.id)
    state = substate(UserProfileState, monkeypatch, w.base.head, lang=lang)
    UserProfileState.load.fn(state)
    assert state.found
    UserProfileState.save.fn(
        state,
        profile_form(w.agent, company_id=str(w.base.syd.id), unit_id=str(w.base.syd_unit.id)),
    )
    assert state.errors["company_id"].startswith(start)
    assert state.impact_open is False
    assert _placement(engine, w.agent) == (w.base.norr.id, w.base.centrum.id)

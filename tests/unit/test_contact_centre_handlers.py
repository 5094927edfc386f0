"""Kontaktcenter handlers called directly: the queue guard refuses on the page too, the
move preview says why, Lägg till agent shows used IDs and needs e-mail or mobile."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.auth.permissions import load_actor
from admin_portal.models import Agent, User, UserStatus
from admin_portal.services.auth.login import SignedIn
from admin_portal.state.contact_centre import agent as agent_module
from admin_portal.state.contact_centre import new as new_module
from admin_portal.state.contact_centre.agent import AgentState
from admin_portal.state.contact_centre.new import NewAgentState
from admin_portal.state.session import SessionState
from tests.support.contact_centre_factories import CcWorld, build_world


@pytest.fixture
def world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> CcWorld:
    with Session(engine, expire_on_commit=False) as session:
        built = build_world(session)
        session.commit()

    @contextmanager
    def scope() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    monkeypatch.setattr(agent_module, "session_scope", scope)
    monkeypatch.setattr(new_module, "session_scope", scope)
    return built


def _state(monkeypatch, engine, user_id: int, cls, path: str):  # type: ignore[no-untyped-def]
    def who(self: SessionState) -> SignedIn | None:
        with Session(engine) as session:
            actor = load_actor(session, user_id)
        assert actor is not None
        return SignedIn(actor=actor, username="x", email=None)

    monkeypatch.setattr(SessionState, "_signed_in", who)
    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data({"asPath": path, "pathname": path, "headers": {}})
    return root.get_substate(cls.get_full_name().split(".")[1:])


def test_agent_in_queue_refused_on_the_page(
    world: CcWorld, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(
        monkeypatch,
        engine,
        world.head.user_id,
        AgentState,
        f"/kontaktcenter/agent/{world.agent1.id}",
    )
    AgentState.load.fn(state)
    assert state.found and state.agent["numeric_id"] == "101"
    AgentState.preview_move.fn(state, {"group_id": str(world.sthlm.id)})
    assert "inloggad i kö" in state.preview["refusal"]
    AgentState.confirm_move.fn(state)
    assert "inloggad i kö" in state.error
    AgentState.remove.fn(state)
    assert "inloggad i kö" in state.error
    with Session(engine) as session:
        agent = session.get(Agent, world.agent1.id)
        user = session.get(User, world.agent1.id)
    assert agent is not None and agent.group_id == world.gbg.id
    assert user is not None and user.status == UserStatus.ACTIVE


def test_agent_moves_with_preview(
    world: CcWorld, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(
        monkeypatch,
        engine,
        world.company_admin.user_id,
        AgentState,
        f"/kontaktcenter/agent/{world.agent2.id}",
    )
    AgentState.load.fn(state)
    AgentState.preview_move.fn(state, {"group_id": str(world.sthlm.id)})
    assert state.preview["refusal"] == ""
    assert state.preview["profiles_lost"] == ["Faktura"]
    assert "Timeout telefon (s): 30 → 45" in state.preview["inherited_changed"]
    AgentState.confirm_move.fn(state)
    assert state.error == "" and state.agent["group"] == "Växel Stockholm"


def test_personal_profile_saved_only_on_save(
    world: CcWorld, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(
        monkeypatch,
        engine,
        world.head.user_id,
        AgentState,
        f"/kontaktcenter/agent/{world.agent2.id}",
    )
    AgentState.load.fn(state)
    AgentState.new_profile.fn(state)
    AgentState.set_edit_name.fn(state, "Kväll")
    AgentState.toggle_skill.fn(state, str(world.skills["Engelska"]))
    AgentState.set_skill_level.fn(state, str(world.skills["Engelska"]), "8")
    assert state.unsaved and state.personal == []
    AgentState.save_profile.fn(state)
    assert not state.unsaved and state.error == ""
    assert state.personal[0]["name"] == "Kväll"
    assert state.personal[0]["skills"] == [{"name": "Engelska", "level": "8"}]


def test_new_agent_used_ids_and_email_or_mobile(
    world: CcWorld, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(monkeypatch, engine, world.head.user_id, NewAgentState, "/kontaktcenter/ny")
    NewAgentState.load.fn(state)
    NewAgentState.show_used_ids.fn(state)
    assert (state.used_ranges, state.next_free) == ("101–102", "103")
    NewAgentState.check_numeric_id.fn(state, "101")
    assert "används redan" in state.numeric_message
    NewAgentState.choose_group.fn(state, str(world.gbg.id))
    assert [p["name"] for p in state.group_profiles] == ["Faktura", "Teknik"]
    NewAgentState.toggle_profile.fn(state, state.group_profiles[0]["id"])
    NewAgentState.use_next_free.fn(state)
    form = {"first_name": "Nils", "last_name": "Ny", "username": "nils.ny", "language": "sv"}
    NewAgentState.submit.fn(state, form)
    assert state.errors["email"] == "Ange e-post eller mobilnummer"
    result = NewAgentState.submit.fn(state, {**form, "mobile": "0046701234567"})
    assert result is not None and state.errors == {}
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "nils.ny")).one()
    assert user.numeric_id == 103 and user.password_hash is None

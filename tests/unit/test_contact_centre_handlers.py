"""Kontaktcenter handlers called directly: the queue guard refuses on the page too, the
move preview says why, Lägg till agent shows used IDs and needs e-mail or mobile."""

from __future__ import annotations

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
from tests.support.db_scope import route_scopes


@pytest.fixture
def world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> CcWorld:
    with Session(engine, expire_on_commit=False) as session:
        built = build_world(session)
        session.commit()

    route_scopes(monkeypatch, engine, agent_module, new_module)
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


def test_agent_list_search_and_filters(
    world: CcWorld, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from admin_portal.state.contact_centre.listing import AgentListState

    state = _state(
        monkeypatch, engine, world.company_admin.user_id, AgentListState, "/kontaktcenter"
    )
    AgentListState.load.fn(state)
    assert [r["numeric_id"] for r in state.rows] == ["101", "102"]
    AgentListState.search.fn(state, {"query": "101", "group_id": "", "queue": ""})
    assert [r["username"] for r in state.rows] == ["agent1"]
    AgentListState.search.fn(state, {"query": "", "group_id": str(world.foreign.id), "queue": "in"})
    assert state.rows == []
    other = _state(monkeypatch, engine, world.other_admin.user_id, AgentListState, "/kontaktcenter")
    AgentListState.load.fn(other)
    assert other.rows == []


def test_own_contact_on_my_account(
    world: CcWorld, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    from admin_portal.models import SmsMessage, require_id
    from admin_portal.state.contact_centre.own_contact import OwnContactState
    from tests.support.factories import make_user

    with Session(engine, expire_on_commit=False) as session:
        bare = make_user(session, world.company, username="utan.kontakt")
        session.commit()
    state = _state(monkeypatch, engine, require_id(bare), OwnContactState, "/mitt-konto")
    OwnContactState.load.fn(state)
    assert state.needs_contact
    OwnContactState.send_code.fn(state, {"kind": "mobile", "value": "070-123 45 67"})
    assert state.error == "" and state.pending_value == "+46701234567"
    with Session(engine) as session:
        body = session.exec(select(SmsMessage.body)).one()
    code = re.search(r"\b(\d{6})\b", body).group(1)  # type: ignore[union-attr]
    OwnContactState.confirm.fn(state, {"code": code})
    assert state.error == "" and not state.needs_contact
    with Session(engine) as session:
        assert session.get(User, bare.id).mobile == "+46701234567"  # type: ignore[union-attr]

"""The Boenden handlers called directly, as a forging client could (issue 13).

Any public handler can be called with any arguments: another agreement's property, another
organisation's user, removing an admin right from a primary account. Each gets a refusal and
leaves the database as it was.
"""

from __future__ import annotations

import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import Property, PropertyAccess, PropertyRequest
from admin_portal.state.properties import add_user as add_module
from admin_portal.state.properties import home as home_module
from admin_portal.state.properties import new as new_module
from admin_portal.state.properties import requests as requests_module
from admin_portal.state.properties import users as users_module
from admin_portal.state.properties.add_user import PropertyAddUserState
from admin_portal.state.properties.home import PropertiesHomeState
from admin_portal.state.properties.new import PropertyNewState
from admin_portal.state.properties.requests import PropertyRequestsState
from admin_portal.state.properties.users import PropertyUsersState
from tests.support.db_scope import route_scopes
from tests.unit.test_properties_service import World, build_world


@pytest.fixture
def world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> World:
    with Session(engine, expire_on_commit=False) as session:
        built = build_world(session)
        session.commit()

    route_scopes(
        monkeypatch, engine, add_module, home_module, new_module, requests_module, users_module
    )
    return built


def _state(cls: type[rx.State], monkeypatch: pytest.MonkeyPatch, actor: Actor | None):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cls, "_authorized", lambda self, need="admin": actor)
    monkeypatch.setattr(cls, "_authorize", lambda self, need: (None, actor))
    monkeypatch.setattr(cls, "_signed_in", lambda self: None)
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return len(session.exec(select(table)).all())


def test_remove_refuses_a_primary_account(engine: Engine, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    state = _state(PropertyUsersState, monkeypatch, world.ordinary)
    PropertyUsersState.load.fn(state)
    assert state.selected == str(world.hostel.id)
    PropertyUsersState.remove.fn(state, str(world.primary.user_id))
    PropertyUsersState.save_rights.fn(state, {"user_id": str(world.primary.user_id)})
    listed = {u["user_id"]: u for u in state.users}
    assert listed[world.primary.user_id]["is_primary"]
    assert "user_admin" in listed[world.primary.user_id]["rights"]


def test_rights_of_another_organisations_user_cannot_be_set(
    engine: Engine, world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    state = _state(PropertyUsersState, monkeypatch, world.primary)
    PropertyUsersState.load.fn(state)
    PropertyUsersState.save_rights.fn(
        state, {"user_id": str(world.other_org_user.id), "bookings": "on", "user_admin": "on"}
    )
    with Session(engine) as session:
        rows = session.exec(
            select(PropertyAccess).where(col(PropertyAccess.user_id) == world.other_org_user.id)
        ).all()
    assert rows == []


def test_choosing_another_agreements_property_falls_back_to_ones_own(
    engine: Engine, world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    state = _state(PropertyUsersState, monkeypatch, world.ordinary)
    for forged in (str(world.cabin.id), str(world.other_org_property.id), "1 OR 1=1"):
        PropertyUsersState.choose_property.fn(state, forged)
        assert state.selected == str(world.hostel.id)


def test_an_ordinary_account_cannot_register_through_the_handler(
    engine: Engine, world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    before = _count(engine, Property)
    state = _state(PropertyNewState, monkeypatch, world.ordinary)
    PropertyNewState.submit.fn(
        state, {"name": "Smyghotell", "address": "Gatan 1, Ort", "property_type": "hotel"}
    )
    assert "primära konton" in state.page_error and _count(engine, Property) == before


def test_registering_into_another_agreement_shows_the_guided_way(
    engine: Engine, world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    before = _count(engine, Property)
    state = _state(PropertyNewState, monkeypatch, world.primary)
    PropertyNewState.load.fn(state)
    PropertyNewState.submit.fn(
        state,
        {
            "name": "Stuga Tärnaby",
            "address": "Fjällvägen 2, Tärnaby",
            "property_type": "cabin",
            "agreement_number": "AVT-2002",
        },
    )
    assert state.other_agreement and _count(engine, Property) == before
    PropertyNewState.submit.fn(
        state,
        {
            "name": "Pensionat Grebbestad",
            "address": "Strand 3, Grebbestad",
            "property_type": "hotel",
        },
    )
    assert not state.other_agreement and _count(engine, Property) == before + 1


def test_ownership_change_of_a_forged_property_is_refused(
    engine: Engine, world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    state = _state(PropertyRequestsState, monkeypatch, world.primary)
    for forged in (world.cabin.id, world.other_org_property.id):
        PropertyRequestsState.send_ownership.fn(
            state, {"property_id": str(forged), "target": "AVT-1001"}
        )
        assert state.page_error
    assert _count(engine, PropertyRequest) == 0


def test_saving_rights_without_a_match_writes_nothing(
    engine: Engine, world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    state = _state(PropertyAddUserState, monkeypatch, world.primary)
    PropertyAddUserState.save_existing.fn(state, {f"right__{world.hotel.id}__user_admin": "on"})
    assert state.step == "who" and _count(engine, PropertyAccess) == 1


def test_the_home_list_shows_only_what_the_account_reaches(
    engine: Engine, world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    state = _state(PropertiesHomeState, monkeypatch, world.ordinary)
    PropertiesHomeState.load.fn(state)
    assert [r["name"] for r in state.rows] == ["Vandrarhem Strömstad"] and not state.is_primary

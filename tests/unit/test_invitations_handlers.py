"""The Reflex handlers of Min organisation called directly, as a forging client could.

Any public handler can be called with any arguments (reflex-notes): a unit admin who sends
another unit's id, a forged role or a foreign invitation id gets a refusal, never a row.
"""

from __future__ import annotations

import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import Invitation, InvitationStatus, Service, Unit
from admin_portal.services.demo.catalogue import seed_catalogue
from admin_portal.state.invitations import invite as invite_module
from admin_portal.state.invitations import my_organisation as org_module
from admin_portal.state.invitations.invite import InviteState
from admin_portal.state.invitations.my_organisation import MyOrganisationState
from tests.support.db_scope import route_scopes
from tests.support.world import add_unit_admin, build_care_world


@pytest.fixture
def world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> dict:
    with Session(engine, expire_on_commit=False) as session:
        base = build_care_world(session, head_username="huvud")
        org, mine, theirs, head = base.org, base.unit_a, base.unit_b, base.head
        seed_catalogue(session, organisation=org)
        admin = add_unit_admin(session, base)
        session.commit()
        therapy = session.exec(select(Service).where(Service.code == "digital_treatment")).one()
        actor, head_actor = load_actor(session, admin.id or 0), load_actor(session, head.id or 0)

    route_scopes(monkeypatch, engine, invite_module, org_module)
    return {"mine": mine, "theirs": theirs, "service": therapy, "actor": actor, "head": head_actor}


def _state(cls: type[rx.State], monkeypatch: pytest.MonkeyPatch, actor: Actor | None):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cls, "_authorized", lambda self, need="admin": actor)
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _form(unit: Unit, service: Service) -> dict:
    return {
        "first_name": "Fia",
        "last_name": "Falsk",
        "email": "fia@example.se",
        "language": "sv",
        "unit_id": str(unit.id),
        "cost_centre_id": "1",
    }


def _invitations(engine: Engine) -> list[Invitation]:
    with Session(engine) as session:
        return list(session.exec(select(Invitation)).all())


def test_invite_handler_refuses_a_forged_unit_id(
    engine: Engine, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(InviteState, monkeypatch, world["actor"])
    state.services = [
        {"id": str(world["service"].id), "label_sv": "", "label_en": "", "credits": "4"}
    ]
    InviteState.toggle_service.fn(state, str(world["service"].id), True)
    InviteState.submit.fn(state, _form(world["theirs"], world["service"]))
    assert state.errors["unit_id"] != "" and _invitations(engine) == []
    # The same form for the admin's own unit goes through: the refusal was about the unit.
    InviteState.submit.fn(state, _form(world["mine"], world["service"]))
    assert [i.unit_id for i in _invitations(engine)] == [world["mine"].id]


def test_invite_handler_cannot_be_talked_into_adminroll(
    engine: Engine, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(InviteState, monkeypatch, world["actor"])
    state.can_give_admin = False  # what load() set for a unit admin
    InviteState.set_role.fn(state, "admin")
    assert state.role == "standard"
    # Even with the state forced, the service refuses.
    state.role, state.admin_units = "admin", [str(world["mine"].id)]
    InviteState.submit.fn(state, _form(world["mine"], world["service"]))
    assert state.errors["role"] != "" and _invitations(engine) == []


def test_switch_unit_with_a_forged_id_stays_in_scope(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(MyOrganisationState, monkeypatch, world["actor"])
    MyOrganisationState.switch_unit.fn(state, str(world["theirs"].id))
    assert state.unit_id == str(world["mine"].id)
    MyOrganisationState.switch_unit.fn(state, "'; alert(1); '")
    assert state.unit_id == str(world["mine"].id)


def test_revoke_handler_with_a_foreign_invitation_id_changes_nothing(
    engine: Engine, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    head_state = _state(InviteState, monkeypatch, world["head"])
    head_state.services = [
        {"id": str(world["service"].id), "label_sv": "", "label_en": "", "credits": "4"}
    ]
    InviteState.toggle_service.fn(head_state, str(world["service"].id), True)
    InviteState.submit.fn(head_state, _form(world["theirs"], world["service"]))
    [invitation] = _invitations(engine)
    state = _state(MyOrganisationState, monkeypatch, world["actor"])
    MyOrganisationState.revoke.fn(state, str(invitation.id))
    assert _invitations(engine)[0].status == InvitationStatus.CREATED

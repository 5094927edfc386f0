"""An agent's own values and own filters (issue 16): set, inherit again, kept across a move."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from admin_portal.services.contact_centre.detail import get_agent
from admin_portal.services.contact_centre.moves import move_agent
from admin_portal.services.contact_centre.own_values import (
    add_own_filter,
    remove_own_filter,
    set_own_setting,
)
from admin_portal.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests.support.contact_centre_factories import CcWorld, build_world


@pytest.fixture
def world(session: Session) -> CcWorld:
    return build_world(session)


def _settings(session: Session, world: CcWorld, agent_id: int) -> dict[str, tuple[int, bool]]:
    detail = get_agent(session, actor=world.head, agent_id=agent_id)
    return {s.key: (s.value, s.own) for s in detail.settings}


def test_own_value_then_inherit_again(session: Session, world: CcWorld) -> None:
    aid = world.agent2.id
    set_own_setting(session, actor=world.company_admin, agent_id=aid, key="wrap_up_s", value="25")
    assert _settings(session, world, aid)["wrap_up_s"] == (25, True)
    move_agent(session, actor=world.head, agent_id=aid, group_id=world.sthlm.id)
    assert _settings(session, world, aid) == {
        "phone_timeout_s": (45, False),
        "wrap_up_s": (25, True),
    }
    set_own_setting(session, actor=world.head, agent_id=aid, key="wrap_up_s", value=None)
    assert _settings(session, world, aid)["wrap_up_s"] == (10, False)


def test_forged_keys_values_and_scope(session: Session, world: CcWorld) -> None:
    aid = world.agent2.id
    with pytest.raises(NotFound):
        set_own_setting(session, actor=world.head, agent_id=aid, key="password", value="1")
    for bad in ("-1", "3601", "1e3", 10**30, True, 2.5):
        with pytest.raises(ValidationFailed):
            set_own_setting(session, actor=world.head, agent_id=aid, key="wrap_up_s", value=bad)
    with pytest.raises((NotFound, PermissionDenied)):
        set_own_setting(session, actor=world.other_admin, agent_id=aid, key="wrap_up_s", value="5")


def test_own_filters(session: Session, world: CcWorld) -> None:
    aid = world.agent2.id
    add_own_filter(session, actor=world.head, agent_id=aid, name="  Kväll  ")
    detail = get_agent(session, actor=world.head, agent_id=aid)
    assert [(f.name, f.own) for f in detail.filters] == [("Kväll", True), ("Väst", False)]
    with pytest.raises(NotFound):  # a group's filter is not the agent's to remove
        remove_own_filter(session, actor=world.head, agent_id=aid, name="Väst")
    with pytest.raises(NotFound):  # nor another agent's own filter
        remove_own_filter(session, actor=world.head, agent_id=aid, name="Eget filter")
    remove_own_filter(session, actor=world.head, agent_id=aid, name="Kväll")
    detail = get_agent(session, actor=world.head, agent_id=aid)
    assert [(f.name, f.own) for f in detail.filters] == [("Väst", False)]
    with pytest.raises(ValidationFailed):
        add_own_filter(session, actor=world.head, agent_id=aid, name=" ")


def test_agent_details_keywords_login_id_and_external_ids(session: Session, world: CcWorld) -> None:
    from admin_portal.services.contact_centre.agents import update_agent_details

    update_agent_details(
        session,
        actor=world.head,
        agent_id=world.agent1.id,
        keywords="kväll",
        login_id="agnes@x.example",
        external_ids=[("crm", "1"), ("hr", "1")],
    )
    detail = get_agent(session, actor=world.head, agent_id=world.agent1.id)
    assert (detail.keywords, detail.login_id) == ("kväll", "agnes@x.example")
    assert detail.external_ids == [("crm", "1"), ("hr", "1")]
    # Saving the same values again is no clash with oneself.
    update_agent_details(
        session,
        actor=world.head,
        agent_id=world.agent1.id,
        keywords="",
        login_id="agnes@x.example",
        external_ids=[("crm", "1")],
    )
    with pytest.raises(ValidationFailed) as refused:
        update_agent_details(
            session,
            actor=world.head,
            agent_id=world.agent2.id,
            keywords="",
            login_id="agnes@x.example",
            external_ids=[("crm", "1")],
        )
    assert refused.value.errors == {
        "login_id": "contact_centre.login_id_taken",
        "external_ids": "contact_centre.external_id_taken",
    }

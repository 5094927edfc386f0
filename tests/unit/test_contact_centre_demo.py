"""Kontaktcenter demo data (issue 16) in the head administrator's organisation."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from admin_portal.auth.permissions import load_actor
from admin_portal.models import User, UserGroup, require_id
from admin_portal.services.auth.login import authenticate
from admin_portal.services.contact_centre.detail import get_agent
from admin_portal.services.contact_centre.numeric_ids import used_numeric_ids
from admin_portal.services.contact_centre.profiles import group_profiles
from admin_portal.services.demo.seed import HEAD_ADMIN_USERNAME, seed_demo

PASSWORD = "demo lösenfras för utveckling"

pytestmark = pytest.mark.usefixtures("cheap_argon2")


def test_demo_groups_and_agents(session: Session) -> None:
    seed_demo(session, password=PASSWORD)
    head = session.exec(select(User).where(User.username == HEAD_ADMIN_USERNAME)).one()
    actor = load_actor(session, require_id(head))
    assert actor is not None
    groups = {g.name: g for g in session.exec(select(UserGroup)).all()}
    assert {n: g.phone_timeout_s for n, g in groups.items()} == {
        "Kundtjänst Göteborg": 30,
        "Växel Stockholm": 45,
    }
    for group in groups.values():
        assert group.organisation_id == head.organisation_id
        assert len(group_profiles(session, actor=actor, group_id=group.id)) == 2
    agents = {}
    for username in ("agent1", "agent2"):
        user = authenticate(session, username=username, password=PASSWORD)
        agents[username] = get_agent(session, actor=actor, agent_id=user.id)
    one, two = agents["agent1"], agents["agent2"]
    assert (one.numeric_id, one.group, one.in_queues) == (
        101,
        "Kundtjänst Göteborg",
        ["Kundtjänst"],
    )
    assert {s.key: (s.value, s.own) for s in one.settings}["phone_timeout_s"] == (60, True)
    assert (two.numeric_id, two.group, two.in_queues) == (102, "Kundtjänst Göteborg", [])
    assert {s.key: (s.value, s.own) for s in two.settings}["phone_timeout_s"] == (30, False)
    assert used_numeric_ids(session, actor=actor).ranges == ["101–102"]

"""The agent list's shapes (agent_paths.py): each gives the oracle's rows, in name order,
across keyset pages, with the bounded count; cursors are signed and bound to the question."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.search.structures import ensure_search_structures
from admin_portal.services.contact_centre import agent_paths
from admin_portal.services.contact_centre.listing import list_agents
from tests.support.contact_centre_factories import CcWorld
from tests.support.contact_centre_listing_oracle import (
    build_listing_world,
    check_every_shape,
    oracle,
)


@pytest.fixture
def world(session: Session) -> CcWorld:
    return build_listing_world(session)


@pytest.mark.parametrize("structures", [False, True], ids=["create_all", "search-structures"])
@pytest.mark.parametrize("small", [True, False], ids=["small-side", "big-side"])
def test_every_shape_pages_the_oracle(
    session: Session,
    engine: Engine,
    world: CcWorld,
    monkeypatch: pytest.MonkeyPatch,
    structures: bool,
    small: bool,
) -> None:
    if structures:
        ensure_search_structures(engine)
    check_every_shape(session, world, monkeypatch, small=small)


def test_numeric_id_is_exact(session: Session, world: CcWorld) -> None:
    """Digits are the numeric ID (not every name or username containing them)."""
    page = list_agents(session, actor=world.head, query="101")
    assert [r.username for r in page.rows] == ["agent1"]
    assert page.total == 1 and page.next_cursor is None


def test_cursor_is_signed_and_bound_to_the_question(
    session: Session, world: CcWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agent_paths, "PAGE_SIZE", 4)
    first = list_agents(session, actor=world.head)
    assert first.next_cursor is not None
    second = list_agents(session, actor=world.head, cursor=first.next_cursor)
    assert second.rows and second.rows[0].id not in {r.id for r in first.rows}
    body, mac = first.next_cursor.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + mac
    for cursor in (forged, "x.y", "nonsense", 42, first.next_cursor + "A"):
        again = list_agents(session, actor=world.head, cursor=cursor)
        assert [r.id for r in again.rows] == [r.id for r in first.rows], cursor
    # Another question, or another admin: the cursor starts that list over.
    other = list_agents(session, actor=world.head, in_queue=False, cursor=first.next_cursor)
    assert [r.id for r in other.rows] == oracle(session, in_queue=False)[:4]
    theirs = list_agents(session, actor=world.company_admin, cursor=first.next_cursor)
    assert [r.id for r in theirs.rows] == [r.id for r in first.rows]


def test_a_company_admin_sees_their_groups_only(session: Session, world: CcWorld) -> None:
    assert list_agents(session, actor=world.other_admin).rows == []
    assert list_agents(session, actor=world.company_admin, group_id=world.foreign.id).rows == []
    mine = list_agents(session, actor=world.company_admin, query="berg")
    assert [r.id for r in mine.rows] == oracle(session, text="berg")[:25]

"""The agent list's shapes (agent_paths.py): each gives the oracle's rows, in name order,
across keyset pages, with the bounded count; cursors are signed and bound to the question."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.models import Agent, QueueSession, User, UserStatus, require_id
from admin_portal.search.structures import ensure_search_structures
from admin_portal.services.contact_centre import agent_paths
from admin_portal.services.contact_centre.listing import list_agents
from tests.support.contact_centre_factories import CcWorld, build_world, make_agent

_NAMES = [
    ("Anna", "Andersson"),
    ("Åsa", "Öberg"),
    ("Bo", "Berg"),
    ("Cecilia", "Andersson"),
    ("Dan", "Bergström"),
    ("Eva", "Ek"),
    ("Filip", "Andersson"),
    ("Greta", "Lind"),
    ("Hans", "Berg"),
    ("Ida", "Öberg"),
    ("Jan", "Andersén"),
    ("Karin", "Nilsson"),
]


@pytest.fixture
def world(session: Session) -> CcWorld:
    w = build_world(session)
    for i in range(36):
        first, last = _NAMES[i % len(_NAMES)]
        group = w.gbg if i % 3 else w.sthlm
        user = make_agent(session, w.company, group, username=f"kc{i:02d}", numeric_id=200 + i)
        user.first_name, user.last_name = first, last
        if i == 5:
            user.status = UserStatus.REMOVED  # removed users are not listed
        session.add(user)
        if i % 4 == 0:
            session.add(QueueSession(agent_id=require_id(user), queue_id=require_id(w.queue)))
    session.commit()
    return w


def _oracle(
    session: Session,
    *,
    text: str = "",
    group_id: int | None = None,
    in_queue: bool | None = None,
) -> list[int]:
    from sqlmodel import select

    logged = set(session.exec(select(QueueSession.agent_id)).all())
    found = []
    for user, agent in session.exec(
        select(User, Agent).join(Agent, Agent.user_id == User.id)  # type: ignore[arg-type]
    ).all():
        if user.status != UserStatus.ACTIVE:
            continue
        if group_id is not None and agent.group_id != group_id:
            continue
        if in_queue is not None and (user.id in logged) != in_queue:
            continue
        doc = f"{user.first_name} {user.last_name}\x1f{user.username}\x1f{user.email or ''}"
        if text and text.casefold() not in doc.casefold():
            continue
        found.append((user.last_name, user.first_name, require_id(user)))
    return [i for _, _, i in sorted(found)]


def _all_pages(session: Session, world: CcWorld, **ask: object) -> tuple[list[int], list[int]]:
    """(every row's id across the pages, the total each page reported)."""
    ids: list[int] = []
    totals = []
    cursor = None
    for _ in range(100):
        page = list_agents(session, actor=world.head, cursor=cursor, **ask)  # type: ignore[arg-type]
        ids += [r.id for r in page.rows]
        totals.append(page.total)
        if page.next_cursor is None:
            return ids, totals
        cursor = page.next_cursor
    raise AssertionError("the pages never ended")


ASKS: list[dict[str, object]] = [
    {},
    {"in_queue": True},
    {"in_queue": False},
    {"query": "berg"},
    {"query": "ANDERS"},
    {"query": "öb"},
    {"query": "an"},
    {"query": "kc1"},
    {"query": "210"},
    {"query": "9999"},
]


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
    monkeypatch.setattr(agent_paths, "PAGE_SIZE", 4)
    monkeypatch.setattr(agent_paths, "COUNT_CAP", 10)
    if not small:
        monkeypatch.setattr(agent_paths, "SMALL_AGENTS", 3)  # walk / text index shapes
    asks = [*ASKS, {"group_id": world.gbg.id}, {"group_id": world.sthlm.id, "query": "berg"}]
    for ask in asks:
        text = ask.get("query", "")
        numeric_hit = text == "210"
        expected = _oracle(
            session,
            text="" if numeric_hit else str(text),
            group_id=ask.get("group_id"),  # type: ignore[arg-type]
            in_queue=ask.get("in_queue"),  # type: ignore[arg-type]
        )
        if numeric_hit:
            expected = [
                i
                for i in _oracle(session)
                if session.get(User, i).numeric_id == 210  # type: ignore[union-attr]
            ]
        ids, totals = _all_pages(session, world, **ask)
        assert ids == expected, ask
        assert set(totals) == {min(len(expected), 10)}, ask
        first = list_agents(session, actor=world.head, **ask)  # type: ignore[arg-type]
        assert first.total_is_lower_bound == (len(expected) > 10), ask


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
    assert [r.id for r in other.rows] == _oracle(session, in_queue=False)[:4]
    theirs = list_agents(session, actor=world.company_admin, cursor=first.next_cursor)
    assert [r.id for r in theirs.rows] == [r.id for r in first.rows]


def test_a_company_admin_sees_their_groups_only(session: Session, world: CcWorld) -> None:
    assert list_agents(session, actor=world.other_admin).rows == []
    assert list_agents(session, actor=world.company_admin, group_id=world.foreign.id).rows == []
    mine = list_agents(session, actor=world.company_admin, query="berg")
    assert [r.id for r in mine.rows] == _oracle(session, text="berg")[:25]

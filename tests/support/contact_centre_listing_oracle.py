"""The agent list's oracle: more agents on the contact-centre world, the expected rows in
name order, and a check that pages every shape through its cursors (unit tests on SQLite,
integration tests on PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from admin_portal.models import Agent, QueueSession, User, UserStatus, require_id
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


def build_listing_world(session: Session) -> CcWorld:
    """The contact-centre world plus 36 agents with repeating names, some in a queue."""
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


def oracle(
    session: Session,
    *,
    text: str = "",
    group_id: int | None = None,
    in_queue: bool | None = None,
) -> list[int]:
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


def all_pages(session: Session, world: CcWorld, **ask: object) -> tuple[list[int], list[int]]:
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


def check_every_shape(
    session: Session, world: CcWorld, monkeypatch: pytest.MonkeyPatch, *, small: bool
) -> None:
    """Each ask pages the oracle's rows with a page size of 4, the count capped at 10."""
    monkeypatch.setattr(agent_paths, "PAGE_SIZE", 4)
    monkeypatch.setattr(agent_paths, "COUNT_CAP", 10)
    if not small:
        monkeypatch.setattr(agent_paths, "SMALL_AGENTS", 3)  # walk / text index shapes
    asks = [*ASKS, {"group_id": world.gbg.id}, {"group_id": world.sthlm.id, "query": "berg"}]
    for ask in asks:
        text = str(ask.get("query", ""))
        if text == "210":  # a numeric ID: exactly that agent
            expected = [i for i in oracle(session) if session.get(User, i).numeric_id == 210]  # type: ignore[union-attr]
        else:
            expected = oracle(
                session,
                text=text,
                group_id=ask.get("group_id"),  # type: ignore[arg-type]
                in_queue=ask.get("in_queue"),  # type: ignore[arg-type]
            )
        ids, totals = all_pages(session, world, **ask)
        assert ids == expected, ask
        assert set(totals) == {min(len(expected), 10)}, ask
        first = list_agents(session, actor=world.head, **ask)  # type: ignore[arg-type]
        assert first.total_is_lower_bound == (len(expected) > 10), ask

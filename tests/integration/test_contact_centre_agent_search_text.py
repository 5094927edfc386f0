"""Migration 0022 and the agent list's text search on agent rows (issue 16's list).

On PostgreSQL (schema by Alembic) the migration backfills cc_agents.search_text and its
triggers keep it in step (a new agent, a rename, a new username or e-mail); the list's
text search reads it (services/contact_centre/agent_text.py) and pages exactly what the
users' search rows gave before, count bound included. On SQLite it changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.db import make_engine
from admin_portal.migrations import alembic_config
from admin_portal.models import Agent, User, agent_search_ddl, require_id
from admin_portal.search.structures import ensure_search_structures
from admin_portal.services.contact_centre import agent_paths, agent_text
from admin_portal.services.contact_centre.listing import list_agents
from tests.support.agent_search_text_checks import (
    check_search_text_follows_the_user,
    expected,
    stored,
)
from tests.support.contact_centre_factories import build_world
from tests.support.contact_centre_listing_oracle import all_pages, build_listing_world, oracle


@pytest.mark.postgres
def test_the_triggers_keep_the_search_text_in_step(pg: Engine) -> None:
    with Session(pg, expire_on_commit=False) as session:
        check_search_text_follows_the_user(session)
        session.rollback()


@pytest.mark.postgres
def test_the_migration_backfills_every_agent(pg_database_url: str) -> None:
    cfg = alembic_config(pg_database_url)
    command.upgrade(cfg, "head")
    engine = make_engine(pg_database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            w = build_world(session)
            session.commit()
            ids = [require_id(w.agent1), require_id(w.agent2)]
        command.downgrade(cfg, "0021")
        with engine.begin() as conn:
            cols = {c["name"] for c in inspect(conn).get_columns("cc_agents")}
            assert agent_search_ddl.SEARCH_COLUMN not in cols
            # 0021's sort triggers are untouched by the downgrade.
            conn.execute(text("UPDATE users SET last_name = 'Ödmark' WHERE id = :i"), {"i": ids[0]})
            sort_last = conn.execute(
                text("SELECT sort_last FROM cc_agents WHERE user_id = :i"), {"i": ids[0]}
            ).scalar()
            assert sort_last == "Ödmark"
        command.upgrade(cfg, "head")
        engine.dispose()  # forget the cached "no search text here"
        with Session(engine) as session:
            agents = session.exec(select(Agent.user_id)).all()
            assert set(ids) <= set(agents)
            for user_id in agents:
                user = session.get(User, user_id)
                assert user is not None
                assert stored(session, user_id) == expected(session, user)
                doc = session.execute(
                    text("SELECT search_doc FROM users WHERE id = :i"), {"i": user_id}
                ).scalar()
                assert stored(session, user_id) == doc  # the users' own document
            assert "ödmark" in (stored(session, ids[0]) or "")
            found = list_agents(session, actor=w.head, query="ödmar").rows
            assert [r.id for r in found] == [ids[0]]
    finally:
        engine.dispose()


def test_the_migration_changes_nothing_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'agents.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "0021")
    engine = make_engine(url)
    schema = (
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'alembic%' ORDER BY 1, 2"
    )
    try:
        with engine.connect() as conn:
            before = conn.execute(text(schema)).all()
        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            assert conn.execute(text(schema)).all() == before
        command.downgrade(cfg, "0021")
        with engine.connect() as conn:
            assert conn.execute(text(schema)).all() == before
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- PostgreSQL

_TEXTS = [
    "berg",
    "BERG",
    "Öberg",
    "öBERG",
    "ÅSA Ö",
    "andersén",
    "ANDERSE",
    "anders",
    "ström",
    "kc1",
    "kc0",
    "x.example",
    "@x.exa",
    "9999",  # digits no user has as numeric ID: searched as text
    "a%b",
    "n_b",
    "o'br",
    "a\\b",
    "zzzz",
]


@pytest.mark.postgres
def test_the_trigram_index_exists_on_postgresql(pg: Engine) -> None:
    with pg.connect() as conn:
        found = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = :i"),
            {"i": agent_search_ddl.PG_TRGM_INDEX},
        ).scalar()
    assert found is not None and "gin" in found and "search_text gin_trgm_ops" in found


@pytest.mark.postgres
@pytest.mark.parametrize("small", [True, False], ids=["small-side", "big-side"])
def test_the_agent_rows_page_what_the_users_search_rows_did(
    pg: Engine, monkeypatch: pytest.MonkeyPatch, small: bool
) -> None:
    """Every text, alone or with a group or the in-queue filter: the same rows, pages and
    bounded count through cc_agents as through the users' search rows (the old path)."""
    monkeypatch.setattr(agent_paths, "PAGE_SIZE", 4)
    monkeypatch.setattr(agent_paths, "COUNT_CAP", 10)
    if not small:
        monkeypatch.setattr(agent_paths, "SMALL_AGENTS", 3)
    served = []
    real_page = agent_text.text_page

    def spy(session: Session, ask: agent_paths.Ask, *, count: bool) -> agent_paths.Found:
        served.append(ask.text)
        return real_page(session, ask, count=count)

    monkeypatch.setattr(agent_text, "text_page", spy)
    with Session(pg, expire_on_commit=False) as session:
        world = build_listing_world(session)
        ensure_search_structures(pg)
        session.execute(text("ANALYZE"))
        for query in _TEXTS:
            for extra in ({}, {"group_id": world.gbg.id}, {"in_queue": True}):
                ask = {"query": query, **extra}
                served.clear()
                new = all_pages(session, world, **ask)
                assert served and set(served) == {query}, ask  # the agent rows answered
                first = list_agents(session, actor=world.head, **ask)  # type: ignore[arg-type]
                with monkeypatch.context() as old_path:
                    old_path.setattr(agent_text, "serves", lambda s, a: False)
                    served.clear()
                    old = all_pages(session, world, **ask)
                    old_first = list_agents(session, actor=world.head, **ask)  # type: ignore[arg-type]
                    assert not served
                assert new == old, ask
                assert (first.total, first.total_is_lower_bound) == (
                    old_first.total,
                    old_first.total_is_lower_bound,
                ), ask
                want = oracle(
                    session,
                    text=query,
                    group_id=extra.get("group_id"),
                    in_queue=extra.get("in_queue"),
                )
                assert new[0] == want, ask
                assert first.total == min(len(want), 10), ask
                assert first.total_is_lower_bound == (len(want) > 10), ask
        assert any(
            list_agents(session, actor=world.head, query=q).total_is_lower_bound for q in _TEXTS
        ), "no text exercised the count bound"

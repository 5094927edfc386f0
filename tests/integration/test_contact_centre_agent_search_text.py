"""Migration 0022 and the agent list's text search on agent rows (issue 16's list).

On SQLite and PostgreSQL (schema by Alembic): the migration backfills cc_agents.search_text
and its triggers keep it in step (a new agent, a rename, a new username or e-mail). On
PostgreSQL the list's text search reads it (services/contact_centre/agent_text.py) and
pages exactly what the users' search rows gave before, count bound included.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'agents.db'}"
    return str(request.getfixturevalue("pg_database_url"))


@pytest.fixture
def migrated(db_url: str) -> Iterator[Engine]:
    command.upgrade(alembic_config(db_url), "head")
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


def test_the_triggers_keep_the_search_text_in_step(migrated: Engine) -> None:
    with Session(migrated, expire_on_commit=False) as session:
        check_search_text_follows_the_user(session)
        session.rollback()


def test_the_migration_backfills_every_agent(db_url: str, migrated: Engine) -> None:
    with Session(migrated, expire_on_commit=False) as session:
        w = build_world(session)
        session.commit()
        ids = [require_id(w.agent1), require_id(w.agent2)]
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "0021")
    with migrated.begin() as conn:
        # 0021's sort triggers survive the downgrade (SQLite rebuilt cc_agents).
        conn.execute(text("UPDATE users SET last_name = 'Ödmark' WHERE id = :i"), {"i": ids[0]})
        sort_last = conn.execute(
            text("SELECT sort_last FROM cc_agents WHERE user_id = :i"), {"i": ids[0]}
        ).scalar()
        assert sort_last == "Ödmark"
    command.upgrade(cfg, "head")
    with Session(migrated) as session:
        agents = session.exec(select(Agent.user_id)).all()
        assert sorted(ids) == sorted(i for i in agents if i in ids)
        for user_id in agents:
            user = session.get(User, user_id)
            assert user is not None
            assert stored(session, user_id) == expected(session, user)
        assert "ödmark" in (stored(session, ids[0]) or "").lower()
        assert [r.id for r in list_agents(session, actor=w.head, query="ödmar").rows] == [ids[0]]


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

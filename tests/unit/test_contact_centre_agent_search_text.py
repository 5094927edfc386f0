"""SQLite keeps its own text shapes: cc_agents carries no search text there (it is
PostgreSQL's, migration 0022), and the list never asks for it."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlmodel import Session

from admin_portal.models.agent_search_ddl import SEARCH_COLUMN, agent_search_available
from admin_portal.services.contact_centre import agent_paths, agent_text
from admin_portal.services.contact_centre.listing import list_agents
from tests.support.contact_centre_factories import build_world


def test_sqlite_has_no_agent_search_text_and_the_list_does_not_use_it(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = build_world(session)
    columns = {c["name"] for c in inspect(session.connection()).get_columns("cc_agents")}
    assert SEARCH_COLUMN not in columns
    assert not agent_search_available(session.connection())
    called: list[str] = []

    def spy(s: Session, ask: agent_paths.Ask, *, count: bool) -> agent_paths.Found:
        called.append(ask.text)
        raise AssertionError("SQLite took the PostgreSQL path")

    monkeypatch.setattr(agent_text, "text_page", spy)
    page = list_agents(session, actor=w.head, query=w.agent1.last_name[:4])
    assert w.agent1.id in [r.id for r in page.rows]
    assert called == []

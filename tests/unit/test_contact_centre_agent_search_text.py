"""SQLite (create_all: the after_create event's triggers): cc_agents.search_text follows a
new agent, a rename and a change of username and e-mail (models/agent_search_ddl.py)."""

from __future__ import annotations

from sqlmodel import Session

from tests.support.agent_search_text_checks import check_search_text_follows_the_user


def test_the_search_text_follows_the_user_on_sqlite(session: Session) -> None:
    check_search_text_follows_the_user(session)

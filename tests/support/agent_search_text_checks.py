"""cc_agents.search_text (PostgreSQL, models/agent_search_ddl.py) follows its user."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from admin_portal.models import User, require_id
from admin_portal.services.contact_centre.listing import list_agents
from tests.support.contact_centre_factories import build_world, make_agent
from tests.support.factories import make_user


def stored(session: Session, user_id: int) -> str | None:
    session.flush()
    row = session.execute(
        text("SELECT search_text FROM cc_agents WHERE user_id = :id"), {"id": user_id}
    ).one_or_none()
    return None if row is None else str(row[0])


def expected(session: Session, user: User) -> str:
    """The users search's document, lower-cased (as users.search_doc)."""
    return f"{user.first_name} {user.last_name}\x1f{user.username}\x1f{user.email or ''}".lower()


def check_search_text_follows_the_user(session: Session) -> None:
    """A new agent, a rename, a new username and e-mail: the document follows each, and the
    list finds the agent by the new text only."""
    w = build_world(session)
    a1 = session.get(User, require_id(w.agent1))
    assert a1 is not None
    assert stored(session, require_id(a1)) == expected(session, a1)
    fresh = make_agent(session, w.company, w.gbg, username="nyagent", numeric_id=303)
    session.flush()
    assert stored(session, require_id(fresh)) == expected(session, fresh)

    session.execute(
        text("UPDATE users SET first_name = 'Åsa', last_name = 'Öberg' WHERE id = :i"),
        {"i": require_id(fresh)},
    )
    session.expire(fresh)
    assert stored(session, require_id(fresh)) == expected(session, fresh)
    assert "Öberg" in fresh.last_name

    fresh.username = "kvällsagent"
    fresh.email = "Kvall.Agent@Exempel.example"
    fresh.username_key, fresh.email_key = fresh.username.casefold(), fresh.email.casefold()
    session.add(fresh)
    session.flush()
    assert stored(session, require_id(fresh)) == expected(session, fresh)

    def found(query: str) -> list[int]:
        return [r.id for r in list_agents(session, actor=w.head, query=query).rows]

    fid = require_id(fresh)
    for query in ("ÅSA ÖBERG", "öberg", "kvällsag", "kvall.agent@exempel"):
        assert fid in found(query), query
    assert fid not in found("nyagent")  # the old username is gone from the document

    # A user who is no agent: no agent row appears, nothing else changes.
    other = make_user(session, w.company, username="ingenagent")
    other.last_name = "Ändrad"
    session.add(other)
    session.flush()
    assert stored(session, require_id(other)) is None
    assert stored(session, require_id(a1)) == expected(session, a1)

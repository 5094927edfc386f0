"""On PostgreSQL (schema by `alembic upgrade head`: migration 0021's triggers), cc_agents'
sort columns follow a rename, a status change, queue login/logout and a group move."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.models import QueueSession, require_id
from admin_portal.services.contact_centre.listing import list_agents
from admin_portal.services.contact_centre.moves import move_agent
from tests.support.contact_centre_factories import build_world

pytestmark = pytest.mark.postgres


def _sort(session: Session, user_id: int) -> tuple[str, str, bool, bool]:
    session.flush()
    row = session.execute(
        text(
            "SELECT sort_last, sort_first, user_active, in_queue FROM cc_agents WHERE user_id = :id"
        ),
        {"id": user_id},
    ).one()
    return (row[0], row[1], bool(row[2]), bool(row[3]))


def test_the_triggers_keep_the_sort_columns_in_step(pg: Engine) -> None:
    with Session(pg, expire_on_commit=False) as session:
        w = build_world(session)
        a1, a2 = require_id(w.agent1), require_id(w.agent2)
        assert _sort(session, a1)[2:] == (True, True)
        assert _sort(session, a2)[2:] == (True, False)
        session.execute(
            text("UPDATE users SET last_name = 'Öberg', first_name = 'Zoe' WHERE id = :i"),
            {"i": a2},
        )
        assert _sort(session, a2)[:2] == ("Öberg", "Zoe")
        session.add(QueueSession(agent_id=a2, queue_id=require_id(w.queue)))
        assert _sort(session, a2)[3] is True
        session.execute(delete(QueueSession).where(QueueSession.agent_id == a2))  # type: ignore[arg-type]
        assert _sort(session, a2)[3] is False
        move_agent(session, actor=w.head, agent_id=a2, group_id=w.sthlm.id)
        session.flush()
        listed = list_agents(session, actor=w.head, group_id=w.sthlm.id)
        assert [r.id for r in listed.rows] == [a2]
        session.execute(text("UPDATE users SET status = 'removed' WHERE id = :i"), {"i": a2})
        assert _sort(session, a2)[2] is False
        assert list_agents(session, actor=w.head, group_id=w.sthlm.id).rows == []
        session.rollback()

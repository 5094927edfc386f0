"""Round 4 of the API on PostgreSQL: the per-minute read counter's upsert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.auth.permissions import load_actor
from admin_portal.models import ApiClient, ApiClientReadWindow, AuditEvent, Role
from admin_portal.services.api_clients import create_api_client
from admin_portal.services.api_clients.usage import record_read_call
from tests.support.factories import grant, make_company, make_org, make_user

pytestmark = pytest.mark.postgres


def test_reads_count_into_one_event_per_minute_on_postgresql(pg: Engine) -> None:
    with Session(pg, expire_on_commit=False) as session:
        company = make_company(session, make_org(session))
        head = make_user(session, company, username="head")
        grant(session, head, Role.HEAD_ADMIN)
        actor = load_actor(session, head.id)
        assert actor is not None
        create_api_client(session, actor=actor, name="hr", scopes=["users:read"])
        session.commit()
        client = session.exec(select(ApiClient)).one()
        start = datetime(2026, 12, 3, 12, 0, 1, tzinfo=UTC)
        for seconds, status in ((0, 200), (10, 404), (30, 200), (70, 200)):
            record_read_call(
                session,
                client=client,
                endpoint="scim.users.list",
                status=status,
                now=start + timedelta(seconds=seconds),
            )
        session.commit()
        windows = session.exec(select(ApiClientReadWindow)).all()
        assert sorted((w.reads, w.failed) for w in windows) == [(1, 0), (3, 1)]
        details = sorted(
            e.detail or ""
            for e in session.exec(select(AuditEvent).where(AuditEvent.action == "api_reads"))
        )
        assert [d.split()[:2] for d in details] == [
            ["reads=1", "failed=0"],
            ["reads=3", "failed=1"],
        ]

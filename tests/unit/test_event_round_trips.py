"""Round trips per websocket event: every event resolves its session and most read a page, so
each statement saved here is saved on every keystroke of every admin (the 50-tab load test,
bench/results/load_cluster.md). Counted on the app's engine, per event, on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import reflex as rx
from sqlalchemy import event

from admin_portal import db
from admin_portal.auth.tokens import hash_secret
from admin_portal.models import LoginSession, utcnow
from admin_portal.services.auth.login import resolve_session
from admin_portal.state import session as session_module
from admin_portal.state.users.listing import UsersListState
from tests.support.world import build_care_world

RAW = "round-trips-head"


@pytest.fixture
def head_cookie(app_db: None, monkeypatch: pytest.MonkeyPatch) -> str:
    with db.session_scope() as session:
        world = build_care_world(session)
        session.add(
            LoginSession(
                user_id=world.head.id,
                token_hash=hash_secret(RAW),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    monkeypatch.setattr(session_module, "session_token_from_header", lambda header: RAW)
    return RAW


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SELECT/INSERT/UPDATE the app's engine sends, in order."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    engine = db.get_engine()
    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def test_resolving_a_head_admins_session_reads_login_owner_and_grants_in_two_queries(
    head_cookie: str, statements: list[str]
) -> None:
    with db.session_scope() as session:
        statements.clear()
        who = resolve_session(session, raw_token=head_cookie)
        assert who is not None and who.actor.is_head_admin
        # The login row with its owner and organisation, then the owner's grants: the
        # actor's and the two-factor check's lookups of the user and organisation are
        # answered from what the first query read.
        assert len(statements) == 2, "\n---\n".join(s[:160] for s in statements)


def test_a_keystroke_reads_page_and_checkboxes_in_one_transaction(
    head_cookie: str, statements: list[str]
) -> None:
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(UsersListState.get_full_name().split(".")[1:])
    UsersListState.load.fn(state)  # type: ignore[attr-defined]
    begun: list[object] = []
    engine = db.get_engine()

    def on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        begun.append(conn)

    event.listen(engine, "begin", on_begin)
    try:
        statements.clear()
        UsersListState.set_text.fn(state, "vanl")  # type: ignore[attr-defined]
    finally:
        event.remove(engine, "begin", on_begin)
    assert state.rows  # the page was really read
    # Two transactions: the session's (authorization, which also slides its idle time) and
    # the search's, which reads the page, the bounded count and the rows out of reach (the
    # checkboxes) together, not in a third.
    assert len(begun) == 2
    assert len(statements) <= 8, "\n---\n".join(s[:160] for s in statements)

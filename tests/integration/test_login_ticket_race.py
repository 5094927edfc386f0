"""A.9: a login ticket is redeemed once, even by two requests at the same moment.

Both redemptions are held after their look-up, so both have seen the ticket valid before
either writes: only the conditional UPDATE in `consume_token` can then decide, and exactly
one session may come out of it (on SQLite and on PostgreSQL).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from admin_portal.auth import tokens
from admin_portal.models import LoginSession, Token
from admin_portal.services.auth.login import issue_login_ticket, redeem_login_ticket
from tests.support.factories import make_company, make_org, make_user

TIMEOUT = 15.0


def _ticket(engine: Engine) -> str:
    with Session(engine, expire_on_commit=False) as session:
        user = make_user(session, make_company(session, make_org(session)), username="kim")
        ticket = issue_login_ticket(session, user=user)
        session.commit()
        return ticket


def _race(engine: Engine, ticket: str, monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    both_looked = threading.Barrier(2, timeout=TIMEOUT)
    real_inspect = tokens.inspect_token

    def inspect_then_wait(s: Session, raw: str, purposes: str | tuple[str, ...]):  # type: ignore[no-untyped-def]
        found = real_inspect(s, raw, purposes)
        both_looked.wait()
        return found

    monkeypatch.setattr(tokens, "inspect_token", inspect_then_wait)
    results: list[str | None] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def redeem() -> None:
        try:
            with Session(engine, expire_on_commit=False) as own:
                if engine.dialect.name == "postgresql":
                    own.execute(text("SET LOCAL lock_timeout = '10s'"))
                raw = redeem_login_ticket(own, ticket=ticket)
                own.commit()
            with lock:
                results.append(raw)
        except BaseException as exc:  # surfaced in the main thread
            both_looked.abort()
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=redeem) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return results


def _assert_one_session(engine: Engine, results: list[str | None]) -> None:
    assert sorted(r is None for r in results) == [False, True]
    with Session(engine) as fresh:
        assert len(fresh.exec(select(LoginSession)).all()) == 1
        assert fresh.exec(select(Token)).one().used_at is not None


def test_two_concurrent_redemptions_give_one_session_on_sqlite(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = _ticket(engine)
    _assert_one_session(engine, _race(engine, ticket, monkeypatch))


def test_two_concurrent_redemptions_give_one_session_on_postgresql(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    SQLModel.metadata.create_all(pg_engine)
    ticket = _ticket(pg_engine)
    _assert_one_session(pg_engine, _race(pg_engine, ticket, monkeypatch))


def test_a_redeemed_ticket_is_refused_afterwards(engine: Engine) -> None:
    ticket = _ticket(engine)
    with Session(engine) as session:
        assert redeem_login_ticket(session, ticket=ticket) is not None
        session.commit()
    with Session(engine) as session:
        assert redeem_login_ticket(session, ticket=ticket) is None

"""F0.3 under concurrency: two sign-ups of one username race; the database picks one winner.

Both transactions first check that the username is free (as the service does), both see
it free, then both insert. Only the unique constraint on users.username_key, created by
the migrations, can stop the second one.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from admin_portal.migrations import upgrade
from admin_portal.models import Company, Organisation, User
from admin_portal.validation.identifiers import username_key

pytestmark = pytest.mark.postgres

TIMEOUT = 15.0


def _migrate(url: str) -> None:
    upgrade(url, keep_logging=True)


def test_same_username_different_case_inserted_concurrently(
    pg_database_url: str, pg_engine: Engine
) -> None:
    _migrate(pg_database_url)
    with Session(pg_engine, expire_on_commit=False) as s:
        org = Organisation(name="Raceorg")
        s.add(org)
        s.flush()
        assert org.id is not None
        company = Company(
            organisation_id=org.id, name="Raceföretag", organisation_number="5560001234"
        )
        s.add(company)
        s.commit()
    assert org.id is not None and company.id is not None
    org_id, company_id = org.id, company.id

    names = ["Kalle", "KALLE"]
    assert username_key(names[0]) == username_key(names[1])
    barrier = threading.Barrier(len(names), timeout=TIMEOUT)
    outcomes: dict[str, str] = {}
    errors: dict[str, BaseException] = {}

    def sign_up(username: str) -> None:
        key = username_key(username)
        try:
            with Session(pg_engine) as s:
                # A deadlock or lost wake-up must fail the test, not hang it.
                s.execute(text("SET LOCAL lock_timeout = '10s'"))
                taken = s.exec(select(User).where(User.username_key == key)).first()
                assert taken is None, "the other thread cannot have committed yet"
                barrier.wait()  # both have checked and seen the name free
                s.add(
                    User(
                        organisation_id=org_id,
                        company_id=company_id,
                        first_name="Kalle",
                        last_name="Anka",
                        username=username,
                        username_key=key,
                    )
                )
                try:
                    s.commit()
                    outcomes[username] = "committed"
                except IntegrityError as exc:
                    s.rollback()
                    assert "username_key" in str(exc.orig), exc
                    outcomes[username] = "integrity_error"
        except BaseException as exc:  # reported by the main thread
            errors[username] = exc
            barrier.abort()

    threads = [threading.Thread(target=sign_up, args=(n,), name=f"sign-up-{n}") for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "a sign-up thread hung"
    assert not errors, errors

    assert sorted(outcomes.values()) == ["committed", "integrity_error"], outcomes
    with Session(pg_engine) as s:
        rows = s.exec(select(User.username, User.username_key)).all()
        assert s.exec(select(func.count()).select_from(User)).one() == 1
    winner = next(n for n, o in outcomes.items() if o == "committed")
    assert rows == [(winner, "kalle")]

"""User-bank retention: the worker erases users banked longer than their organisation keeps them.

The clock is moved with time-machine; a second run changes nothing more.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from admin_portal import db as db_module
from admin_portal import worker
from admin_portal.auth.permissions import load_actor
from admin_portal.config import get_settings
from admin_portal.models import (
    AuditEvent,
    CareLink,
    Company,
    Role,
    Token,
    User,
    UserStatus,
    UserType,
)
from admin_portal.services.user_bank.manage import purge_expired
from admin_portal.services.users.removal import (
    remove_user,
)
from tests.support.factories import grant, make_company, make_org, make_user
from tests.support.row_counts import snapshot

T0 = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@dataclass
class Bank:
    company: Company
    head: User
    active: User  # never removed
    early: User  # removed at T0
    late: User  # removed at T0 + 2 days
    short_company: Company  # organisation keeping banked users for 30 days
    short_banked: User  # removed at T0, in the short-retention organisation


@pytest.fixture
def traveller() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(T0, tick=False) as t:
        yield t


@pytest.fixture
def bank(session: Session, traveller: time_machine.Traveller) -> Bank:
    org = make_org(session, "Omsorg Syd")
    company = make_company(session, org)
    head = make_user(session, company, username="huvud.admin")
    grant(session, head, Role.HEAD_ADMIN)
    active = make_user(session, company, username="kvar.har", email="kvar@example.se")
    early = make_user(
        session, company, username="tidig.person", email="tidig@example.se", first_name="Tidig"
    )
    brukare = make_user(session, company, username="en.brukare", user_type=UserType.BRUKARE)
    session.add(CareLink(organisation_id=org.id, assistant_id=early.id, brukare_id=brukare.id))
    late = make_user(session, company, username="sen.person", first_name="Sen")

    short_org = make_org(session, "Kort minne")
    short_org.user_bank_retention_days = 30
    short_company = make_company(session, short_org)
    short_head = make_user(session, short_company, username="kort.huvud")
    grant(session, short_head, Role.HEAD_ADMIN)
    short_banked = make_user(session, short_company, username="kort.person")
    session.commit()

    def remove(actor_user: User, user: User) -> None:
        actor = load_actor(session, actor_user.id or 0)
        assert actor is not None
        remove_user(session, actor=actor, user_id=user.id)
        session.commit()

    remove(head, early)
    remove(short_head, short_banked)
    traveller.shift(2 * DAY)
    remove(head, late)
    traveller.move_to(T0)
    return Bank(company, head, active, early, late, short_company, short_banked)


def status(session: Session, user: User) -> str:
    """The stored status (flushed first: expiring would drop what was not written yet)."""
    session.flush()
    session.expire_all()
    found = session.get(User, user.id)
    assert found is not None
    return found.status


def purged_events(session: Session) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "user_purged")
            .order_by(col(AuditEvent.id))
        ).all()
    )


def test_a_user_removed_364_days_ago_survives_and_366_days_ago_is_erased(
    session: Session, bank: Bank, traveller: time_machine.Traveller
) -> None:
    traveller.move_to(T0 + 364 * DAY)
    assert purge_expired(session) == 1  # only the 30-day organisation's user
    session.commit()
    assert status(session, bank.early) == UserStatus.REMOVED
    assert status(session, bank.late) == UserStatus.REMOVED

    traveller.move_to(T0 + 366 * DAY)
    assert purge_expired(session) == 1
    session.commit()
    assert status(session, bank.early) == "erased"
    assert status(session, bank.late) == UserStatus.REMOVED  # removed two days later
    early = session.get(User, bank.early.id)
    assert early is not None
    assert early.username != "tidig.person" and early.email is None and early.first_name != "Tidig"
    assert session.exec(select(CareLink).where(CareLink.assistant_id == bank.early.id)).all() == []
    assert session.exec(select(Token).where(Token.user_id == bank.early.id)).all() == []
    [_, event] = purged_events(session)
    assert (event.target_type, event.target_id, event.actor_user_id, event.organisation_id) == (
        "user",
        str(bank.early.id),
        None,
        bank.company.organisation_id,
    )


def test_an_explicit_now_is_used_instead_of_the_clock(session: Session, bank: Bank) -> None:
    assert purge_expired(session, now=T0 + 365 * DAY - timedelta(seconds=1)) == 1
    assert status(session, bank.early) == UserStatus.REMOVED
    assert purge_expired(session, now=T0 + 365 * DAY + timedelta(seconds=1)) == 1
    assert status(session, bank.early) == "erased"


def test_a_shorter_retention_purges_sooner(
    session: Session, bank: Bank, traveller: time_machine.Traveller
) -> None:
    traveller.move_to(T0 + 29 * DAY)
    assert purge_expired(session) == 0
    traveller.move_to(T0 + 31 * DAY)
    assert purge_expired(session) == 1
    session.commit()
    assert status(session, bank.short_banked) == "erased"
    assert status(session, bank.early) == UserStatus.REMOVED


def test_running_the_purge_twice_erases_nothing_more(
    session: Session, bank: Bank, traveller: time_machine.Traveller
) -> None:
    traveller.move_to(T0 + 400 * DAY)
    assert purge_expired(session) == 3
    session.commit()
    after_first = snapshot(session)
    erased = {u.id: u.model_dump() for u in session.exec(select(User)).all()}

    traveller.shift(30 * DAY)
    assert purge_expired(session) == 0
    session.commit()
    session.expire_all()
    assert snapshot(session) == after_first
    assert {u.id: u.model_dump() for u in session.exec(select(User)).all()} == erased
    assert len(purged_events(session)) == 3


def test_active_users_are_never_touched(
    session: Session, bank: Bank, traveller: time_machine.Traveller
) -> None:
    before = session.get(User, bank.active.id)
    assert before is not None
    state = before.model_dump()
    traveller.move_to(T0 + 10 * 365 * DAY)
    purge_expired(session)
    session.commit()
    session.expire_all()
    after = session.get(User, bank.active.id)
    assert after is not None and after.model_dump() == state
    head = session.get(User, bank.head.id)
    assert head is not None and head.status == UserStatus.ACTIVE


def test_the_worker_purges_through_its_own_session(
    engine: Engine, session: Session, bank: Bank, traveller: time_machine.Traveller
) -> None:
    traveller.move_to(T0 + 366 * DAY)
    assert worker.purge_user_bank(engine) == 2
    assert worker.purge_user_bank(engine) == 0
    with Session(engine) as fresh:
        early = fresh.get(User, bank.early.id)
        assert early is not None and early.status == "erased"


def test_purge_once_from_the_command_line(
    engine: Engine, session: Session, bank: Bank, traveller: time_machine.Traveller
) -> None:
    traveller.move_to(T0 + 366 * DAY)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("ADMIN_PORTAL_DATABASE_URL", str(engine.url))
            get_settings.cache_clear()
            db_module.get_engine.cache_clear()
            assert worker.main(["--purge-once"]) == 0
            db_module.get_engine().dispose()
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        get_settings.cache_clear()
        db_module.get_engine.cache_clear()
    with Session(engine) as fresh:
        early = fresh.get(User, bank.early.id)
        assert early is not None and early.status == "erased"
        assert (
            len(fresh.exec(select(AuditEvent).where(AuditEvent.action == "user_purged")).all()) == 2
        )

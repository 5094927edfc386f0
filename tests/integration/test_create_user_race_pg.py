"""F0.3 through the service under concurrency: two admins add one username at the same moment.

Two threads call `create_user` with the same username in different case, each in its own
Session on a PostgreSQL database built by `alembic upgrade head`. Both pass the service's
username pre-check (a barrier holds each thread right after its real check until the
other has checked too), so only the unique constraint on users.username_key can stop the
second insert. Exactly one user is created; the other call raises ValidationFailed with
username.taken_here and leaves no user, care link, token, outbox row or audit event.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.migrations import upgrade
from admin_portal.models import (
    AuditEvent,
    CareLink,
    Company,
    Organisation,
    OutboxMessage,
    Role,
    RoleAssignment,
    Token,
    Unit,
    User,
    UserType,
)
from admin_portal.services.errors import ValidationFailed
from admin_portal.services.users import manage as users_service
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.username_check import UsernameCheck, UsernameVerdict

pytestmark = pytest.mark.postgres

TIMEOUT = 15.0


def _migrate(url: str) -> None:
    upgrade(url, keep_logging=True)


def _count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _setup(engine: Engine) -> tuple[Actor, int, int, int]:
    """An organisation with one company and unit, a head admin and one brukare."""
    with Session(engine, expire_on_commit=False) as s:
        org = Organisation(name="Raceorg")
        s.add(org)
        s.flush()
        assert org.id is not None
        company = Company(
            organisation_id=org.id, name="Raceföretag", organisation_number="5560001234"
        )
        s.add(company)
        s.flush()
        assert company.id is not None
        unit = Unit(company_id=company.id, name="Enhet")
        s.add(unit)
        s.flush()
        people = {}
        for username, user_type in (("huvud", UserType.EMPLOYEE), ("brukaren", UserType.BRUKARE)):
            person = User(
                organisation_id=org.id,
                company_id=company.id,
                unit_id=unit.id,
                first_name="Test",
                last_name="Person",
                username=username,
                username_key=username,
                user_type=user_type,
            )
            s.add(person)
            s.flush()
            people[username] = person
        s.add(
            RoleAssignment(user_id=people["huvud"].id, organisation_id=org.id, role=Role.HEAD_ADMIN)
        )
        s.commit()
        assert people["huvud"].id is not None and people["brukaren"].id is not None
        actor = load_actor(s, people["huvud"].id)
        assert actor is not None and actor.is_head_admin
        assert unit.id is not None
        return actor, company.id, unit.id, people["brukaren"].id


def test_two_admins_create_the_same_username_at_once_one_wins(
    pg_database_url: str, pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _migrate(pg_database_url)
    actor, company_id, unit_id, brukare_id = _setup(pg_engine)
    with Session(pg_engine) as s:
        before = {
            m.__name__: _count(s, m) for m in (User, AuditEvent, OutboxMessage, Token, CareLink)
        }

    names = {"Kalle.Anka": "kalle@example.se", "KALLE.ANKA": "k.anka@example.se"}
    barrier = threading.Barrier(len(names), timeout=TIMEOUT)
    local = threading.local()
    real_check = users_service.check_username

    checks: dict[str, list[str]] = {n: [] for n in names}

    def check_then_wait(session: Session, **kwargs: Any) -> UsernameCheck:
        result = real_check(session, **kwargs)
        checks[kwargs["username"]].append(result.verdict)
        if not getattr(local, "checked", False):  # the pre-check, not the re-check after a clash
            local.checked = True
            assert result.verdict is UsernameVerdict.AVAILABLE, "nobody can have inserted yet"
            barrier.wait()  # both threads have checked and seen the name free
        return result

    monkeypatch.setattr(users_service, "check_username", check_then_wait)

    outcomes: dict[str, object] = {}
    crashes: dict[str, BaseException] = {}

    def add_user(username: str) -> None:
        try:
            with Session(pg_engine, expire_on_commit=False) as s:
                # A deadlock or lost wake-up must fail the test, not hang it.
                s.execute(text("SET lock_timeout = '10s'"))
                try:
                    new_id = users_service.create_user(
                        s,
                        actor=actor,
                        data=UserInput(
                            first_name="Kalle",
                            last_name="Anka",
                            username=username,
                            user_type=UserType.ASSISTANT,
                            company_id=company_id,
                            unit_id=unit_id,
                            email=names[username],
                            brukare_ids=(brukare_id,),
                        ),
                        send_invitation=True,
                    )
                    s.commit()
                    outcomes[username] = new_id
                except ValidationFailed as refused:
                    s.rollback()  # what session_scope does
                    outcomes[username] = refused
        except BaseException as exc:  # reported by the main thread
            crashes[username] = exc
            barrier.abort()

    threads = [threading.Thread(target=add_user, args=(n,), name=f"add-{n}") for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "a create_user thread hung"
    assert not crashes, crashes

    winners = {n: o for n, o in outcomes.items() if isinstance(o, int)}
    losers = {n: o for n, o in outcomes.items() if isinstance(o, ValidationFailed)}
    assert len(winners) == 1 and len(losers) == 1, outcomes
    [(winner_name, winner_id)] = winners.items()
    [loser] = losers.values()
    assert loser.errors["username"] == "username.taken_here"
    # Both pre-checks saw the name free; the loser learned otherwise from the constraint and
    # then re-checked to explain it.
    [loser_name] = losers
    assert checks == {
        winner_name: [UsernameVerdict.AVAILABLE],
        loser_name: [UsernameVerdict.AVAILABLE, UsernameVerdict.TAKEN_HERE],
    }

    with Session(pg_engine) as s:
        after = {
            m.__name__: _count(s, m) for m in (User, AuditEvent, OutboxMessage, Token, CareLink)
        }
        # Exactly the winner's rows: one user, one care link, one token, one mail, two events.
        assert after == {
            "User": before["User"] + 1,
            "AuditEvent": before["AuditEvent"] + 2,
            "OutboxMessage": before["OutboxMessage"] + 1,
            "Token": before["Token"] + 1,
            "CareLink": before["CareLink"] + 1,
        }
        winner = s.get(User, winner_id)
        assert winner is not None
        assert (winner.username, winner.username_key) == (winner_name, "kalle.anka")
        assert s.exec(select(User).where(User.username_key == "kalle.anka")).all() == [winner]
        assert s.exec(select(CareLink.assistant_id)).all() == [winner_id]
        assert s.exec(select(Token.user_id)).all() == [winner_id]
        [mail] = s.exec(select(OutboxMessage)).all()
        assert (mail.user_id, mail.to_address) == (winner_id, names[winner_name])
        events = s.exec(select(AuditEvent.action, AuditEvent.target_id)).all()
        assert sorted(events) == [
            ("invitation_sent", str(winner_id)),
            ("user_created", str(winner_id)),
        ]

"""Workers that share work safely, proven with real worker processes on PostgreSQL.

- A worker SIGKILLed in the middle of a job step loses nothing and duplicates nothing: the
  step's transaction (its mails, tokens, cursor and counters together) rolls back, and the
  other worker resumes the job from the last committed step.
- Two workers run two jobs in parallel: a long import does not hold up a bulk verification
  started after it. One job's steps still run one at a time, in order.

The tests steer the workers through the database, not through timing: an EXCLUSIVE lock on a
table the step writes (others may still read it) holds a step in the middle of its
transaction, and pg_stat_activity shows when a worker is waiting there.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.db import make_engine
from admin_portal.mail.messages import VERIFY_EMAIL_KIND
from admin_portal.migrations import upgrade
from admin_portal.models import (
    BackgroundJob,
    JobStatus,
    OutboxMessage,
    Token,
    TokenPurpose,
    User,
    UserType,
)
from admin_portal.search.structures import ensure_search_structures
from admin_portal.services.spreadsheets.import_apply import start_apply
from admin_portal.services.spreadsheets.import_preview import preview_import
from admin_portal.services.verification.bulk import start_bulk_verification
from tests.cluster.workers import (
    blocked_on_lock,
    kill,
    start_worker,
    table_locked,
    wait_until,
    workers,
)
from tests.support.factories import make_company
from tests.support.world import build_care_frame

pytestmark = pytest.mark.postgres

MAILABLE = 1200  # three steps of bulk verification (CHUNK = 500)
IMPORTED = 1500  # one step of import apply (APPLY_CHUNK = 5000), long enough to overlap


@dataclass
class World:
    engine: Engine
    url: str
    head: Actor
    mailed_company_id: int
    mailed_ids: list[int]


@pytest.fixture
def world(pg_database_url: str) -> World:
    upgrade(pg_database_url, keep_logging=True)
    engine = make_engine(pg_database_url)
    ensure_search_structures(engine)
    with Session(engine, expire_on_commit=False) as session:
        # The frame: its head admin sits in `company`, away from the people the jobs touch.
        base = build_care_frame(session, head_username="huvud")
        org, head = base.org, base.head
        mailed, imported = base.company2, make_company(session, org, "Importerade AB")
        session.add_all(_people(org.id, mailed.id, "p", MAILABLE, with_email=True))
        session.add_all(_people(org.id, imported.id, "imp", IMPORTED, with_email=False))
        session.commit()
        mailed_ids = list(
            session.exec(select(User.id).where(User.company_id == mailed.id).order_by(col(User.id)))
        )
        actor = load_actor(session, head.id)
    assert actor is not None
    yield World(engine, pg_database_url, actor, mailed.id, mailed_ids)  # type: ignore[misc]
    engine.dispose()


def _people(org_id: int, company_id: int, prefix: str, n: int, *, with_email: bool) -> list[User]:
    people = []
    for i in range(n):
        username = f"{prefix}{i:05d}"
        email = f"{username}@example.se" if with_email else None
        people.append(
            User(
                organisation_id=org_id,
                company_id=company_id,
                first_name="Test",
                last_name=f"Person {i:05d}",
                username=username,
                username_key=username,
                email=email,
                email_key=email,
                user_type=UserType.EMPLOYEE,
                language="sv",
            )
        )
    return people


def _start_bulk_verification(world: World) -> int:
    with Session(world.engine, expire_on_commit=False) as session:
        job = start_bulk_verification(
            session,
            actor=world.head,
            fields={"company_id": str(world.mailed_company_id)},
            request_key=secrets.token_urlsafe(16),
        )
        session.commit()
    return job.id


def _start_import(world: World) -> int:
    rows = "\n".join(f"imp{i:05d};;imp{i:05d}@example.se" for i in range(IMPORTED))
    data = ("\ufeffAnvändarnamn;Förnamn;E-post\n" + rows + "\n").encode()
    with Session(world.engine, expire_on_commit=False) as session:
        summary = preview_import(session, actor=world.head, filename="people.csv", data=data)
        job = start_apply(
            session, actor=world.head, import_id=summary.id, request_key=secrets.token_urlsafe(16)
        )
        session.commit()
    return job.id


def _job(world: World, job_id: int) -> BackgroundJob:
    with Session(world.engine) as session:
        job = session.get(BackgroundJob, job_id)
        assert job is not None
        session.expunge(job)
        return job


def _done(world: World, job_id: int) -> bool:
    status = _job(world, job_id).status
    assert status != JobStatus.FAILED
    return status == JobStatus.DONE


def _assert_each_mailed_once_in_order(world: World, job_id: int) -> None:
    job = _job(world, job_id)
    assert (job.processed, job.succeeded, job.skipped, job.failed) == (MAILABLE, MAILABLE, 0, 0)
    with Session(world.engine) as session:
        mailed_in_order = list(
            session.exec(
                select(OutboxMessage.user_id)
                .where(OutboxMessage.kind == VERIFY_EMAIL_KIND)
                .order_by(col(OutboxMessage.id))
            )
        )
        tokens = session.exec(
            select(Token.user_id, func.count())
            .where(Token.purpose == TokenPurpose.VERIFY_EMAIL)
            .group_by(col(Token.user_id))
        ).all()
    # Nothing lost, nothing twice: one mail and one link per person.
    assert sorted(mailed_in_order) == world.mailed_ids
    assert {user_id: n for user_id, n in tokens} == dict.fromkeys(world.mailed_ids, 1)
    # One job's steps ran one after another, in order: the mails were queued in id order.
    assert mailed_in_order == world.mailed_ids


def test_a_worker_killed_mid_step_loses_nothing_and_duplicates_nothing(
    world: World, tmp_path: Path
) -> None:
    log = tmp_path / "workers.log"
    job_id = _start_bulk_verification(world)
    with workers(world.url, log) as started:
        with table_locked(world.engine, "outbox_messages"):
            doomed = start_worker(world.url, log)
            started.append(doomed)
            # The first step has read its 500 people and voided their old links, and now
            # waits to queue their mails: the middle of its transaction.
            wait_until(
                lambda: blocked_on_lock(world.engine, "INSERT INTO outbox_messages%"),
                timeout=90,
                what="the first worker is in the middle of a step",
                log=log,
            )
            started.append(start_worker(world.url, log))
            kill(doomed)  # SIGKILL: no handler, no clean-up, no commit
            assert _job(world, job_id).processed == 0
        # The lock is gone: the killed worker's transaction rolls back (its connection is
        # dead) and the survivor takes the job from its last committed step.
        wait_until(lambda: _done(world, job_id), timeout=120, what="the job is done", log=log)
        assert started[1].poll() is None
    _assert_each_mailed_once_in_order(world, job_id)


def test_two_workers_run_two_jobs_in_parallel(world: World, tmp_path: Path) -> None:
    log = tmp_path / "workers.log"
    import_id = _start_import(world)
    with workers(world.url, log) as started:
        with table_locked(world.engine, "user_import_rows"):
            started.extend(start_worker(world.url, log) for _ in range(2))
            # The long import is in its first step (holding its job row) …
            wait_until(
                lambda: blocked_on_lock(world.engine, "%user_import_rows%"),
                timeout=90,
                what="a worker is in the import's first step",
                log=log,
            )
            # … when an admin starts a bulk verification: the other worker runs it now.
            bulk_id = _start_bulk_verification(world)
            wait_until(
                lambda: _done(world, bulk_id),
                timeout=120,
                what="the bulk verification finished beside the import",
                log=log,
            )
            assert _job(world, import_id).processed == 0  # the import is still on its step
        wait_until(lambda: _done(world, import_id), timeout=120, what="the import is done", log=log)
    _assert_each_mailed_once_in_order(world, bulk_id)
    import_job = _job(world, import_id)
    assert (import_job.processed, import_job.succeeded) == (IMPORTED, IMPORTED)
    with Session(world.engine) as session:
        with_address = session.exec(
            select(func.count())
            .select_from(User)
            .where(col(User.username).like("imp%"), col(User.email).is_not(None))
        ).one()
        locks_left = session.execute(
            text("SELECT count(*) FROM pg_locks WHERE NOT granted")
        ).scalar_one()
    assert with_address == IMPORTED
    assert locks_left == 0

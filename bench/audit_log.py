"""Granskningslogg at scale: one page of `list_audit_events` over N audit events (SQLite).

    python -m bench.audit_log [--events 1000000] [--repeat 30]

One organisation, 2 companies, 100 units, 20,000 people; events spread over two years, each
about a random person, by one of 50 admins. Measured per case: p50/p95/max milliseconds of
one page (50 rows, names joined), first page and a page deep in the log (via its cursor),
for a head admin, a unit admin (1 % of the people) and with each filter.
Results go to bench/results/audit_log.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session, SQLModel

import admin_portal.models  # noqa: F401  (registers every table)
from admin_portal.auth.permissions import Actor
from admin_portal.db import make_engine
from admin_portal.models import AuditEvent, Company, Organisation, Unit, User
from admin_portal.services.audit.events import AUDIT_ACTIONS
from admin_portal.services.audit.log import AuditFilters, list_audit_events

RESULTS = Path(__file__).resolve().parent / "results" / "audit_log.md"
PEOPLE = 20_000
UNITS = 100
ADMINS = 50
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _load(session: Session, events: int, rng: random.Random) -> None:
    session.add(Organisation(id=1, name="Bench"))
    session.flush()
    session.add_all(
        [
            Company(id=i, organisation_id=1, name=f"C{i}", organisation_number=f"55600000{i:02d}")
            for i in (1, 2)
        ]
    )
    session.flush()
    session.add_all([Unit(id=u, company_id=1 + u % 2, name=f"U{u}") for u in range(1, UNITS + 1)])
    session.flush()
    rows = [
        {
            "id": i,
            "organisation_id": 1,
            "company_id": 1 + (i % UNITS + 1) % 2,
            "unit_id": i % UNITS + 1,
            "first_name": f"F{i}",
            "last_name": f"L{i}",
            "username": f"u{i}",
            "username_key": f"u{i}",
            "user_type": "employee",
            "language": "sv",
        }
        for i in range(1, PEOPLE + 1)
    ]
    session.execute(insert(User.__table__), rows)  # type: ignore[attr-defined]
    span = 730 * 24 * 3600
    batch: list[dict] = []
    for _ in range(events):
        batch.append(
            {
                "organisation_id": 1,
                "actor_user_id": rng.randint(1, ADMINS),
                "action": rng.choice(AUDIT_ACTIONS),
                "target_type": "user",
                "target_id": "x",
                "target_user_id": rng.randint(1, PEOPLE),
                "outcome": "ok",
                "created_at": NOW - timedelta(seconds=rng.randint(0, span)),
            }
        )
        if len(batch) == 50_000:
            session.execute(insert(AuditEvent.__table__), batch)  # type: ignore[attr-defined]
            batch = []
    if batch:
        session.execute(insert(AuditEvent.__table__), batch)  # type: ignore[attr-defined]
    session.commit()
    session.execute(text("ANALYZE"))


def _measure(run: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], times[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        SQLModel.metadata.create_all(engine)
        started = time.perf_counter()
        with Session(engine) as session:
            _load(session, args.events, rng)
        load_seconds = time.perf_counter() - started
        head = Actor(user_id=1, organisation_id=1, full_name="H", language="sv", is_head_admin=True)
        unit = Actor(
            user_id=2, organisation_id=1, full_name="E", language="sv", unit_ids=frozenset({7})
        )
        company = Actor(
            user_id=3, organisation_id=1, full_name="F", language="sv", company_ids=frozenset({1})
        )
        day = (NOW - timedelta(days=100)).date()
        cases: list[tuple[str, Actor, AuditFilters]] = [
            ("head admin, no filter", head, AuditFilters()),
            ("unit admin (1 % of people), no filter", unit, AuditFilters()),
            ("company admin (half the people), no filter", company, AuditFilters()),
            ("head admin, person", head, AuditFilters(person_user_id=4242)),
            ("head admin, actor", head, AuditFilters(actor_user_id=17)),
            ("head admin, action", head, AuditFilters(action="national_id_revealed")),
            (
                "head admin, one day",
                head,
                AuditFilters(
                    since=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
                    until=datetime.combine(day, datetime.min.time(), tzinfo=UTC)
                    + timedelta(days=1),
                ),
            ),
            ("unit admin, action", unit, AuditFilters(action="national_id_revealed")),
        ]
        lines = [
            "# Granskningslogg: one page at scale",
            "",
            f"`python -m bench.audit_log --events {args.events} --repeat {args.repeat}`; "
            f"SQLite, {platform.machine()}, Python {platform.python_version()}; "
            f"{args.events:,} events, {PEOPLE:,} people, load {load_seconds:.0f} s.",
            "",
            "| case | page | p50 ms | p95 ms | max ms |",
            "|---|---|---|---|---|",
        ]
        with Session(engine) as session:
            for name, actor, filters in cases:
                first = list_audit_events(session, actor=actor, filters=filters)
                deep = first.next_cursor
                for _ in range(20):  # 20 pages in
                    if deep is None:
                        break
                    deep = list_audit_events(
                        session, actor=actor, filters=filters, cursor=deep
                    ).next_cursor
                for label, cursor in (("first", None), ("21st", deep)):
                    if label == "21st" and cursor is None:
                        continue
                    p50, p95, worst = _measure(
                        lambda a=actor, f=filters, c=cursor: list_audit_events(
                            session, actor=a, filters=f, cursor=c
                        ),
                        args.repeat,
                    )
                    lines.append(f"| {name} | {label} | {p50:.1f} | {p95:.1f} | {worst:.1f} |")
                    print(lines[-1], flush=True)
        engine.dispose()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

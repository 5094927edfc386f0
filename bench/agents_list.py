"""Kontaktcenter's agent list at 1,000,000 users (issue 16, quality bar: p95 ≤ 25 ms).

Reuses the users search benchmark's data and loaders (bench/users_search.py: 1M Swedish
users over 2 organisations; SQLite through bench.scim_filter's loader, schema first;
PostgreSQL through its COPY loader on a throwaway server), then makes agents of part of
the first organisation: `--groups` user groups (default 50) spread over its companies,
`--agents` agents (default 100,000: every 7th active user, in a group of their own
company) and `--in-queue` of them (default 2,000) logged in to one of 10 queues. Then
`ANALYZE` again. Each call is `services.contact_centre.listing.list_agents` as a head
administrator, with a fresh ORM session, as the Kontaktcenter page's state does.

    .venv/bin/python -m bench.agents_list                      # 1,000,000 users, both
    .venv/bin/python -m bench.agents_list --rows 100000 --agents 10000 --db sqlite --no-write

The loaded data is kept under `--cache` (default: var/bench-agents/ in the worktree, never
in git): the SQLite file and the PostgreSQL data directory are reused by the next run with
the same sizes, so only the first run pays the minutes of loading (`--fresh` rebuilds;
delete the directory to reclaim the disk, about 4 GB at 1M users).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.pg import start_kept_postgres
from bench.report import loadavg, machine, render, timing_row
from bench.scim_filter import load_sqlite as load_users_sqlite
from bench.users_search import ROOT, Shape, Tree, build_tree, load_postgres, measure

RESULTS = Path(__file__).resolve().parent / "results" / "agents_list.md"
HEADER = ("shape", "p50 ms", "p95 ms", "max ms", "≤ 25 ms", "total (last call)")
QUEUES = 10


def add_agents(url: str, tree: Tree, *, groups: int, agents: int, in_queue: int) -> float:
    """Groups, agents and queue sessions over the loaded users (bulk, not through the ORM)."""
    from sqlalchemy import text

    from admin_portal.db import make_engine

    started = time.perf_counter()
    org = tree.orgs[0][0]
    companies = tree.companies_of(org)
    now = datetime.now(UTC).replace(tzinfo=None)
    engine = make_engine(url)
    with engine.begin() as conn:
        group_rows = [
            {
                "id": g + 1,
                "org": org,
                "company": companies[g % len(companies)],
                "name": f"Grupp {g + 1:02d}",
                "now": now,
            }
            for g in range(groups)
        ]
        conn.execute(
            text(
                "INSERT INTO cc_user_groups (id, organisation_id, company_id, name,"
                " phone_timeout_s, wrap_up_s, created_at)"
                " VALUES (:id, :org, :company, :name, 30, 0, :now)"
            ),
            group_rows,
        )
        by_company: dict[int, list[int]] = {}
        for row in group_rows:
            by_company.setdefault(row["company"], []).append(row["id"])  # type: ignore[arg-type]
        people = conn.execute(
            text(
                "SELECT id, company_id FROM users WHERE organisation_id = :org"
                " AND status = 'active' AND id % 7 = 3 ORDER BY id LIMIT :n"
            ),
            {"org": org, "n": agents},
        ).all()
        agent_rows = [
            {
                "uid": uid,
                "org": org,
                "grp": by_company[company][uid % len(by_company[company])],
                "now": now,
            }
            for uid, company in people
        ]
        conn.execute(
            text(
                "INSERT INTO cc_agents (user_id, organisation_id, group_id, keywords, updated_at)"
                " VALUES (:uid, :org, :grp, '', :now)"
            ),
            agent_rows,
        )
        conn.execute(
            text(
                "INSERT INTO cc_queues (id, organisation_id, key, name)"
                " VALUES (:id, :org, :key, :name)"
            ),
            [
                {"id": q + 1, "org": org, "key": f"q{q + 1}", "name": f"Kö {q + 1}"}
                for q in range(QUEUES)
            ],
        )
        logged = random.Random(3).sample(agent_rows, min(in_queue, len(agent_rows)))
        conn.execute(
            text(
                "INSERT INTO cc_queue_sessions (agent_id, queue_id, logged_in_at)"
                " VALUES (:uid, :q, :now)"
            ),
            [{"uid": r["uid"], "q": r["uid"] % QUEUES + 1, "now": now} for r in logged],
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def build_shapes(engine: object, tree: Tree) -> list[Shape]:
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from admin_portal.auth.permissions import Actor
    from admin_portal.models import Agent, User, UserStatus
    from admin_portal.services.contact_centre.agent_cursor import encode_agent_cursor
    from admin_portal.services.contact_centre.listing import list_agents

    org = tree.orgs[0][0]
    head = Actor(
        user_id=1, organisation_id=org, full_name="Huvud Admin", language="sv", is_head_admin=True
    )
    with Session(engine) as session:  # type: ignore[arg-type]
        sample = session.exec(
            select(User.numeric_id, User.last_name)
            .join(Agent, col(Agent.user_id) == col(User.id))
            .where(User.status == UserStatus.ACTIVE)
            .order_by(col(User.id))
            .limit(5000)
        ).all()
        group_ids = list(session.exec(select(Agent.group_id).distinct()).all())
        agent_total = session.exec(
            select(func.count())
            .select_from(Agent)
            .join(User, col(User.id) == col(Agent.user_id))
            .where(User.status == UserStatus.ACTIVE)
        ).one()
        surnames = session.exec(
            select(User.last_name, User.id)
            .join(Agent, col(Agent.user_id) == col(User.id))
            .order_by(col(User.id))
            .limit(20000)
        ).all()
        # Where pages of the second quarter start: the sort keys of every 25th agent there.
        keys = session.exec(
            select(User.last_name, User.first_name, User.id)
            .join(Agent, col(Agent.user_id) == col(User.id))
            .where(User.status == UserStatus.ACTIVE)
            .order_by(col(User.last_name), col(User.first_name), col(User.id))
            .offset(agent_total // 4)
            .limit(max(1, agent_total // 4))
        ).all()[::25]
    numeric = [n for n, _ in sample if n is not None]
    counts: dict[str, int] = {}
    for name, _ in surnames:
        counts[name] = counts.get(name, 0) + 1
    common = [n[:4].lower() for n, _ in sorted(counts.items(), key=lambda x: -x[1])[:10]]
    # What an admin has typed when the search starts (3 characters): the commonest
    # surnames' first three letters and the "-son" every Swedish patronymic ends in.
    three = sorted({n[:3] for n in common} | {"son"})
    # ASCII prefixes only (as measured in results/agents_list.md); non-ASCII ones take
    # the same path through the trigram index.
    rare = [n[:6].lower() for n, c in counts.items() if c == 1 and len(n) >= 6 and n[:6].isascii()][
        :200
    ] or ["zzzzzz"]
    # A later page is reached by its cursor (keyset paging: "Nästa" from the page before).
    cursors: list[str | None] = [
        encode_agent_cursor(head, ["", None, None], (k[0], k[1], k[2] or 0), total=1000, more=True)
        for k in keys
    ] or [None]
    last = {"total": 0}

    def timed(**kwargs: object) -> float:
        started = time.perf_counter()
        with Session(engine) as session:  # type: ignore[arg-type]
            page = list_agents(session, actor=head, **kwargs)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - started
        last["total"] = page.total
        last["more"] = page.total_is_lower_bound
        return elapsed

    shapes = [
        Shape(
            "numeric ID exact",
            "digits of an agent's numeric ID",
            lambda rng: timed(query=str(rng.choice(numeric))),
        ),
        Shape(
            "name, common prefix",
            "first 4 letters of one of the 10 commonest agent surnames",
            lambda rng: timed(query=rng.choice(common)),
        ),
        Shape(
            "name, 3 common letters",
            "first 3 letters of the 10 commonest agent surnames, or 'son'",
            lambda rng: timed(query=rng.choice(three)),
        ),
        Shape(
            "name, rare prefix",
            "first 6 letters of a surname one agent of the sample has",
            lambda rng: timed(query=rng.choice(rare)),
        ),
        Shape(
            "group filter",
            "one of the groups, first page",
            lambda rng: timed(group_id=rng.choice(group_ids)),
        ),
        Shape(
            "in-queue filter", "logged in to a queue, first page", lambda rng: timed(in_queue=True)
        ),
        Shape(
            "not-in-queue filter",
            "not logged in to a queue, first page",
            lambda rng: timed(in_queue=False),
        ),
        Shape("first page", "no filter, page 1", lambda rng: timed()),
        Shape(
            "later page",
            "no filter, a page in the second quarter, by its cursor",
            lambda rng: timed(cursor=rng.choice(cursors)),
        ),
        Shape(
            "group + name",
            "a group and a common prefix",
            lambda rng: timed(group_id=rng.choice(group_ids), query=rng.choice(common)),
        ),
    ]
    for shape in shapes:
        original = shape.run

        def run(rng: random.Random, original=original, shape=shape) -> float:  # type: ignore[no-untyped-def]
            elapsed = original(rng)
            shown = f"{last['total']:,}" + ("+" if last.get("more") else "")
            shape.description = shape.description.split(" [")[0] + f" [{shown}]"
            return elapsed

        shape.run = run
    return shapes


def _cached_load(
    marker: Path, load: Callable[[], dict[str, float]], fresh: bool
) -> tuple[dict[str, float], str]:
    """Load unless `marker` says a complete load is there: (its timings, when it was built)."""
    if not fresh and marker.exists():
        kept = json.loads(marker.read_text())
        return kept["timings"], f"built {kept['built']}, reused"
    timings = load()
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    marker.write_text(json.dumps({"timings": timings, "built": built}))
    return timings, f"built {built}"


def _upgrade(url: str) -> float:
    """A cached dataset built at an older head gets the newer migrations (0021: the agent
    list's sort columns, backfilled); at head this is a no-op."""
    from admin_portal.migrations import upgrade

    started = time.perf_counter()
    upgrade(url, "head", keep_logging=True)
    return time.perf_counter() - started


def run_sqlite(tree: Tree, args: argparse.Namespace) -> dict[str, object]:
    from admin_portal.db import make_engine

    cache: Path = args.cache
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"agents_{args.rows}_{args.agents}.db"
    marker = path.with_suffix(".json")

    def load() -> dict[str, float]:
        for stale in (path, marker, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        print(f"[sqlite] loading {args.rows:,} users into {path}", flush=True)
        timings = load_users_sqlite(path, args.rows, tree)
        timings["agents, groups, queues + ANALYZE"] = add_agents(
            f"sqlite:///{path}",
            tree,
            groups=args.groups,
            agents=args.agents,
            in_queue=args.in_queue,
        )
        return timings

    timings, built = _cached_load(marker, load, args.fresh or not path.exists())
    timings = {**timings, "upgrade to head (this run)": _upgrade(f"sqlite:///{path}")}
    engine = make_engine(f"sqlite:///{path}")
    shapes = build_shapes(engine, tree)
    print("[sqlite] measuring", flush=True)
    measure(shapes, args.repeat)
    engine.dispose()
    return {
        "db": f"SQLite {sqlite3.sqlite_version}",
        "timings": timings,
        "built": built,
        "shapes": shapes,
        "size": f"{path.stat().st_size / 1e6:,.0f} MB database file",
    }


def run_postgres(tree: Tree, args: argparse.Namespace) -> dict[str, object]:
    from sqlalchemy import text

    from admin_portal.db import make_engine

    base: Path = args.cache / f"pg_{args.rows}_{args.agents}"
    marker = args.cache / f"pg_{args.rows}_{args.agents}.json"
    if args.fresh or not marker.exists():
        shutil.rmtree(base, ignore_errors=True)  # a half-built one is no use
        marker.unlink(missing_ok=True)
    server, url, _ = start_kept_postgres(base)
    try:

        def load() -> dict[str, float]:
            print(f"[postgres] loading {args.rows:,} users", flush=True)
            timings = load_postgres(url, args.rows, tree)
            timings["agents, groups, queues + ANALYZE"] = add_agents(
                url, tree, groups=args.groups, agents=args.agents, in_queue=args.in_queue
            )
            return timings

        timings, built = _cached_load(marker, load, fresh=False)
        timings = {**timings, "upgrade to head (this run)": _upgrade(url)}
        engine = make_engine(url)
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
            size = conn.execute(
                text(
                    "SELECT pg_size_pretty(pg_total_relation_size('users')) || ', search rows ' "
                    "|| pg_size_pretty(pg_total_relation_size('user_search_rows'))"
                )
            ).scalar()
        shapes = build_shapes(engine, tree)
        print("[postgres] measuring", flush=True)
        measure(shapes, args.repeat)
        engine.dispose()
    finally:
        server.stop()
    return {
        "db": f"PostgreSQL {version}",
        "timings": timings,
        "built": built,
        "shapes": shapes,
        "size": f"users table + indexes {size}",
    }


def main(argv: Sequence[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(prog="bench.agents_list")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--in-queue", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench-agents")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached data")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("ADMIN_PORTAL_SECRET_KEY", "bench-secret-key")
    tree = build_tree()
    what = f"{args.rows:,} users, {args.agents:,} agents"
    sections = []
    for db in ("sqlite", "postgres"):
        if args.db not in (db, "both"):
            continue
        before = loadavg()
        result = run_sqlite(tree, args) if db == "sqlite" else run_postgres(tree, args)
        rows = [
            timing_row(s.name, s.times, s.description)
            for s in result["shapes"]  # type: ignore[attr-defined]
        ]
        table = render(rows, HEADER)
        print(table, flush=True)
        load_times = ", ".join(f"{k} {v:.0f} s" for k, v in result["timings"].items())  # type: ignore[attr-defined]
        sections.append(
            f"## {result['db']}\n\n{what}, {args.groups} groups, {args.in_queue:,} agents in a "
            f"queue; {result['size']}. Load ({result['built']}): {load_times}. Load average "
            f"(1/5/15 min) {before} before, {loadavg()} after measuring.\n\n{table}\n"
        )
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = (
        f"# Kontaktcenter agent list at {args.rows:,} users\n\n"
        f"Run {now} on {machine()}, shared with other engineers' work\n"
        f"(the load averages below say how busy it was). {args.repeat} calls per shape\n"
        "(`python -m bench.agents_list`), each `list_agents` (bounded count + one page of 25,\n"
        "names, group and in-queue flag) as a head administrator in a fresh session, after 5\n"
        "warm-up calls. p50/p95 are nearest-rank percentiles. The target is p95 ≤ 25 ms per\n"
        "shape.\n\n" + "\n".join(sections)
    )
    print(report)
    if not args.no_write:
        RESULTS.write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

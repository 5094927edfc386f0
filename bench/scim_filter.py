"""SCIM `filter=userName eq` and `co` (and friends) at 1,000,000 users (issue 15).

Reuses the users search benchmark's data and loader (bench/users_search.py: 1M Swedish users
over 2 organisations, migrated to head, FTS5 trigram table built, ANALYZE), then times
`services.api_clients.scim_search.find_users` plus the SCIM views of the page, with a
fresh ORM session per call, as GET /scim/v2/Users does, on SQLite and on a throwaway
PostgreSQL server (bench.users_search.start_postgres, loaded by its COPY loader).

    .venv/bin/python -m bench.scim_filter                      # 1,000,000 users, both
    .venv/bin/python -m bench.scim_filter --db postgres --rows 100000 --repeat 50 --no-write
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.report import loadavg, machine, render, timing_row
from bench.users_search import (
    FIRST_NAMES,
    USER_COLUMNS,
    Shape,
    Tree,
    _alembic,
    _datetime_processor,
    _substrings,
    _tree_rows,
    build_tree,
    generate_users,
    load_postgres,
    measure_postgres,
    measure_sqlite,
)

_ASCII_FIRSTS = [n for n in FIRST_NAMES if n.isascii()]
RESULTS = Path(__file__).resolve().parent / "results" / "scim_filter.md"
HEADER = ("shape", "p50 ms", "p95 ms", "max ms", "≤ 25 ms", "matches (last)")


def load_sqlite(path: Path, n: int, tree: Tree) -> dict[str, float]:
    """Schema to head on the empty file, then the same rows as bench.users_search, bulk.

    (bench.users_search migrates with the rows in place; on SQLite migration 0012's batch
    rebuild of `organisations` then trips the foreign keys, so here the schema comes first.)
    """
    import sqlite3
    from datetime import UTC, datetime

    from admin_portal.db import make_engine
    from admin_portal.search.structures import ensure_search_structures

    url = f"sqlite:///{path}"
    timings = {"schema (alembic head)": _alembic(url, "head")}
    to_db = _datetime_processor("sqlite")
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    orgs, companies, units = _tree_rows(tree, datetime.now(UTC))
    conn.executemany(
        "INSERT INTO organisations (id, name, user_bank_retention_days, created_at) VALUES (?,?,?,?)",
        [(*r[:3], to_db(r[3])) for r in orgs],
    )
    conn.executemany(
        "INSERT INTO companies (id, organisation_id, name, organisation_number, created_at)"
        " VALUES (?,?,?,?,?)",
        [(*r[:4], to_db(r[4])) for r in companies],
    )
    conn.executemany(
        "INSERT INTO units (id, company_id, parent_id, name, created_at) VALUES (?,?,?,?,?)",
        [(*r[:4], to_db(r[4])) for r in units],
    )
    sql = (
        f"INSERT INTO users ({', '.join(USER_COLUMNS)}) "  # noqa: S608 (constants)
        f"VALUES ({','.join('?' * len(USER_COLUMNS))})"
    )
    dt_idx = [
        USER_COLUMNS.index(c)
        for c in ("email_verified_at", "removed_at", "created_at", "updated_at")
    ]
    chunk: list[tuple[object, ...]] = []
    for row in generate_users(n, tree):
        values = list(row)
        for i in dt_idx:
            if values[i] is not None:
                values[i] = to_db(values[i])
        chunk.append(tuple(values))
        if len(chunk) == 50_000:
            conn.executemany(sql, chunk)
            chunk.clear()
    if chunk:
        conn.executemany(sql, chunk)
    conn.commit()
    conn.close()
    timings["load users"] = time.perf_counter() - started
    engine = make_engine(url)
    started = time.perf_counter()
    ensure_search_structures(engine)
    with engine.begin() as c:
        c.exec_driver_sql("ANALYZE")
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    timings["FTS5 + search rows + ANALYZE"] = time.perf_counter() - started
    engine.dispose()
    return timings


def build_shapes(engine: object, n: int, org_id: int) -> list[Shape]:
    from scim2_models import EnterpriseUser, ScimFilter, User
    from sqlmodel import Session, col, select

    from admin_portal.auth.permissions import Actor
    from admin_portal.models import User as UserRow
    from admin_portal.services.api_clients.scim_search import find_users
    from admin_portal.services.api_clients.scim_users import view_users

    actor = Actor(
        user_id=1,
        organisation_id=org_id,
        full_name="API: bench",
        language="sv",
        is_head_admin=True,
        api_client_id=1,
    )
    resource = User[EnterpriseUser]
    with Session(engine) as session:  # type: ignore[arg-type]
        ids = random.Random(7).sample(range(1, n + 1), min(n, 2000))
        sample = list(
            session.exec(
                select(UserRow.username)
                .where(
                    UserRow.organisation_id == org_id,
                    UserRow.status == "active",
                    col(UserRow.id).in_(ids),
                )
                .limit(200)
            ).all()
        )
    last = {"matches": 0}

    def timed(filter_text: str | None, start: int = 1, count: int = 100, sort: str = "id") -> float:
        node = ScimFilter[resource](filter_text).ast if filter_text else None  # type: ignore[misc]
        began = time.perf_counter()
        with Session(engine) as session:  # type: ignore[arg-type]
            page = find_users(
                session, actor=actor, node=node, start_index=start, count=count, sort=sort
            )
            view_users(session, actor=actor, users=page.users)
        elapsed = time.perf_counter() - began
        last["matches"] = page.total
        return elapsed

    def q(text: str) -> str:
        return '"' + text.replace('"', '\\"') + '"'

    shapes = [
        Shape(
            "userName eq (existing)",
            "an existing username in random case",
            lambda rng: timed(f"userName eq {q(rng.choice(sample).upper())}"),
        ),
        Shape(
            "userName eq (absent)",
            "a username nobody has",
            lambda rng: timed(f"userName eq {q('nobody' + str(rng.randint(0, 10**9)))}"),
        ),
        Shape(
            "userName co 3-8 chars",
            "a substring of an ASCII first name (thousands of matches: count + first page)",
            lambda rng: timed(f"userName co {q(_substrings(_ASCII_FIRSTS, rng))}"),
        ),
        Shape(
            "userName co rare",
            "a substring of one existing username's tail (few matches)",
            lambda rng: timed(f"userName co {q(rng.choice(sample)[-7:])}"),
        ),
        Shape(
            "userName sw",
            "the first 5 characters of an existing username",
            lambda rng: timed(f"userName sw {q(rng.choice(sample)[:5])}"),
        ),
        Shape(
            "emails co",
            "a substring of an existing username, on the e-mail column",
            lambda rng: timed(f"emails co {q(rng.choice(sample)[2:8])}"),
        ),
        Shape(
            "userName eq or emails eq",
            "Entra's matching: userName or the e-mail",
            lambda rng: timed(
                f"userName eq {q(rng.choice(sample))} or emails eq {q('x@example.se')}"
            ),
        ),
        Shape("no filter, first page", "startIndex=1 count=100", lambda rng: timed(None)),
        Shape(
            "no filter, deep page",
            "startIndex between n/4 and n/2, count=100",
            lambda rng: timed(None, start=rng.randint(n // 4, n // 2)),
        ),
        Shape(
            "sortBy=userName, page 1",
            "no filter, sorted by userName",
            lambda rng: timed(None, sort="userName"),
        ),
        Shape(
            "userName co + sortBy=name",
            "a substring of an ASCII first name, sorted by name (every match sorted)",
            lambda rng: timed(f"userName co {q(_substrings(_ASCII_FIRSTS, rng))}", sort="name"),
        ),
    ]
    for shape in shapes:
        original = shape.run

        def run(rng: random.Random, original=original, shape=shape) -> float:  # type: ignore[no-untyped-def]
            elapsed = original(rng)
            shape.description = shape.description.split(" [")[0] + f" [{last['matches']:,}]"
            return elapsed

        shape.run = run
    return shapes


def main(argv: Sequence[str] | None = None) -> int:
    import os
    from datetime import UTC, datetime

    parser = argparse.ArgumentParser(prog="bench.scim_filter")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("ADMIN_PORTAL_SECRET_KEY", "bench-secret-key")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-scim-"))
    tree = build_tree()
    org_id = tree.orgs[0][0]
    sections = []
    for db in ("sqlite", "postgres"):
        if args.db not in (db, "both"):
            continue
        before = loadavg()
        if db == "sqlite":
            result = measure_sqlite(
                workdir / "bench_scim.db",
                args.repeat,
                what=f"{args.rows:,} users",
                load=lambda path: load_sqlite(path, args.rows, tree),
                shapes_for=lambda engine: build_shapes(engine, args.rows, org_id),
            )
        else:
            result = measure_postgres(
                args.repeat,
                what=f"{args.rows:,} users",
                load=lambda url: load_postgres(url, args.rows, tree),
                shapes_for=lambda engine: build_shapes(engine, args.rows, org_id),
            )
        rows = [
            timing_row(s.name, s.times, s.description)
            for s in result["shapes"]  # type: ignore[attr-defined]
        ]
        table = render(rows, HEADER)
        print(table, flush=True)
        sections.append(
            f"## {result['db']}\n\n{result['size']}; load average (1/5/15 min) {before} "
            f"before loading, {loadavg()} after measuring.\n\n{table}\n"
        )
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = (
        f"# SCIM filters at {args.rows:,} users\n\n"
        f"Run {now} on {machine()}, shared with five other engineers' work and test runs\n"
        f"(the load averages below say how busy it was). {args.repeat} calls per shape\n"
        "(`python -m bench.scim_filter`). Each call: parse the filter (scim2-models),\n"
        "`find_users` (one page of 100 and totalResults) and the SCIM views of the page, in a\n"
        "fresh session. totalResults is start - 1 + the page + the matches after it counted up\n"
        "to 300 (README): `matches` is the totalResults of the last call.\n\n" + "\n".join(sections)
    )
    print(report)
    if not args.no_write:
        RESULTS.write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

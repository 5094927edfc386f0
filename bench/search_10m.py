"""Users and user-bank search at 10,000,000 users on PostgreSQL (issue 17: p95 ≤ 50 ms).

    nice -n 10 python -m bench.search_10m build var/pg10m --rows 10000000   # ~20 GB, kept
    python -m bench.search_10m measure var/pg10m [--repeat 200] [--no-write]

`build` fills a kept server (bench/pg.py `start_kept_postgres`) fast: generating 10M rows
in Python and COPYing them takes most of an hour, so it generates a base of `--base` rows
(default rows / 10) with the users bench's generators, runs the migrations on it, then
multiplies it server-side (`INSERT ... SELECT` per copy: new ids, usernames and e-mails
renumbered with the new id, numeric ids shifted per copy, new personnummer, timestamps
jittered by under a day; names, companies, units, types and status as in the base, so
the Swedish name frequencies hold at ten times the people). The users' secondary indexes
are dropped before the copies and built once afterwards from their catalogue definitions,
because migration 0006 adds a stored column (a table rewrite that rebuilds every index
existing at that time): running the migrations on 10M rows would build the trigram
indexes three times. The end state is the same schema as `alembic upgrade head` gives.
Then `ensure_search_structures` (the name-ordered search rows) and VACUUM ANALYZE.

The mix is one organisation's users and user bank together: `--bank-share` (10 %) of the
users are removed, BankData-style (removed in the last two years by one of four
administrators of their organisation, weights 5:3:1:1); every 10th user has a valid
personnummer. `measure` runs the users search shapes (bench/users_search.py) and the user
bank shapes (bench/user_bank_search.py) at service level and writes
bench/results/search_10m.md. What the shapes need from the build (removers, personnummer
present in the bank, the build's "now") is kept in DIR/search_10m.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import user_bank_search as bank
from bench import users_search as us
from bench.pg import start_kept_postgres
from bench.report import loadavg, machine, render

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "search_10m.md"
META = "search_10m.json"
TARGET_MS = 50.0
MIN_FREE_GB = 8.0
HEADER = ("shape", "n", "p50 ms", "p95 ms", "max ms", "≤ 50 ms")
_COL = {c: i for i, c in enumerate(us.USER_COLUMNS)}


class MixedData(bank.BankData):
    """Active users plus a user bank: `bank_share` of them removed, as BankData removes."""

    def __init__(self, now: datetime, bank_share: float) -> None:
        super().__init__(now)
        self.bank_share = bank_share

    def __call__(self, n: int, tree: us.Tree) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        for row in us.generate_users(n, tree, removed_share=self.bank_share):
            values = list(row)
            uid, org = int(values[0]), int(values[_COL["organisation_id"]])  # type: ignore[call-overload]
            removed = values[_COL["status"]] == "removed"
            if uid % bank.VALID_ID_EVERY == 0:
                values[_COL["national_id"]] = bank.valid_national_id(rng)
                if removed:
                    self.national_ids.setdefault(org, []).append(values[_COL["national_id"]])  # type: ignore[arg-type]
            removers = self.removers.setdefault(org, [])
            if not removed:
                if len(removers) < bank.REMOVERS_PER_ORG:
                    removers.append(uid)  # the head administrator, then three administrators
                yield tuple(values)
                continue
            values[_COL["removed_at"]] = self.now - timedelta(
                seconds=rng.uniform(0, bank.WINDOW_DAYS * 86400)
            )
            weights = bank.REMOVER_WEIGHTS[: len(removers)]
            values[_COL["removed_by_id"]] = rng.choices(removers, weights)[0]
            yield tuple(values)


# --------------------------------------------------------------------------- build

# The check digit of a personnummer over YYMMDDNNN (bank.luhn_digit in SQL).
_LUHN_FN = """
CREATE OR REPLACE FUNCTION bench_luhn(nine text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT ((10 - sum((d * w) / 10 + (d * w) % 10) % 10) % 10)::text
  FROM (SELECT substr(nine, i, 1)::int AS d, 1 + i % 2 AS w FROM generate_series(1, 9) AS i) AS x
$$"""


def copy_sql(k: int, base: int, spans: dict[int, int]) -> str:
    """INSERT copy `k` (1, 2, ...) of users 1..base as users k*base+1 .. (k+1)*base.

    The username and e-mail end in the user's id in the base ("anna.lind17@telia.com"), so
    putting the new id there keeps both unique; numeric ids move up by the organisation's
    span per copy (dense, as a bigger organisation's would be); personnummer get another
    serial (valid ones a fresh check digit); timestamps move by under a day.
    """
    off = k * base
    new_id = f"(u.id + {off})"
    span_rows = ", ".join(f"({org}, {span})" for org, span in sorted(spans.items())) or "(0, 0)"
    shift = f"make_interval(secs => ((u.id::bigint * 7919 + {k * 104729}) % 86400))"
    user = f"regexp_replace(u.username, '[0-9]+$', {new_id}::text)"
    mail = f"regexp_replace(u.email, '[0-9]+@', {new_id}::text || '@')"
    serial = f"lpad((((substr(u.national_id, 9, 3)::int - 1 + {k * 97}) % 999) + 1)::text, 3, '0')"
    nid = (
        f"CASE WHEN u.id % {bank.VALID_ID_EVERY} = 0 THEN substr(u.national_id, 1, 8) || {serial}"
        f" || bench_luhn(substr(u.national_id, 3, 6) || {serial})"
        f" ELSE substr(u.national_id, 1, 8) || "
        f"lpad(((substr(u.national_id, 9, 4)::int + {k * 1237}) % 10000)::text, 4, '0') END"
    )
    values = {
        "id": new_id,
        "username": user,
        "username_key": f"lower({user})",
        "email": mail,
        "email_key": f"lower({mail})",
        "email_verified_at": f"u.email_verified_at + {shift}",
        "national_id": nid,
        "numeric_id": f"u.numeric_id + {k} * coalesce(s.span, 0)",
        "removed_at": f"u.removed_at - {shift}",
        "created_at": f"u.created_at + {shift}",
        "updated_at": f"u.created_at + {shift}",
    }
    cols = ", ".join(us.USER_COLUMNS)
    select = ", ".join(values.get(c, f"u.{c}") for c in us.USER_COLUMNS)
    return (
        f"INSERT INTO users ({cols}) SELECT {select} FROM users AS u "  # noqa: S608 (ints only)
        f"LEFT JOIN (VALUES {span_rows}) AS s(org, span) ON s.org = u.organisation_id "
        f"WHERE u.id <= {base} ORDER BY u.id"
    )


def _secondary_indexes(cur: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(unique constraints, other indexes) on users except the primary key, as DDL."""
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'users'::regclass AND contype = 'u' ORDER BY conname"
    )
    constraints = list(cur.fetchall())
    cur.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid), am.amname FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam "
        "WHERE x.indrelid = 'users'::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
        "ORDER BY am.amname = 'gin', i.relname"  # b-trees first, trigram GIN last
    )
    return constraints, [(name, ddl) for name, ddl, _am in cur.fetchall()]


def _free_gb() -> float:
    return shutil.disk_usage(ROOT).free / 1e9


def _disk_watch(server: Any, stop: threading.Event) -> None:
    """Stops the server and the build when free disk falls under MIN_FREE_GB."""
    while not stop.wait(20):
        if _free_gb() < MIN_FREE_GB:
            print(f"ABORT: {_free_gb():.1f} GB free (< {MIN_FREE_GB} GB)", flush=True)
            server.stop()
            os._exit(3)


class Steps:
    """Times each build step and prints it as it ends."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def run(self, name: str, fn: Any, *args: Any) -> Any:
        print(f"[{datetime.now(UTC):%H:%M:%S}] {name} ... ({_free_gb():.0f} GB free)", flush=True)
        started = time.perf_counter()
        result = fn(*args)
        self.timings[name] = time.perf_counter() - started
        print(f"    {name}: {self.timings[name]:.1f} s", flush=True)
        return result


def build(directory: Path, rows: int, base: int, bank_share: float) -> int:
    import psycopg
    from sqlalchemy.engine import make_url

    from admin_portal.db import make_engine
    from admin_portal.search.structures import ensure_search_structures

    if rows % base:
        raise SystemExit("--rows must be a multiple of --base")
    if (directory / "data" / "PG_VERSION").exists():
        raise SystemExit(f"{directory} holds a server already; delete it to rebuild")
    copies = rows // base
    steps = Steps()
    load_start = loadavg()
    server, url, _fresh = steps.run("initdb + start", start_kept_postgres, directory)
    stop = threading.Event()
    threading.Thread(target=_disk_watch, args=(server, stop), daemon=True).start()
    u = make_url(url)

    def connect(autocommit: bool = False) -> Any:
        return psycopg.connect(
            host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=autocommit
        )

    tree = us.build_tree()
    now = datetime.now(UTC)
    data = MixedData(now, bank_share)
    try:
        with connect(autocommit=True) as conn:  # for the bulk writes and index builds
            conn.execute("ALTER SYSTEM SET max_wal_size = '4GB'")
            conn.execute("ALTER SYSTEM SET maintenance_work_mem = '2GB'")
            conn.execute("SELECT pg_reload_conf()")
        steps.run("schema 0001-0002", us._alembic, url, "0002")

        def load_base() -> None:
            with connect() as conn, conn.cursor() as cur:
                us.copy_tree_and_users(cur, tree, data(base, tree), now)

        steps.run(f"generate + COPY base {base:,} users", load_base)
        steps.run("migrations 0003-head on the base", us._alembic, url, "head")

        with connect(autocommit=True) as conn, conn.cursor() as cur:
            constraints, indexes = _secondary_indexes(cur)
            cur.execute(
                "SELECT organisation_id, max(numeric_id) - 1000 FROM users "
                "WHERE numeric_id IS NOT NULL GROUP BY organisation_id"
            )
            spans = {int(org): int(span) for org, span in cur.fetchall()}

            def drop() -> None:
                for name, _ in constraints:
                    cur.execute(f'ALTER TABLE users DROP CONSTRAINT "{name}"')
                for name, _ in indexes:
                    cur.execute(f'DROP INDEX "{name}"')

            steps.run(f"drop {len(constraints) + len(indexes)} secondary indexes", drop)
            cur.execute(_LUHN_FN)
            # Foreign keys are triggers: off for the copies, whose references (organisation,
            # company, unit, remover) are the base's, already checked.
            cur.execute("SET session_replication_role = replica")

            def multiply() -> None:
                for k in range(1, copies):
                    if _free_gb() < MIN_FREE_GB:
                        raise SystemExit(f"ABORT: {_free_gb():.1f} GB free")
                    started = time.perf_counter()
                    cur.execute(copy_sql(k, base, spans))
                    print(
                        f"    copy {k}/{copies - 1}: {time.perf_counter() - started:.0f} s",
                        flush=True,
                    )

            steps.run(f"multiply to {rows:,} users (INSERT ... SELECT x{copies - 1})", multiply)
            cur.execute("SET session_replication_role = DEFAULT")
            cur.execute("DROP FUNCTION bench_luhn(text)")
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))"
            )

            def recreate() -> None:
                cur.execute("SET maintenance_work_mem = '2GB'")
                for name, ddl in constraints:
                    started = time.perf_counter()
                    cur.execute(f'ALTER TABLE users ADD CONSTRAINT "{name}" {ddl}')
                    print(f"    {name}: {time.perf_counter() - started:.0f} s", flush=True)
                for name, ddl in indexes:
                    started = time.perf_counter()
                    cur.execute(ddl)
                    print(f"    {name}: {time.perf_counter() - started:.0f} s", flush=True)

            steps.run("build the secondary indexes over all rows", recreate)

        engine = make_engine(url)
        steps.run("name-ordered search rows", ensure_search_structures, engine)
        engine.dispose()

        def vacuum() -> None:
            with connect(autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE users")
                conn.execute("VACUUM ANALYZE user_search_rows")

        steps.run("VACUUM ANALYZE", vacuum)
        with connect() as conn:
            mix = conn.execute(
                "SELECT organisation_id, status, count(*) FROM users GROUP BY 1, 2 ORDER BY 1, 2"
            ).fetchall()
            org1 = tree.orgs[0][0]
            present = [
                r[0]
                for r in conn.execute(
                    "SELECT national_id FROM users TABLESAMPLE SYSTEM (5) REPEATABLE (7) "
                    "WHERE organisation_id = %s AND status = 'removed' AND id %% %s = 0 LIMIT 5000",
                    (org1, bank.VALID_ID_EVERY),
                ).fetchall()
            ] or data.national_ids.get(org1, [])
        meta = {
            "rows": rows,
            "base": base,
            "bank_share": bank_share,
            "now": now.isoformat(),
            "removers": {str(k): v for k, v in data.removers.items()},
            "national_ids": {str(org1): present},
            "mix": [[int(o), s, int(c)] for o, s, c in mix],
            "timings": steps.timings,
            "built": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            "loadavg": [load_start, loadavg()],
        }
        (directory / META).write_text(json.dumps(meta, indent=1))
        total = sum(steps.timings.values())
        print(f"built {rows:,} users in {total / 60:.1f} min; {_free_gb():.0f} GB free", flush=True)
    finally:
        stop.set()
        server.stop()
    return 0


# --------------------------------------------------------------------------- measure


def measure(directory: Path, repeat: int, write: bool) -> int:
    from sqlalchemy import text

    from admin_portal.db import make_engine

    meta_path = directory / META
    if not meta_path.exists():
        raise SystemExit(f"{meta_path} missing: run `build` first (or it did not finish)")
    meta = json.loads(meta_path.read_text())
    load_start = loadavg()
    started_at = datetime.now(UTC)
    server, url, _fresh = start_kept_postgres(directory)
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
            size = conn.execute(
                text(
                    "SELECT pg_size_pretty(pg_total_relation_size('users')), "
                    "pg_size_pretty(pg_total_relation_size('user_search_rows')), "
                    "pg_size_pretty(pg_database_size(current_database()))"
                )
            ).one()
        tree = us.build_tree()
        data = bank.BankData(datetime.fromisoformat(meta["now"]))
        data.removers = {int(k): v for k, v in meta["removers"].items()}
        data.national_ids = {int(k): v for k, v in meta["national_ids"].items()}
        groups = [
            ("Users search (`search_users`)", us.build_shapes(engine, tree, meta["rows"])),
            ("User bank search (`search_bank`)", bank.build_shapes(engine, tree, data)),
        ]
        for title, shapes in groups:
            print(f"[{datetime.now(UTC):%H:%M:%S}] {title}", flush=True)
            us.measure(shapes, repeat)
            print(render(us.table_rows(shapes, target_ms=TARGET_MS), HEADER), flush=True)
        engine.dispose()
    finally:
        server.stop()
    load_end = loadavg()
    where = directory.resolve()
    shown = str(where.relative_to(ROOT)) if where.is_relative_to(ROOT) else str(where)
    report = write_report(
        meta, groups, repeat, str(version), size, started_at, (load_start, load_end), shown
    )
    if write:
        RESULTS.write_text(report)
        print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


def write_report(
    meta: dict[str, Any],
    groups: list[tuple[str, list[us.Shape]]],
    repeat: int,
    version: str,
    size: Sequence[str],
    started_at: datetime,
    loads: tuple[str, str],
    directory: str,
) -> str:
    """The results file: the data, one table per search, and the build's step timings."""
    load_start, load_end = loads
    rows = meta["rows"]
    removed = sum(c for _o, s, c in meta["mix"] if s == "removed")
    org_totals: dict[int, int] = {}
    for org, _s, count in meta["mix"]:
        org_totals[org] = org_totals.get(org, 0) + count
    busy = float(load_start.split(" / ")[0]) > 0.5 or float(load_end.split(" / ")[0]) > 0.5
    lines = [
        "# Users and user-bank search at 10M users (PostgreSQL)",
        "",
        f"`python -m bench.search_10m measure {directory} --repeat {repeat}` — "
        f"{started_at:%Y-%m-%d %H:%M} UTC, {machine()}, Python {platform.python_version()},",
        f"PostgreSQL {version} (bench/pg.py settings: shared_buffers 1 GB, work_mem 16 MB).",
        f"Load average (1/5/15 min) at start {load_start}, at end {load_end}"
        + (
            " — **measured under load** (other jobs on the 2 cores): not the final figure."
            if busy
            else "."
        ),
        "",
        f"**Data**: {rows:,} users ({size[0]} with indexes; name-ordered search rows "
        f"{size[1]}; database {size[2]}): {rows - removed:,} active and {removed:,} in the user "
        f"bank (removed, {meta['bank_share']:.0%}), "
        + ", ".join(f"organisation {o}: {n:,}" for o, n in sorted(org_totals.items()))
        + ". A base of "
        f"{meta['base']:,} users from bench/users_search.py's generator (Swedish name frequencies, "
        "2 organisations, 8 companies, 960 units; banked users as bench/user_bank_search.py's: "
        f"removed within {bank.WINDOW_DAYS} days by one of {bank.REMOVERS_PER_ORG} administrators, "
        f"every {bank.VALID_ID_EVERY}th user with a valid personnummer), multiplied "
        f"{rows // meta['base']}× in the database with new ids, usernames, e-mails, numeric ids "
        "and personnummer: ten times the people with the same name distribution.",
        "",
        f"Each search is at service level (a new ORM session, one page of 25 rows plus the bounded "
        f"count), timed {repeat} times per shape with varying input after 5 warm-up calls, as a "
        f"head administrator of the larger organisation (70 %). Target: p95 ≤ {TARGET_MS:.0f} ms.",
    ]
    for title, shapes in groups:
        lines += [
            "",
            f"## {title}",
            "",
            render(us.table_rows(shapes, target_ms=TARGET_MS), HEADER),
            "",
            "Shapes:",
            "",
        ]
        lines += [f"- **{s.name}**: {s.description}" for s in shapes]
    lines += [
        "",
        f"## Build ({meta['built']}, load average {meta['loadavg'][0]} → {meta['loadavg'][1]})",
        "",
        f"`nice -n 10 python -m bench.search_10m build {directory} --rows {rows}`:",
        "",
        *(f"- {k}: {v:.0f} s" for k, v in meta["timings"].items()),
        f"- total: {sum(meta['timings'].values()) / 60:.1f} min",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the kept server with N users")
    b.add_argument("directory", type=Path)
    b.add_argument("--rows", type=int, default=10_000_000)
    b.add_argument("--base", type=int, default=0, help="generated rows (default rows / 10)")
    b.add_argument("--bank-share", type=float, default=0.10)
    m = sub.add_parser("measure", help="time the search shapes against a built server")
    m.add_argument("directory", type=Path)
    m.add_argument("--repeat", type=int, default=200)
    m.add_argument("--no-write", action="store_true", help="print only; leave results/ alone")
    args = parser.parse_args(argv)
    os.environ.setdefault("ADMIN_PORTAL_SECRET_KEY", "bench-secret-key")
    random.seed(0)
    if args.command == "build":
        return build(args.directory, args.rows, args.base or args.rows // 10, args.bank_share)
    return measure(args.directory, args.repeat, not args.no_write)


if __name__ == "__main__":
    sys.exit(main())

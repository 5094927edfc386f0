"""Import of the Anställda/användare template at scale: export, preview and apply N rows.

    python -m bench.user_import [--rows 100000] [--db sqlite|postgres|both] [--workdir DIR]

What it does, per database:
1. loads N users of one organisation (the users search benchmark's generator and loaders:
   executemany on SQLite, COPY on PostgreSQL), none removed; 90 % of the addresses
   are made unverified, so most rows of the file really change a user;
2. exports every user as CSV with `export_rows` + `csv_chunks` (what the export route
   streams), and as XLSX (`xlsx_file`), timing each;
3. edits the CSV as an admin would: a new address on every row, a few invalid ones and a
   few unknown usernames;
4. times `preview_import` (parse, chunked lookups, storing N preview rows, commit), then
   `start_apply` and the worker's `jobs.run_until_idle` applying it chunk by chunk;
5. times reading the XLSX export (parse only), and writes bench/results/user_import.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import secrets
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench import users_search as data
from bench.pg import start_postgres

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "user_import.md"
INVALID_EVERY = 97  # one row in INVALID_EVERY gets an address that is not one
UNKNOWN_EVERY = 101  # one row in UNKNOWN_EVERY names a username nobody has
NOTE = (
    "Where apply's time goes: `assign_email` per user (the mandated way to change an address)\n"
    "runs an ORM UPDATE voiding the user's verification links, then the user's own UPDATE,\n"
    "which on SQLite also maintains the FTS5 search table: about 1-1.5 ms a row. A bulk\n"
    "variant of `assign_email` (one UPDATE per chunk) is the lever if this must be faster.\n"
)


def _one_organisation() -> None:
    # The import acts within one organisation: every generated user belongs to it.
    data.ORGS = [("Omsorg Stor AB-koncernen", 1.0, 6)]


def _users(n: int, tree: data.Tree) -> Iterator[tuple[object, ...]]:
    # Nobody removed: the export, and so the file, holds exactly N rows.
    return data.generate_users(n, tree, removed_share=0.0)


def _prepare(engine: object) -> None:
    from sqlalchemy import text

    with engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text("UPDATE users SET email_verified_at = NULL WHERE id % 10 <> 0"))
        conn.execute(
            text(
                "INSERT INTO role_assignments (user_id, organisation_id, role, may_reveal_national_id,"
                " created_at) VALUES (1, 1, 'head_admin', false, CURRENT_TIMESTAMP)"
            )
        )


def _edited(exported: bytes) -> bytes:
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"), newline=""), delimiter=";"))
    header = rows[0]
    username, email = header.index("Användarnamn"), header.index("E-post")
    for number, row in enumerate(rows[1:], start=1):
        row[email] = f"{row[username]}@ny-adress.example"
        if number % INVALID_EVERY == 0:
            row[email] = "inte en adress@"
        if number % UNKNOWN_EVERY == 0:
            row[username] = f"okand.{number}"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def _timed(timings: dict[str, float], label: str, started: float) -> None:
    timings[label] = time.perf_counter() - started
    print(f"  {label}: {timings[label]:.1f} s", flush=True)


def measure(url: str) -> dict[str, object]:
    from sqlmodel import Session

    from admin_portal import wiring
    from admin_portal.auth.permissions import load_actor
    from admin_portal.db import make_engine, session_scope
    from admin_portal.search.query import UserQuery
    from admin_portal.services import jobs
    from admin_portal.services.spreadsheets.export import export_rows
    from admin_portal.services.spreadsheets.import_apply import start_apply
    from admin_portal.services.spreadsheets.import_preview import preview_import
    from admin_portal.services.spreadsheets.imports import get_import
    from admin_portal.services.spreadsheets.sheets import csv_chunks, read_sheet, xlsx_file

    engine = make_engine(url)
    wiring.install()  # the job steps, as the worker wires them
    _prepare(engine)
    timings: dict[str, float] = {}
    with Session(engine) as session:
        actor = load_actor(session, 1)
    assert actor is not None and actor.is_head_admin

    started = time.perf_counter()
    with session_scope(engine) as session:
        exported = b"".join(
            csv_chunks(export_rows(session, actor=actor, query=UserQuery(), lang="sv"))
        )
    _timed(timings, "export CSV", started)
    started = time.perf_counter()
    with session_scope(engine) as session:
        handle = xlsx_file(
            export_rows(session, actor=actor, query=UserQuery(), lang="sv"),
            sheet_title="Anställda-användare",
        )
        xlsx = handle.read()
        handle.close()
    _timed(timings, "export XLSX", started)

    upload = _edited(exported)
    file_rows = upload.count(b"\r\n") - 1
    started = time.perf_counter()
    with session_scope(engine) as session:
        summary = preview_import(session, actor=actor, filename="anvandare.csv", data=upload)
    _timed(timings, "preview (parse, look up, store rows, commit)", started)

    started = time.perf_counter()
    with session_scope(engine) as session:
        start_apply(
            session, actor=actor, import_id=summary.id, request_key=secrets.token_urlsafe(16)
        )
    steps = jobs.run_until_idle(engine)
    _timed(timings, "apply (worker job, all steps)", started)
    with Session(engine) as session:
        applied = get_import(session, actor=actor, import_id=summary.id)
        job = jobs.get_job(session, actor=actor, job_id=applied.job_id)
    assert job.status == "done", job

    started = time.perf_counter()
    sheet = read_sheet(xlsx, "anvandare.xlsx")
    xlsx_rows = sum(1 for _ in sheet.rows)
    _timed(timings, "read the XLSX export (parse only)", started)
    engine.dispose()
    return {
        "timings": timings,
        "file_rows": file_rows,
        "csv_mb": len(upload) / 1e6,
        "xlsx_mb": len(xlsx) / 1e6,
        "xlsx_rows": xlsx_rows,
        "counts": summary.counts,
        "job": job,
        "steps": steps,
    }


def run_sqlite(n: int, workdir: Path) -> dict[str, object]:
    tree = data.build_tree()
    path = workdir / "bench_import.db"
    path.unlink(missing_ok=True)
    print(f"[sqlite] loading {n:,} users into {path}", flush=True)
    load = data.load_sqlite(path, n, tree, users=_users)
    result = measure(f"sqlite:///{path}")
    path.unlink(missing_ok=True)
    return {"db": f"SQLite {sqlite3.sqlite_version}", "load": load, **result}


def run_postgres(n: int) -> dict[str, object]:
    tree = data.build_tree()
    server, url = start_postgres()
    try:
        print(f"[postgres] loading {n:,} users", flush=True)
        load = data.load_postgres(url, n, tree, users=_users)
        result = measure(url)
    finally:
        server.destroy()  # type: ignore[attr-defined]
    return {"db": "PostgreSQL", "load": load, **result}


def write_report(n: int, results: list[dict[str, object]]) -> str:
    lines = [
        "# User import benchmark (F1.3)",
        "",
        f"`python -m bench.user_import --rows {n}` — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC,",
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.",
        f"{n:,} users in one organisation (90 % of the addresses unverified); the",
        "head admin exports them all, puts a new address on every row (1 in",
        f"{INVALID_EVERY} invalid, 1 in {UNKNOWN_EVERY} with an unknown username), previews and applies.",
        "Times are at service level, as the page, the routes and the worker call them.",
        "",
        *NOTE.splitlines(),
    ]
    for r in results:
        job = r["job"]
        lines += [
            "",
            f"## {r['db']}",
            "",
            f"File: {r['file_rows']:,} rows, CSV {r['csv_mb']:.1f} MB, XLSX {r['xlsx_mb']:.1f} MB.",
            "",
            "| step | seconds | rows/s |",
            "|------|---------|--------|",
        ]
        for label, seconds in r["timings"].items():  # type: ignore[attr-defined]
            rate = (job.total if label.startswith("apply") else r["file_rows"]) / seconds  # type: ignore[attr-defined]
            lines.append(f"| {label} | {seconds:.1f} | {rate:,.0f} |")
        lines += ["", "Preview outcomes:", ""]
        lines += [f"- {k}: {v:,}" for k, v in sorted(r["counts"].items())]  # type: ignore[attr-defined]
        lines += [
            "",
            f"Apply job: {r['steps']} steps, {job.total:,} rows to apply, {job.succeeded:,} applied, "  # type: ignore[attr-defined]
            f"{job.skipped:,} skipped, {job.failed:,} failed.",  # type: ignore[attr-defined]
            "",
            "Load (not part of the import):",
            "",
        ]
        lines += [f"- {k}: {v:.1f} s" for k, v in r["load"].items()]  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--workdir", type=Path, default=None, help="where the SQLite file goes")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results/ alone")
    args = parser.parse_args(argv)
    os.environ.setdefault("ADMIN_PORTAL_SECRET_KEY", "bench-secret-key")
    # The benchmark's file is bigger than an admin's would be; the limits are not measured.
    os.environ.setdefault("ADMIN_PORTAL_IMPORT_MAX_ROWS", str(max(args.rows, 200_000)))
    os.environ.setdefault("ADMIN_PORTAL_IMPORT_MAX_BYTES", str(max(args.rows * 200, 20 * 2**20)))
    _one_organisation()
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        if args.db in ("sqlite", "both"):
            results.append(run_sqlite(args.rows, args.workdir or Path(tmp)))
        if args.db in ("postgres", "both"):
            results.append(run_postgres(args.rows))
    report = write_report(args.rows, results)
    print(report)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(report)
        print(f"written to {RESULTS.relative_to(ROOT)}")
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

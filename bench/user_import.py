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
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench import users_search as data
from bench.pg import start_postgres

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "user_import.md"
INVALID_EVERY = 97  # one row in INVALID_EVERY gets an address that is not one
UNKNOWN_EVERY = 101  # one row in UNKNOWN_EVERY names a username nobody has
XLSX = True  # --no-xlsx leaves out the XLSX export and its reading (not the import)
TARGET_APPLY_S = 30.0  # issue 17: apply of 100,000 rows within 30 s on both databases
NOTE = (
    "Where apply's time goes: per step of 5,000 rows, `assign_new_emails` (the bulk form of\n"
    "`assign_email`) voids the chunk's verification links in one UPDATE and sets the addresses\n"
    "in one UPDATE (PostgreSQL: one statement over arrays, in id order; SQLite: executemany),\n"
    "and the rows' verdicts likewise; no ORM objects; SQLite gets a 64 MB page cache for the step.\n"
    "What is left is the database's own work per\n"
    "row: on SQLite the row and its six search indexes, the FTS5 trigram table of `users` and\n"
    "the name-ordered search row with its own FTS5 table (triggers); on PostgreSQL the row,\n"
    "its indexes, the generated search column with its trigram GIN indexes and the search row.\n"
    "Wall seconds on a shared machine measure the neighbours too: CPU seconds (this process\n"
    "plus the PostgreSQL server's processes; SQLite runs in this process) are what a step\n"
    "costs, and about what it takes on an idle machine.\n"
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


def _proc_cpu(pid: int, *, children_reaped: bool = False) -> float:
    """CPU seconds (user + system) of a process, and of its reaped children if asked."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0  # gone meanwhile
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children_reaped:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu(postmaster: int) -> float:
    """CPU seconds a PostgreSQL server used so far: the postmaster, its exited backends
    (reaped by it) and the live ones."""
    total = _proc_cpu(postmaster, children_reaped=True)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == postmaster:
                total += _proc_cpu(int(entry.name))
    return total


class _Clock:
    """Wall and CPU time of each step. On a shared machine the wall time says as much about
    the neighbours as about the code; the CPU seconds of this process plus those of the
    database server (PostgreSQL; SQLite runs inside this process) are what the step costs,
    and about what it takes on an idle machine (client and server take turns)."""

    def __init__(self, server: Callable[[], float]) -> None:
        self.server = server
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def start(self) -> tuple[float, float]:
        return time.perf_counter(), time.process_time() + self.server()

    def stop(self, label: str, started: tuple[float, float]) -> None:
        self.timings[label] = time.perf_counter() - started[0]
        self.cpu[label] = time.process_time() + self.server() - started[1]
        print(f"  {label}: {self.timings[label]:.1f} s (CPU {self.cpu[label]:.1f} s)", flush=True)


def measure(url: str, server: Callable[[], float] = lambda: 0.0) -> dict[str, object]:
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
    clock = _Clock(server)
    with Session(engine) as session:
        actor = load_actor(session, 1)
    assert actor is not None and actor.is_head_admin

    started = clock.start()
    with session_scope(engine) as session:
        exported = b"".join(
            csv_chunks(export_rows(session, actor=actor, query=UserQuery(), lang="sv"))
        )
    clock.stop("export CSV", started)
    xlsx = b""
    if XLSX:
        started = clock.start()
        with session_scope(engine) as session:
            handle = xlsx_file(
                export_rows(session, actor=actor, query=UserQuery(), lang="sv"),
                sheet_title="Anställda-användare",
            )
            xlsx = handle.read()
            handle.close()
        clock.stop("export XLSX", started)

    upload = _edited(exported)
    file_rows = upload.count(b"\r\n") - 1
    started = clock.start()
    with session_scope(engine) as session:
        summary = preview_import(session, actor=actor, filename="anvandare.csv", data=upload)
    clock.stop("preview (parse, look up, store rows, commit)", started)

    started = clock.start()
    with session_scope(engine) as session:
        start_apply(
            session, actor=actor, import_id=summary.id, request_key=secrets.token_urlsafe(16)
        )
    steps = jobs.run_until_idle(engine)
    clock.stop("apply (worker job, all steps)", started)
    with Session(engine) as session:
        applied = get_import(session, actor=actor, import_id=summary.id)
        job = jobs.get_job(session, actor=actor, job_id=applied.job_id)
    assert job.status == "done", job

    xlsx_rows = 0
    if XLSX:
        started = clock.start()
        sheet = read_sheet(xlsx, "anvandare.xlsx")
        xlsx_rows = sum(1 for _ in sheet.rows)
        clock.stop("read the XLSX export (parse only)", started)
    engine.dispose()
    return {
        "timings": clock.timings,
        "cpu": clock.cpu,
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
        postmaster = server._postmaster_pid()  # type: ignore[attr-defined]
        result = measure(url, lambda: server_cpu(postmaster) if postmaster else 0.0)
    finally:
        server.destroy()  # type: ignore[attr-defined]
    return {"db": "PostgreSQL", "load": load, **result}


def write_report(n: int, results: list[dict[str, object]], loads: Sequence[str] = ()) -> str:
    lines = [
        "# User import benchmark (F1.3)",
        "",
        f"`python -m bench.user_import --rows {n}` — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC,",
        f"{platform.machine()}, {os.cpu_count()} CPUs (shared with other work), Python "
        f"{platform.python_version()}.",
        *(
            f"/proc/loadavg at {when}: `{load}`."
            for when, load in zip(("start", "end"), loads, strict=False)
        ),
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
            f"File: {r['file_rows']:,} rows, CSV {r['csv_mb']:.1f} MB"
            + (f", XLSX {r['xlsx_mb']:.1f} MB." if XLSX else " (XLSX steps left out)."),
            "",
            "| step | wall s | CPU s | rows/s (by CPU) |",
            "|------|--------|-------|-----------------|",
        ]
        for label, seconds in r["timings"].items():  # type: ignore[attr-defined]
            cpu = r["cpu"][label]  # type: ignore[index]
            rate = (job.total if label.startswith("apply") else r["file_rows"]) / max(cpu, 1e-9)  # type: ignore[attr-defined]
            lines.append(f"| {label} | {seconds:.1f} | {cpu:.1f} | {rate:,.0f} |")
        apply_cpu = r["cpu"]["apply (worker job, all steps)"]  # type: ignore[index]
        verdict = "meets" if apply_cpu <= TARGET_APPLY_S else "misses"
        lines += [
            "",
            f"Apply: {apply_cpu:.1f} CPU s {verdict} the target of {TARGET_APPLY_S:.0f} s.",
        ]
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
    parser.add_argument("--no-xlsx", action="store_true", help="leave out the XLSX steps")
    args = parser.parse_args(argv)
    global XLSX
    XLSX = not args.no_xlsx
    loads = [Path("/proc/loadavg").read_text().strip()]
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
    loads.append(Path("/proc/loadavg").read_text().strip())
    report = write_report(args.rows, results, loads)
    print(report)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(report)
        print(f"written to {RESULTS.relative_to(ROOT)}")
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Bulk verification of ~100,000 on the cluster topology: shared Resend ceiling, no duplicates.

    python -m bench.bulk_verification_cluster [--rows 143000] [--workers 2] [--rate 2]

What it does (issue 17):
1. loads `--rows` users on a throwaway PostgreSQL server (bench/users_search.py's COPY
   loader, bench/bulk_verification.py's data: everyone with a saved, unverified address,
   so the larger organisation has about 100,000 recipients);
2. starts redis-server on loopback (the shared `limits` store), a fake Resend in this
   process (tests/support/fake_resend.py: the real SDK talks to it), and `--workers` real
   worker processes (`python -m admin_portal.worker`: jobs and mail), all on loopback;
3. the head administrator starts a bulk verification with no filter (the service, as the
   page calls it); the workers run the job and dispatch its mail, in batches of 100,
   under the configured ceiling ADMIN_PORTAL_MAIL_REQUESTS_PER_SECOND (`--rate`);
4. when every mail is sent (or `--max-seconds` passed) it reads what the fake received:
   batch calls per second over the dispatch (first to last call) against the ceiling, the
   busiest 1-second window, mails per recipient and per idempotency key (a mail delivered
   twice would show in both), and replays (a retried call the key caught).

Results go to bench/results/bulk_verification_cluster.md (date, machine, load average).
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.bulk_verification import unverified_users
from bench.users_search import build_tree, load_postgres, start_postgres

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "bulk_verification_cluster.md"
RESULTS_ENV = "BENCH_RESULTS"  # another file name for the results (comparing runs)
TARGET_SHARE = 0.95


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def _grant_head_admin(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        user_id = int(
            conn.execute(text("SELECT min(id) FROM users WHERE organisation_id = 1")).scalar_one()
        )
        conn.execute(
            text(
                "INSERT INTO role_assignments (user_id, organisation_id, role,"
                " may_reveal_national_id, created_at) VALUES (:u, 1, 'head_admin', true, now())"
            ),
            {"u": user_id},
        )
    engine.dispose()
    return user_id


def _start_workers(
    count: int, url: str, redis_url: str, resend_url: str, rate: float, log: Path
) -> list[subprocess.Popen[bytes]]:
    env = dict(os.environ)
    env.update(
        ADMIN_PORTAL_ENVIRONMENT="test",
        ADMIN_PORTAL_DATABASE_URL=url,
        ADMIN_PORTAL_SECRET_KEY="bench-secret-key-of-reasonable-length-0000",
        ADMIN_PORTAL_RATE_LIMIT_STORAGE_URL=redis_url,
        ADMIN_PORTAL_RESEND_API_KEY="re_bench",
        ADMIN_PORTAL_RESEND_API_URL=resend_url,
        ADMIN_PORTAL_MAIL_REQUESTS_PER_SECOND=f"{rate:g}",
        PYTHONUNBUFFERED="1",
    )
    return [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "admin_portal.worker", "--poll-seconds", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(count)
    ]


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _counts(url: str) -> tuple[int, int]:
    """(outbox rows, of which sent)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        total, sent = conn.execute(
            text("SELECT count(*), count(*) FILTER (WHERE status = 'sent') FROM outbox_messages")
        ).one()
    engine.dispose()
    return int(total), int(sent)


def run(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    from sqlmodel import Session

    from admin_portal.auth.permissions import load_actor
    from admin_portal.db import make_engine
    from admin_portal.services import jobs
    from admin_portal.services.verification.bulk import (
        preview_bulk_verification,
        start_bulk_verification,
    )
    from tests.support.fake_resend import FakeResend
    from tests.support.redis_server import start_redis

    server, url = start_postgres()
    redis = None
    workers: list[subprocess.Popen[bytes]] = []
    try:
        print(f"[postgres] loading {args.rows:,} users", flush=True)
        build = load_postgres(url, args.rows, build_tree(), users=unverified_users)
        head = _grant_head_admin(url)
        redis = start_redis(workdir)
        with FakeResend(api_key="re_bench") as fake:
            engine = make_engine(url)
            with Session(engine) as session:
                actor = load_actor(session, head)
                assert actor is not None and actor.is_head_admin
                preview = preview_bulk_verification(session, actor=actor, fields={})
            log = workdir / "workers.log"
            workers = _start_workers(args.workers, url, redis.url, fake.url, args.rate, log)
            started = time.perf_counter()
            with Session(engine) as session:
                progress = start_bulk_verification(
                    session, actor=actor, fields={}, request_key=secrets.token_urlsafe(24)
                )
                session.commit()
            job_done_s = None
            deadline = started + args.max_seconds
            total = sent = 0
            polls: list[tuple[float, int, int]] = []  # (epoch seconds, outbox rows, sent)
            while time.perf_counter() < deadline:
                time.sleep(2)
                with Session(engine) as session:
                    job = jobs.get_job(session, actor=actor, job_id=progress.id)
                if job_done_s is None and job.status == "done":
                    job_done_s = time.perf_counter() - started
                total, sent = _counts(url)
                polls.append((time.time(), total, sent))
                print(
                    f"  {time.perf_counter() - started:5.0f} s: job {job.status}, "
                    f"outbox {total:,}, sent {sent:,}",
                    flush=True,
                )
                if job_done_s is not None and sent == total:
                    break
                if any(w.poll() is not None for w in workers):
                    raise RuntimeError("a worker died:\n" + log.read_text()[-3000:])
            elapsed = time.perf_counter() - started
            _stop(workers)
            batches = fake.batches
            delivered = fake.delivered
            engine.dispose()
    finally:
        _stop(workers)
        if redis is not None:
            redis.stop()
        server.destroy()  # type: ignore[attr-defined]
    return {
        "build": build,
        "will_send": preview.will_send,
        "queued": total,
        "sent": sent,
        "job_done_s": job_done_s,
        "elapsed": elapsed,
        "batches": batches,
        "delivered": delivered,
        "polls": polls,
    }


def analyse(result: dict[str, object], rate: float) -> dict[str, object]:
    from tests.support.fake_resend import BatchCall

    batches: list[BatchCall] = list(result["batches"])  # type: ignore[call-overload]
    accepted = [b for b in batches if b.status == 200 and not b.replayed]
    times = sorted(b.at for b in batches)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    # n calls spaced 1/rate apart span (n - 1)/rate seconds.
    per_second = (len(times) - 1) / span if span else 0.0
    busiest = 0
    j = 0
    for i, at in enumerate(times):  # the most calls that started within any 1 s
        while times[j] <= at - 1.0:
            j += 1
        busiest = max(busiest, i - j + 1)
    # While mail was waiting: intervals between two polls that began with at least the
    # interval's worth of mail at the ceiling in the outbox (the job may be slower than the
    # ceiling; then the ceiling is not what sets the pace, and those intervals do not count).
    polls: list[tuple[float, int, int]] = list(result["polls"])  # type: ignore[call-overload]
    backlog_s = 0.0
    backlog_calls = 0
    for (t0, total0, sent0), (t1, _, _) in zip(polls, polls[1:], strict=False):
        if total0 - sent0 >= 100 * rate * (t1 - t0) + 100:
            backlog_s += t1 - t0
            backlog_calls += sum(1 for at in times if t0 <= at < t1)
    recipients: Counter[str] = Counter()
    for mail in result["delivered"]:  # type: ignore[attr-defined]
        to = mail.get("to")
        for address in [to] if isinstance(to, str) else list(to or []):
            recipients[address] += 1
    # One idempotency key per batch call: a key accepted twice would be a batch sent twice
    # (a retry the fake answered from its cache is a replay, and delivers nothing).
    keys = Counter(b.idempotency_key for b in accepted)
    return {
        "calls": len(batches),
        "accepted": len(accepted),
        "replayed": sum(1 for b in batches if b.replayed),
        "failed": sum(1 for b in batches if b.status != 200),
        "span": span,
        "per_second": per_second,
        "share": per_second / rate if rate else 0.0,
        "backlog_s": backlog_s,
        "backlog_per_second": backlog_calls / backlog_s if backlog_s else 0.0,
        "busiest": busiest,
        "mails": sum(recipients.values()),
        "recipients": len(recipients),
        "twice_recipient": sum(1 for c in recipients.values() if c > 1),
        "batch_keys": len({b.idempotency_key for b in batches}),
        "twice_key": sum(1 for c in keys.values() if c > 1),
    }


def write_report(
    args: argparse.Namespace, result: dict[str, object], a: dict[str, object], loads: list[str]
) -> str:
    ok_rate = float(a["share"]) >= TARGET_SHARE  # type: ignore[arg-type]
    ok_dupes = a["twice_recipient"] == 0 and a["twice_key"] == 0
    job_s = result["job_done_s"]
    lines = [
        "# Bulk verification on the cluster topology (issue 17)",
        "",
        f"`python -m bench.bulk_verification_cluster --rows {args.rows} --workers {args.workers}"
        f" --rate {args.rate:g}` — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC,",
        f"{platform.machine()}, {os.cpu_count()} CPUs (shared with other work), Python "
        f"{platform.python_version()}. /proc/loadavg at start: `{loads[0]}`; at end: `{loads[1]}`.",
        "",
        f"PostgreSQL (throwaway server, {args.rows:,} users, every one with an unverified address),",
        f"redis-server as the shared `limits` store, {args.workers} worker processes",
        "(`python -m admin_portal.worker`, jobs and mail) and a fake Resend on loopback reached",
        "through the real SDK. The head administrator of the larger organisation starts a bulk",
        f"verification with no filter; the ceiling is {args.rate:g} requests/s"
        " (ADMIN_PORTAL_MAIL_REQUESTS_PER_SECOND), batches of 100.",
        "",
        "| measure | result |",
        "|---|---|",
        f"| recipients | {result['will_send']:,} previewed, {result['queued']:,} queued,"
        f" {result['sent']:,} sent |",
        f"| job (tokens + outbox rows) | done after {job_s:.0f} s |"
        if isinstance(job_s, float)
        else "| job | not done within the run |",
        f"| run | {float(result['elapsed']):.0f} s from start to the last mail sent |",  # type: ignore[arg-type]
        f"| batch calls | {a['calls']:,} ({a['accepted']:,} accepted, {a['replayed']} replayed,"
        f" {a['failed']} failed) |",
        f"| dispatch rate | {float(a['per_second']):.3f} calls/s over {float(a['span']):.0f} s ="  # type: ignore[arg-type]
        f" {float(a['share']) * 100:.1f} % of the ceiling (target ≥ {TARGET_SHARE * 100:.0f} %):"  # type: ignore[arg-type]
        f" {'met' if ok_rate else 'missed'} |",
        f"| dispatch rate while mail was waiting | {float(a['backlog_per_second']):.3f} calls/s over"  # type: ignore[arg-type]
        f" {float(a['backlog_s']):.0f} s = {float(a['backlog_per_second']) / args.rate * 100:.1f} %"  # type: ignore[arg-type]
        " of the ceiling |",
        f"| busiest 1 s window | {a['busiest']} calls (ceiling {args.rate:g}) |",
        f"| mails at the fake | {a['mails']:,} to {a['recipients']:,} recipients |",
        f"| sent twice | {a['twice_recipient']} recipients, {a['twice_key']} batch idempotency keys"
        f" (of {a['batch_keys']:,}):"
        f" {'none' if ok_dupes else 'DUPLICATES'} |",
        "",
        "Build:",
        "",
        *(f"- {k}: {v:.1f} s" for k, v in result["build"].items()),  # type: ignore[attr-defined]
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=143_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=2.0, help="the Resend ceiling, calls/s")
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("ADMIN_PORTAL_SECRET_KEY", "bench-secret-key-of-reasonable-length-0000")
    loads = [_loadavg()]
    with tempfile.TemporaryDirectory(prefix="bench-bulk-cluster-") as tmp:
        workdir = Path(tmp)
        workdir.chmod(0o755)
        result = run(args, workdir)
    loads.append(_loadavg())
    analysis = analyse(result, args.rate)
    report = write_report(args, result, analysis, loads)
    print(report)
    if not args.no_write:
        target = (
            RESULTS.with_name(os.environ[RESULTS_ENV]) if RESULTS_ENV in os.environ else RESULTS
        )
        target.write_text(report)
    ok = float(analysis["share"]) >= TARGET_SHARE and analysis["twice_recipient"] == 0  # type: ignore[arg-type]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

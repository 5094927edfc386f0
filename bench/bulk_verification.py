"""Bulk verification (F1.2) at scale: preview, queue and dispatch for ~100,000 recipients.

    python -m bench.bulk_verification [--rows 143000] [--dispatch-seconds 20]

What it does (SQLite, the embedded default):
1. loads `--rows` users like bench/users_search.py, but every one with a saved, unverified
   address, so the larger organisation (70 %) has about 100,000 recipients;
2. times the preview ("how many get a mail, how many are skipped and why") for the
   organisation's head administrator, with no filter, then the whole job: `jobs` steps of
   `bulk_verification.CHUNK` users, each one transaction with tokens and outbox rows;
3. dispatches against a fake Resend server on loopback through the real SDK, once with the
   configured rate limit (default 2 requests/s, 100 mails per batch call) and once without,
   each for `--dispatch-seconds`, and reports requests/s and mails/s. With the limit, the
   whole run would take recipients / 100 / rate seconds: the limit, not the code, decides.

Results go to bench/results/bulk_verification.md.
"""

from __future__ import annotations

import argparse
import platform
import secrets
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.users_search import (
    USER_COLUMNS,
    Tree,
    build_tree,
    generate_users,
    load_sqlite,
)

RESULTS = Path(__file__).resolve().parent / "results" / "bulk_verification.md"
_EMAIL, _KEY, _VERIFIED, _STATUS = (
    USER_COLUMNS.index("email"),
    USER_COLUMNS.index("email_key"),
    USER_COLUMNS.index("email_verified_at"),
    USER_COLUMNS.index("status"),
)


def unverified_users(n: int, tree: Tree) -> Iterator[tuple[object, ...]]:
    """generate_users, but everyone active with a saved, unverified address."""
    for row in generate_users(n, tree, removed_share=0.0):
        values = list(row)
        uid = values[0]
        if values[_EMAIL] is None:
            values[_EMAIL] = f"person{uid}@example.se"
            values[_KEY] = values[_EMAIL]
        values[_VERIFIED] = None
        values[_STATUS] = "active"
        yield tuple(values)


def _head_admin_of_largest_org(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        (user_id,) = conn.execute("SELECT min(id) FROM users WHERE organisation_id = 1").fetchone()
    return int(user_id)


def _grant_head_admin(path: Path, user_id: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO role_assignments (user_id, organisation_id, role, may_reveal_national_id,"
            " created_at) VALUES (?, 1, 'head_admin', 1, ?)",
            (user_id, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")),
        )


def run(n: int, dispatch_seconds: float, workdir: Path) -> dict[str, object]:
    from sqlmodel import Session

    from admin_portal import wiring
    from admin_portal.auth.permissions import load_actor
    from admin_portal.db import make_engine
    from admin_portal.services import jobs
    from admin_portal.services.verification.bulk import (
        preview_bulk_verification,
        start_bulk_verification,
    )

    path = workdir / "bulk.db"
    build = load_sqlite(path, n, build_tree(), users=unverified_users)
    head = _head_admin_of_largest_org(path)
    _grant_head_admin(path, head)
    engine = make_engine(f"sqlite:///{path}")
    wiring.install()  # the job steps, as the worker wires them
    with Session(engine) as session:
        actor = load_actor(session, head)
        assert actor is not None and actor.is_head_admin
        started = time.perf_counter()
        preview = preview_bulk_verification(session, actor=actor, fields={})
        preview_s = time.perf_counter() - started
        started = time.perf_counter()
        start_bulk_verification(
            session, actor=actor, fields={}, request_key=secrets.token_urlsafe(24)
        )
        session.commit()
    steps = jobs.run_until_idle(engine)
    queue_s = time.perf_counter() - started
    with sqlite3.connect(path) as conn:
        (queued,) = conn.execute("SELECT count(*) FROM outbox_messages").fetchone()
    dispatch = [_dispatch(engine, rate, dispatch_seconds) for rate in (2.0, 0.0)]
    engine.dispose()
    return {
        "build": build,
        "preview": preview,
        "preview_s": preview_s,
        "queue_s": queue_s,
        "steps": steps,
        "queued": int(queued),
        "dispatch": dispatch,
    }


def _dispatch(engine: object, per_second: float, seconds: float) -> dict[str, float]:
    """Dispatch for `seconds` through the real SDK to a fake Resend; requests and mails/s."""
    from admin_portal.mail.dispatcher import dispatch_due
    from admin_portal.mail.pacing import RateLimiter
    from admin_portal.mail.senders import ResendSender
    from tests.support.fake_resend import FakeResend, fetch_batches

    with FakeResend() as fake:
        sender = ResendSender(
            api_key="re_bench", api_url=fake.url, mail_from="Bench <b@example.se>"
        )
        limiter = RateLimiter(per_second)
        mails = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            report = dispatch_due(engine, sender, rate_limiter=limiter)  # type: ignore[arg-type]
            mails += report.sent
            if not report.busy:
                break
        elapsed = time.perf_counter() - started
        batches = fetch_batches(fake.url)
    requests = len(batches)
    # n calls spaced 1/rate apart span (n - 1)/rate seconds: measure the spacing itself.
    times = sorted(float(b["at"]) for b in batches)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return {
        "spaced_per_s": (requests - 1) / span if span else 0.0,
        "limit": per_second,
        "seconds": elapsed,
        "requests": requests,
        "mails": mails,
        "requests_per_s": requests / elapsed,
        "mails_per_s": mails / elapsed,
    }


def write_report(n: int, result: dict[str, object]) -> str:
    preview = result["preview"]
    queue_s = float(result["queue_s"])  # type: ignore[arg-type]
    queued = int(result["queued"])  # type: ignore[call-overload]
    lines = [
        "# Bulk verification benchmark",
        "",
        f"`python -m bench.bulk_verification --rows {n}` — "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}.",
        f"{n:,} users, every one with a saved, unverified address; the head administrator of "
        "the larger organisation previews and starts a bulk verification with no filter.",
        "",
        "| step | result |",
        "|---|---|",
        f"| preview (count + reasons) | {float(result['preview_s']) * 1000:.0f} ms: "  # type: ignore[arg-type]
        f"{preview.will_send:,} get a mail, skipped {preview.skipped} |",  # type: ignore[attr-defined]
        f"| queue (job: tokens + outbox rows) | {queue_s:.1f} s for {queued:,} mails in "
        f"{result['steps']} steps = {queued / queue_s:,.0f} mails/s |",
    ]
    for d in result["dispatch"]:  # type: ignore[attr-defined]
        label = f"{d['limit']:g} requests/s" if d["limit"] else "no rate limit"
        lines.append(
            f"| dispatch, {label}, batches of 100 | {d['requests']} batch calls, "
            f"{d['mails']:,.0f} mails in {d['seconds']:.1f} s: calls spaced at "
            f"{d['spaced_per_s']:.2f} requests/s, {d['mails_per_s']:,.0f} mails/s |"
        )
    limited = result["dispatch"][0]  # type: ignore[index]
    if limited["limit"]:
        lines += [
            "",
            f"At {limited['limit']:g} requests/s the {queued:,} mails need "
            f"{queued / 100 / limited['limit'] / 60:.0f} minutes of dispatch: the rate limit, "
            "not the portal, sets the pace. The job itself is done in the time above.",
        ]
    build = result["build"]
    lines += ["", "Build:", ""] + [f"- {k}: {v:.1f} s" for k, v in build.items()]  # type: ignore[attr-defined]
    text = "\n".join(lines) + "\n"
    RESULTS.write_text(text)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk_verification", description=__doc__)
    parser.add_argument("--rows", type=int, default=143_000)
    parser.add_argument("--dispatch-seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
        result = run(args.rows, args.dispatch_seconds, Path(tmp))
    sys.stdout.write(write_report(args.rows, result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

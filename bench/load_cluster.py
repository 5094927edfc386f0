"""Load over the websocket on the cluster topology at 1,000,000 users (issue 17, "Load").

    python -m bench.load_cluster build              # once: the 1M-user PostgreSQL, cached
    python -m bench.load_cluster run --sessions 50 --seconds 300
    python -m bench.load_cluster run --sessions 200 --seconds 300

`build` (run it under `nice -n 10`; the command does so itself when it starts the server)
creates a PostgreSQL server under var/bench_cluster/ (the cluster's own `LocalPostgres`),
loads 1,000,000 users with bench/users_search.py's generator and loader (COPY, then the
migrations and search structures over existing rows), and makes the first user of the big
organisation (700,000 users) a head administrator. A marker file says it is done; later
runs reuse it. Delete var/bench_cluster/ to rebuild (about 1 GB).

`run` starts `python -m admin_portal.cluster` on that database (its own redis-server,
3 app workers, 2 mail/job workers, no Resend key: mail stays in the local mailbox), opens
one server-side login session per simulated tab (a login ticket redeemed directly in the
database: N argon2 logins would only measure the password hash), and runs locust headless
(bench/locustfile_cluster.py) for `--seconds`: `--sessions` tabs, each an admin on
Användare acting about once a second. It samples the app workers' memory (RSS of the
Granian workers) and Redis's used memory before the tabs connect and at the end of the run,
and appends the results to bench/results/load_cluster.md (unless `--no-write`).

Loopback only, bounded: `--sessions` ≤ 300, `--seconds` ≤ 900.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench_cluster"
MARKER = VAR / "dataset.json"
RESULTS = ROOT / "bench" / "results" / "load_cluster.md"
ROWS = 1_000_000
SECRET_KEY = "bench-load-cluster-secret-key-000000000000000"
# Replaced by free ports at each run: the launcher refuses a port still in TIME_WAIT.
PG_PORT, REDIS_PORT, APP_PORT = 5447, 6397, 3470
APP_WORKERS, MAIL_WORKERS = 3, 2
SEARCH_TARGET_P95_MS = 100.0
# Typed as an admin types: common and rare names, fragments, an e-mail part.
WORDS = ["anna", "erik", "andersson", "berg", "maria", "lars", "son", "lund", "karin", "ström"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ADMIN_PORTAL_ENVIRONMENT="development",
        ADMIN_PORTAL_SECRET_KEY=SECRET_KEY,
        ADMIN_PORTAL_PUBLIC_BASE_URL=f"http://127.0.0.1:{APP_PORT}",
        PORT=str(APP_PORT),
        PYTHONUNBUFFERED="1",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    env.pop("ADMIN_PORTAL_RESEND_API_KEY", None)  # never out: the local mailbox
    env.pop("REFLEX_REDIS_URL", None)
    return env


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --------------------------------------------------------------------------- the dataset


def _postgres() -> Any:
    from admin_portal.cluster.postgres import LocalPostgres

    return LocalPostgres(VAR / "postgres", PG_PORT)


def build(rows: int) -> int:
    """The cached 1M-user database; does nothing when the marker says it is there."""
    if MARKER.exists():
        print(f"dataset already built: {MARKER.read_text()}")
        return 0
    os.nice(10)  # the server started below inherits it: the machine is shared
    os.environ.update(_env())
    VAR.mkdir(parents=True, exist_ok=True)
    VAR.chmod(0o755)
    server = _postgres()
    server.ensure_initialised()
    server.start()
    try:
        server.ensure_database()
        url = server.url()
        # users_search's COPY connects with libpq's defaults: the password comes from here.
        os.environ["PGPASSWORD"] = server.password_file.read_text().strip()
        from bench.users_search import build_tree, load_postgres

        started = time.perf_counter()
        tree = build_tree()
        timings = load_postgres(url, rows, tree)
        admin_id = _make_head_admin(url, tree.orgs[0][0])
        seconds = time.perf_counter() - started
        MARKER.write_text(
            json.dumps({"rows": rows, "admin_id": admin_id, "seconds": round(seconds), **timings})
        )
        print(f"built in {seconds:.0f} s: {MARKER.read_text()}")
    finally:
        server.stop()
    return 0


def _make_head_admin(url: str, organisation_id: int) -> int:
    """The organisation's first user signs in (password) and is its head administrator."""
    from sqlmodel import Session, select

    from admin_portal.auth.passwords import hash_password
    from admin_portal.db import make_engine
    from admin_portal.models import Role, RoleAssignment, User, UserType, utcnow

    engine = make_engine(url)
    with Session(engine) as session:
        user = session.exec(
            select(User).where(User.organisation_id == organisation_id).order_by(User.id)
        ).first()
        assert user is not None and user.id is not None
        user.user_type = UserType.ADMINISTRATOR
        user.removed_at = None
        user.password_hash = hash_password("en lång lösenordsfras för lasttestet")
        user.password_changed_at = utcnow()
        session.add(user)
        session.add(
            RoleAssignment(user_id=user.id, organisation_id=organisation_id, role=Role.HEAD_ADMIN)
        )
        session.commit()
        admin_id = user.id
    engine.dispose()
    return admin_id


# --------------------------------------------------------------------------- the cluster


def _start_cluster(log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "admin_portal.cluster",
        "--port",
        str(APP_PORT),
        "--app-workers",
        str(APP_WORKERS),
        "--mail-workers",
        str(MAIL_WORKERS),
        "--pg-port",
        str(PG_PORT),
        "--redis-port",
        str(REDIS_PORT),
        "--var-dir",
        str(VAR),
    ]
    process = subprocess.Popen(  # noqa: S603 (our own arguments)
        command,
        cwd=ROOT,
        env=_env(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 900  # the first start builds the frontend
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the cluster exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{APP_PORT}/ping", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return process
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the cluster did not start:\n{log.read_text()[-3000:]}")
        time.sleep(1)


def _stop_cluster(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: app, workers, Redis, PostgreSQL
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _cookies(url: str, admin_id: int, count: int) -> list[str]:
    """`count` login sessions of the admin, as the login page's ticket would make them."""
    from sqlmodel import Session

    from admin_portal.auth.cookies import session_cookie_name
    from admin_portal.db import make_engine
    from admin_portal.models import User
    from admin_portal.services.auth.login import issue_login_ticket, redeem_login_ticket

    engine = make_engine(url)
    cookies = []
    with Session(engine) as session:
        user = session.get(User, admin_id)
        assert user is not None
        for _ in range(count):
            raw = redeem_login_ticket(session, ticket=issue_login_ticket(session, user=user))
            assert raw is not None
            cookies.append(f"{session_cookie_name()}={raw}")
        session.commit()
    engine.dispose()
    return cookies


def _names() -> dict[str, str]:
    from admin_portal.state.users.listing import UsersListState
    from admin_portal.state.users.profile import UserProfileState

    users, profile = UsersListState.get_full_name(), UserProfileState.get_full_name()
    return {
        "users_state": users,
        "profile_state": profile,
        "list_load": f"{users}.load",
        "set_text": f"{users}.set_text",
        "set_filter": f"{users}.set_filter",
        "profile_load": f"{profile}.load",
        "invite": f"{profile}.invite",
    }


# --------------------------------------------------------------------------- measuring


def _descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def _app_worker_rss_mb(cluster_pid: int) -> tuple[float, int]:
    """Summed RSS of the Granian app workers (the processes under `cluster.web`)."""
    import psutil

    total, count = 0.0, 0
    for pid in _descendants(cluster_pid):
        try:
            process = psutil.Process(pid)
            parent = process.parent()
            if parent is not None and "admin_portal.cluster.web" in " ".join(parent.cmdline()):
                total += process.memory_info().rss / 2**20
                count += 1
        except psutil.Error:
            continue
    return total, count


def _redis_used_mb() -> float:
    import redis

    client = redis.Redis(host="127.0.0.1", port=REDIS_PORT)
    try:
        return float(client.info("memory")["used_memory"]) / 2**20
    finally:
        client.close()


def _outbox(url: str, since: datetime) -> dict[str, int]:
    from sqlalchemy import text

    from admin_portal.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT status, count(*) FROM outbox_messages WHERE created_at >= :since "
                "GROUP BY status"
            ),
            {"since": since},
        ).all()
    engine.dispose()
    return {str(status): int(n) for status, n in rows}


def _stats(prefix: Path) -> list[dict[str, str]]:
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as handle:
        return list(csv.DictReader(handle))


def run(sessions: int, seconds: int, write: bool) -> int:
    if not MARKER.exists():
        print("no dataset yet: nice -n 10 python -m bench.load_cluster build", file=sys.stderr)
        return 2
    dataset = json.loads(MARKER.read_text())
    global APP_PORT, PG_PORT, REDIS_PORT
    APP_PORT, PG_PORT, REDIS_PORT = _free_port(), _free_port(), _free_port()
    os.environ.update(_env())
    load_start = _loadavg()
    started_at = datetime.now(UTC)
    log = VAR / f"cluster-{sessions}.log"
    cluster = _start_cluster(log)
    try:
        url = json.loads((VAR / "cluster.json").read_text())["database_url"]
        plan = {
            "base": f"http://127.0.0.1:{APP_PORT}",
            "origin": f"http://127.0.0.1:{APP_PORT}",
            "cookies": _cookies(url, int(dataset["admin_id"]), sessions),
            "names": _names(),
            "words": WORDS,
        }
        plan_file = VAR / "plan.json"
        plan_file.write_text(json.dumps(plan))
        plan_file.chmod(0o600)
        time.sleep(5)  # the workers settle after the start
        idle_rss, workers = _app_worker_rss_mb(cluster.pid)
        idle_redis = _redis_used_mb()
        prefix = VAR / f"locust-{sessions}"
        spawn_rate = max(1, sessions // 20)
        locust = subprocess.Popen(  # noqa: S603 (our own arguments)
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile_cluster.py"),
                "--headless",
                "--users",
                str(sessions),
                "--spawn-rate",
                str(spawn_rate),
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "10",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, "LOAD_CLUSTER_PLAN": str(plan_file)},
        )
        # Memory with every tab connected and busy: just before the end of the run.
        time.sleep(max(seconds - 15, 1))
        busy_rss, _ = _app_worker_rss_mb(cluster.pid)
        busy_redis = _redis_used_mb()
        locust.wait(timeout=seconds + 120)
        outbox = _outbox(url, started_at)
    finally:
        _stop_cluster(cluster)
    load_end = _loadavg()
    stats = _stats(prefix)
    text = report(
        sessions=sessions,
        seconds=seconds,
        stats=stats,
        memory={
            "workers": workers,
            "idle_rss": idle_rss,
            "busy_rss": busy_rss,
            "idle_redis": idle_redis,
            "busy_redis": busy_redis,
        },
        outbox=outbox,
        loads=(load_start, load_end),
        started_at=started_at,
        locust_exit=locust.returncode,
    )
    print(text)
    if write:
        with RESULTS.open("a") as handle:
            handle.write(text + "\n")
    return 0


def report(
    *,
    sessions: int,
    seconds: int,
    stats: list[dict[str, str]],
    memory: dict[str, float],
    outbox: dict[str, int],
    loads: tuple[str, str],
    started_at: datetime,
    locust_exit: int | None,
) -> str:
    lines = [
        f"## {sessions} sessions for {seconds} s — {started_at.strftime('%Y-%m-%d %H:%M UTC')}",
        "",
        f"{platform.machine()}, {os.cpu_count()} CPUs shared with four other engineers' work; "
        f"load average {loads[0]} at the start, {loads[1]} at the end. "
        f"`python -m bench.load_cluster run --sessions {sessions} --seconds {seconds}` "
        f"(locust exit code {locust_exit}).",
        "",
        "| action | requests | failures | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    search_p95 = None
    for row in stats:
        name = row["Name"]
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
            f"{row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
        if name == "search":
            search_p95 = float(row["95%"])
    per_session_rss = (memory["busy_rss"] - memory["idle_rss"]) / sessions
    per_session_redis = (memory["busy_redis"] - memory["idle_redis"]) / sessions
    verdict = (
        "no search events measured"
        if search_p95 is None
        else f"search p95 {search_p95:.0f} ms: "
        + ("meets" if search_p95 <= SEARCH_TARGET_P95_MS else "MISSES")
        + f" the target of {SEARCH_TARGET_P95_MS:.0f} ms"
    )
    lines += [
        "",
        f"- {verdict}.",
        f"- Memory: {memory['workers']:.0f} app workers {memory['idle_rss']:.0f} MB RSS together "
        f"before the tabs connected, {memory['busy_rss']:.0f} MB with {sessions} tabs busy "
        f"({per_session_rss:.2f} MB per session); Redis {memory['idle_redis']:.1f} → "
        f"{memory['busy_redis']:.1f} MB ({per_session_redis * 1024:.0f} KB per session: the "
        "tab's state tree).",
        f"- Mail queued during the run (invitations, local mailbox, nothing sent out): {outbox}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_cluster", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="build the cached 1M-user database")
    build_parser.add_argument("--rows", type=int, default=ROWS)
    run_parser = commands.add_parser("run", help="run the load against the cluster")
    run_parser.add_argument("--sessions", type=int, default=50)
    run_parser.add_argument("--seconds", type=int, default=300)
    run_parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "build":
        return build(args.rows)
    if not (1 <= args.sessions <= 300 and 10 <= args.seconds <= 900):
        parser.error("--sessions 1..300 and --seconds 10..900 (the machine is shared)")
    return run(args.sessions, args.seconds, not args.no_write)


if __name__ == "__main__":
    raise SystemExit(main())

"""Does a login flood stall other admins? 20 parallel failed logins vs one admin's search.

Starts the real portal (``python -m admin_portal.cli serve``: prod mode, one app worker, its
mail worker) on loopback with a temporary SQLite database and the demo data, then speaks
Reflex's own websocket protocol (python-socketio, as the browser's socket.io client does):

1. **quiet**: one signed-in head admin runs the Användare search (``UsersListState.set_text``)
   ``--searches`` times; each is timed from emit to the state update that answers it.
2. **flood**: the same, while ``--flood`` tabs each send failed logins back to back
   (unknown usernames: every one costs a full argon2id verification of the dummy hash).

Both run with the per-address and global login limits raised (all tabs come from
127.0.0.1, so the default limit would cut the flood off after 20 attempts and there would
be nothing left to measure). A second start with the default limits then shows the limits
cutting in: a burst of failed logins and of "Glömt lösenord?" requests from one address.

    .venv/bin/python -m bench.login_flood                 # writes bench/results/login_flood.md
    .venv/bin/python -m bench.login_flood --no-write --searches 40

Loopback only; bounded by ``--searches``, ``--flood`` and ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import socketio

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "login_flood.md"
DEMO_PASSWORD = "en lång demofras för benchmarken"
SECRET_KEY = "bench-secret-key-of-reasonable-length-000000000"
NAMESPACE = "/_event"
TOO_MANY = "För många försök"
RAISED = {
    "ADMIN_PORTAL_LOGIN_RATE_LIMIT_PER_ADDRESS": "100000/minute",
    "ADMIN_PORTAL_LOGIN_RATE_LIMIT_GLOBAL": "100000/minute",
}


def _event_names() -> dict[str, str]:
    # The names Reflex gives the handlers: the state's full name + "." + the handler.
    from admin_portal.state.auth.pages import ForgotPasswordState, LoginState
    from admin_portal.state.users.listing import UsersListState

    return {
        "log_in": f"{LoginState.get_full_name()}.log_in",
        "send_link": f"{ForgotPasswordState.get_full_name()}.send_link",
        "set_text": f"{UsersListState.get_full_name()}.set_text",
        "login_state": LoginState.get_full_name(),
        "forgot_state": ForgotPasswordState.get_full_name(),
        "users_state": UsersListState.get_full_name(),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def portal(
    workdir: Path, extra_env: dict[str, str], log_name: str, project: Path = ROOT
) -> Iterator[str]:
    """The real app on a free loopback port; yields its base URL and stops it afterwards."""
    port = _free_port()
    env = dict(os.environ)
    env.update(
        ADMIN_PORTAL_ENVIRONMENT="test",
        ADMIN_PORTAL_DATABASE_URL=f"sqlite:///{workdir / 'portal.db'}",
        ADMIN_PORTAL_PUBLIC_BASE_URL=f"http://localhost:{port}",
        ADMIN_PORTAL_DEMO_PASSWORD=DEMO_PASSWORD,
        ADMIN_PORTAL_SECRET_KEY=SECRET_KEY,
        ADMIN_PORTAL_RATE_LIMIT_STORAGE_URL="memory://",
        PORT=str(port),
        PYTHONUNBUFFERED="1",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    env.pop("ADMIN_PORTAL_RESEND_API_KEY", None)
    env.update(extra_env)
    if not (workdir / "portal.db").exists():
        for step in ("prepare-database", "seed-demo"):
            subprocess.run(
                [sys.executable, "-m", "admin_portal.cli", step], cwd=project, env=env, check=True
            )
    log = workdir / log_name
    app = subprocess.Popen(
        [sys.executable, "-m", "admin_portal.cli", "serve", "--port", str(port)],
        cwd=project,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 600
        while True:
            if app.poll() is not None:
                raise RuntimeError(f"the portal exited:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the portal did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        if app.poll() is None:
            os.killpg(app.pid, signal.SIGTERM)
            try:
                app.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(app.pid, signal.SIGKILL)


class Tab:
    """One browser tab as the server sees it: a socket.io connection with its own token."""

    def __init__(self, base: str, *, cookie: str = "") -> None:
        self.base = base
        self.cookie = cookie
        self.client = socketio.AsyncClient(reconnection=False)
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.client.on("event", self._on_update, namespace=NAMESPACE)

    async def _on_update(self, update: dict[str, Any]) -> None:
        await self.updates.put(update)

    async def open(self) -> Tab:
        headers = {"Origin": self.base.replace("127.0.0.1", "localhost")}
        if self.cookie:
            headers["Cookie"] = self.cookie
        await self.client.connect(
            f"{self.base}?token={uuid.uuid4()}",
            socketio_path="/_event",
            namespaces=[NAMESPACE],
            transports=["websocket"],
            headers=headers,
        )
        return self

    async def close(self) -> None:
        await self.client.disconnect()

    async def send(
        self, name: str, payload: dict[str, Any], path: str, *, answer: str
    ) -> dict[str, Any]:
        """Emit one event; return the first update that mentions `answer` (a substate's name,
        or text in its events). A handler may answer in parts: its delta, then its events.
        """
        while not self.updates.empty():
            self.updates.get_nowait()
        await self.client.emit(
            "event",
            {"name": name, "payload": payload, "router_data": {"pathname": path, "asPath": path}},
            namespace=NAMESPACE,
        )
        while True:
            update = await asyncio.wait_for(self.updates.get(), timeout=60)
            if answer in json.dumps(update, ensure_ascii=False):
                return update


def _strings(value: object) -> list[str]:
    """Every string inside a decoded websocket update."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


async def sign_in(base: str, names: dict[str, str], username: str) -> str:
    """Log in over the websocket like the page does, then POST the ticket for the cookie
    (the page's hidden form: state/session_handoff.py)."""
    tab = await Tab(base).open()
    try:
        update = await tab.send(
            names["log_in"],
            {"form": {"username": username, "password": DEMO_PASSWORD}},
            "/",
            answer='\\"ticket\\"',
        )
        events = update.get("events", [])
    finally:
        await tab.close()
    # The hand-off script carries {"ticket": ..., "next": ...} as JSON in its code.
    found = re.search(r'"ticket": "([^"]+)"', "\n".join(_strings(events)))
    if found is None:
        raise RuntimeError("the login answered without a ticket")
    async with httpx.AsyncClient(base_url=base) as http:
        response = await http.post(
            "/api/session",
            data={"ticket": found.group(1), "next": "/"},
            follow_redirects=False,
        )
    cookies = [f"{c.name}={c.value}" for c in response.cookies.jar]
    if not cookies:
        raise RuntimeError(f"no session cookie from the ticket: {response.status_code}")
    return "; ".join(cookies)


@dataclass
class Flood:
    latencies: list[float] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)


async def _flooder(tab: Tab, names: dict[str, str], n: int, stop: asyncio.Event, out: Flood):
    i = 0
    while not stop.is_set():
        i += 1
        form = {"username": f"flood-{n}-{i}", "password": "fel lösenord i en lång fras"}
        started = time.perf_counter()
        update = await tab.send(
            names["log_in"], {"form": form}, "/logga-in", answer=names["login_state"]
        )
        out.latencies.append((time.perf_counter() - started) * 1000)
        kind = "too many" if TOO_MANY in json.dumps(update, ensure_ascii=False) else "failed"
        out.answers[kind] = out.answers.get(kind, 0) + 1


async def _searches(tab: Tab, names: dict[str, str], count: int) -> list[float]:
    timings = []
    words = ["Anna", "Erik", "an", "berg", "Maria", "Lars", "son", "e"]
    for i in range(count):
        started = time.perf_counter()
        update = await tab.send(
            names["set_text"],
            {"value": words[i % len(words)]},
            "/anvandare",
            answer=names["users_state"],
        )
        timings.append((time.perf_counter() - started) * 1000)
        if "rows_rx_state_" not in json.dumps(update):
            raise RuntimeError(f"the search was not answered: {str(update)[:500]}")
        await asyncio.sleep(0.05)  # a person typing, not a tight loop
    return timings


async def measure(base: str, searches: int, flood: int) -> dict[str, Any]:
    names = _event_names()
    admin = await Tab(base, cookie=await sign_in(base, names, "huvudadmin")).open()
    # Every tab connects before the flood starts: a blocked loop would refuse new sockets.
    tabs = [await Tab(base).open() for _ in range(flood)]
    try:
        await _searches(admin, names, 5)  # warm-up
        quiet = await _searches(admin, names, searches)
        stop, result = asyncio.Event(), Flood()
        flooders = [
            asyncio.create_task(_flooder(tab, names, n, stop, result)) for n, tab in enumerate(tabs)
        ]
        await asyncio.sleep(1.0)  # every flooder is in the middle of a login
        started = time.perf_counter()
        loaded = await _searches(admin, names, searches)
        flood_seconds = time.perf_counter() - started
        stop.set()
        await asyncio.gather(*flooders)
    finally:
        for tab in [admin, *tabs]:
            await tab.close()
    return {"quiet": quiet, "flood": loaded, "logins": result, "flood_seconds": flood_seconds}


async def limits_cut_in(base: str, logins: int, resets: int) -> dict[str, dict[str, int]]:
    names = _event_names()
    tab = await Tab(base).open()
    outcome: dict[str, dict[str, int]] = {"login": {}, "reset": {}}
    try:
        for i in range(logins):
            form = {"username": f"burst-{i}", "password": "fel lösenord i en lång fras"}
            update = await tab.send(
                names["log_in"], {"form": form}, "/logga-in", answer=names["login_state"]
            )
            kind = "too many" if TOO_MANY in json.dumps(update, ensure_ascii=False) else "failed"
            outcome["login"][kind] = outcome["login"].get(kind, 0) + 1
        for i in range(resets):
            form = {"identifier": f"okand-{i}@example.se"}
            update = await tab.send(
                names["send_link"], {"form": form}, "/glomt-losenord", answer=names["forgot_state"]
            )
            text = json.dumps(update, ensure_ascii=False)
            kind = "too many" if TOO_MANY in text else "same answer as always"
            outcome["reset"][kind] = outcome["reset"].get(kind, 0) + 1
    finally:
        await tab.close()
    return outcome


def _hash_threads() -> int:
    from admin_portal.state.off_loop import pool_size

    return pool_size()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _row(label: str, values: list[float]) -> str:
    return (
        f"| {label} | {len(values)} | {statistics.median(values):.1f} | "
        f"{_pct(values, 0.95):.1f} | {max(values):.1f} |"
    )


def report(args: argparse.Namespace, result: dict[str, Any], cut: dict[str, Any]) -> str:
    if not cut:
        return "\n".join(
            [
                f"{args.project}: search {_row('quiet', result['quiet'])}",
                f"{args.project}: search {_row('flood', result['flood'])}",
                f"logins answered during the flood: {len(result['logins'].latencies)} in "
                f"{result['flood_seconds']:.1f} s",
            ]
        )
    logins: Flood = result["logins"]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()
    lines = [
        "# Login flood benchmark",
        "",
        f"`python -m bench.login_flood --searches {args.searches} --flood {args.flood}` — {now},",
        f"{platform.machine()}, {os.cpu_count()} CPUs (shared with other work: load average "
        f"{load[0]:.1f} at the end), Python {platform.python_version()}.",
        "The real portal in prod mode (one app worker) on loopback with the demo data; the",
        "clients speak Reflex's socket.io protocol. A search is timed from emitting",
        "`UsersListState.set_text` to the state update that answers it (the server's whole",
        "round trip: queueing on the event loop, the handler, the search, the delta).",
        f"Password hashing runs in {_hash_threads()} thread(s) beside the loop "
        "(`ADMIN_PORTAL_PASSWORD_HASH_THREADS` = 0: the usable cores less one).",
        "",
        "## A head admin's search, without and with 20 parallel failed logins",
        "",
        "Login limits raised for this part (`ADMIN_PORTAL_LOGIN_RATE_LIMIT_PER_ADDRESS` and",
        "`…_GLOBAL` = `100000/minute`): every tab comes from 127.0.0.1, and the default",
        "per-address limit would stop the flood after 20 attempts (see below).",
        "",
        "| search | n | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|",
        _row("quiet", result["quiet"]),
        _row(f"during {args.flood} parallel failed logins", result["flood"]),
        "",
        f"During the flood, {len(logins.latencies)} failed logins were answered in "
        f"{result['flood_seconds']:.1f} s ({len(logins.latencies) / result['flood_seconds']:.1f}/s; "
        f"each a full argon2id verification): one login took p50 "
        f"{statistics.median(logins.latencies):.0f} ms, p95 {_pct(logins.latencies, 0.95):.0f} ms "
        f"(answers: {logins.answers}).",
        "",
        "## The default limits cutting in (a second start, default settings)",
        "",
        f"- {args.burst_logins} failed logins in a row from one address: {cut['login']}.",
        f'- {args.burst_resets} "Glömt lösenord?" requests in a row from one address: '
        f"{cut['reset']}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=100, help="searches per phase (≤ 500)")
    parser.add_argument("--flood", type=int, default=20, help="parallel failed-login tabs (≤ 50)")
    parser.add_argument("--burst-logins", type=int, default=30)
    parser.add_argument("--burst-resets", type=int, default=15)
    parser.add_argument("--max-seconds", type=float, default=900, help="give up after this")
    parser.add_argument("--no-write", action="store_true", help="print, leave results/ alone")
    parser.add_argument(
        "--project",
        type=Path,
        default=ROOT,
        help="serve another checkout (e.g. an export of an older commit) to compare; "
        "only the flood part runs",
    )
    args = parser.parse_args(argv)
    args.searches, args.flood = min(args.searches, 500), min(args.flood, 50)
    args.burst_logins, args.burst_resets = min(args.burst_logins, 100), min(args.burst_resets, 50)
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("login_flood: --max-seconds reached"))
    signal.alarm(int(args.max_seconds))
    with tempfile.TemporaryDirectory(prefix="login-flood-") as tmp:
        workdir = Path(tmp)
        with portal(workdir, RAISED, "portal-raised.log", args.project) as base:
            result = asyncio.run(measure(base, args.searches, args.flood))
        cut = {}
        if args.project == ROOT:
            with portal(workdir, {}, "portal-default.log") as base:
                cut = asyncio.run(limits_cut_in(base, args.burst_logins, args.burst_resets))
    text = report(args, result, cut)
    print(text)
    if not args.no_write and args.project == ROOT:
        RESULTS.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The real app, started once per test session, driven by Debian's Chromium.

The portal runs in prod mode on a free port with a temporary SQLite database, demo
data, its mail worker, and the real Resend SDK pointed at a local fake Resend server.
Every page fails its test on a browser console error.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e import cluster_topology
from tests.support.fake_resend_webhooks import TEST_WEBHOOK_SECRET

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "en lång demofras för testerna"
# Tests that write an invitation straight into the database hash its token with this.
PORTAL_SECRET_KEY = "e2e-secret-key-of-reasonable-length-000000"
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, *, timeout: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} process exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} not ready after {timeout}s:\n{log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@dataclass
class FakeResend:
    url: str

    def emails(self) -> list[dict]:
        with urllib.request.urlopen(f"{self.url}/_test/emails", timeout=5) as response:  # noqa: S310
            return json.loads(response.read())

    def wait_for_mail(self, to: str, *, after: int = 0, timeout: float = 20) -> dict:
        """The first mail to `to` beyond the first `after` ones (the worker sends async)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mine = [m for m in self.emails() if to in _recipients(m)]
            if len(mine) > after:
                return mine[after]
            time.sleep(0.3)
        raise AssertionError(f"no mail to {to} within {timeout}s")

    def count_to(self, to: str) -> int:
        return sum(1 for m in self.emails() if to in _recipients(m))

    def webhook(self, event_type: str, to: str) -> int:
        """Have the fake send the app a signed `event_type` about its latest mail to `to`.

        Returns the app's HTTP status (tests/support/fake_resend_webhooks.py).
        """
        request = urllib.request.Request(  # noqa: S310
            f"{self.url}/_test/webhook",
            data=json.dumps({"type": event_type, "to": to}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return int(json.loads(response.read())["status"])


def _recipients(mail: dict) -> list[str]:
    body = mail.get("body", mail)
    to = body.get("to", [])
    return [to] if isinstance(to, str) else list(to)


@dataclass
class Portal:
    base_url: str
    fake_resend: FakeResend
    database_url: str
    log: Path
    # What `serve` printed until the portal answered /ping (tests/e2e/test_startup_log.py).
    startup_output: str = ""
    # ADMIN_PORTAL_E2E_TOPOLOGY=cluster (tests/e2e/cluster_topology.py): the cluster
    # launcher's pid, whose app workers a test may kill.
    topology: str = "embedded"
    process_id: int = 0
    port: int = 0
    # The cluster's Reflex state manager (empty when embedded: the states are on disk).
    redis_url: str = ""

    def url(self, path: str) -> str:
        return self.base_url + path

    def state_store_bytes(self) -> bytes:
        """Everything Reflex's server-side state store keeps, in either topology.

        Embedded: the disk state manager's pickles beside the log (REFLEX_STATES_WORKDIR);
        cluster: every string value in the Redis that the app workers share.
        """
        if not self.redis_url:
            states = self.log.parent / "states"
            return b"".join(path.read_bytes() for path in sorted(states.glob("*.pkl")))
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            values = [
                client.get(key) for key in client.scan_iter() if client.type(key) == b"string"
            ]
        finally:
            client.close()
        return b"".join(value for value in values if value)


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    workdir = tmp_path_factory.mktemp("portal")
    cluster = cluster_topology.cluster_requested()
    cluster_var = cluster_topology.var_dir() if cluster else None
    resend_port, app_port = _free_port(), _free_port()
    env = dict(os.environ)
    database_url = f"sqlite:///{workdir / 'portal.db'}"
    env.update(
        ADMIN_PORTAL_ENVIRONMENT="test",
        ADMIN_PORTAL_DATABASE_URL=database_url,
        ADMIN_PORTAL_PUBLIC_BASE_URL=f"http://localhost:{app_port}",
        ADMIN_PORTAL_DEMO_PASSWORD=DEMO_PASSWORD,
        ADMIN_PORTAL_SECRET_KEY=PORTAL_SECRET_KEY,
        ADMIN_PORTAL_RESEND_API_KEY="re_test_e2e",
        ADMIN_PORTAL_RESEND_API_URL=f"http://127.0.0.1:{resend_port}",
        # The fake signs its webhook calls to the app with this secret.
        ADMIN_PORTAL_RESEND_WEBHOOK_SECRET=TEST_WEBHOOK_SECRET,
        ADMIN_PORTAL_MAIL_REQUESTS_PER_SECOND="20",
        # Every test's browser is 127.0.0.1: the per-address limits would count the whole
        # suite as one client. The limits are asserted in tests/integration/ and bench/.
        ADMIN_PORTAL_LOGIN_RATE_LIMIT_PER_ADDRESS="1000/minute",
        ADMIN_PORTAL_RESET_RATE_LIMIT_PER_ADDRESS="1000/hour",
        PORT=str(app_port),
        PYTHONUNBUFFERED="1",
        # The server-side state store lives beside the log, so tests can read what it keeps.
        REFLEX_STATES_WORKDIR=str(workdir / "states"),
    )
    resend_log, app_log = workdir / "fake_resend.log", workdir / "portal.log"
    fake = subprocess.Popen(  # noqa: S603
        [
            *[sys.executable, "-m", "tests.support.fake_resend", "--port", str(resend_port)],
            *["--webhook-url", f"http://127.0.0.1:{app_port}/webhooks/resend"],
            *["--webhook-secret", TEST_WEBHOOK_SECRET],
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=resend_log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    app = None
    try:
        _wait_for(
            f"http://127.0.0.1:{resend_port}/_test/emails", timeout=20, process=fake, log=resend_log
        )
        command = [sys.executable, "-m", "admin_portal.cli", "serve", "--port", str(app_port)]
        if cluster_var is not None:
            # The cluster brings its own PostgreSQL and Redis, migrates and seeds itself.
            env.pop("ADMIN_PORTAL_DATABASE_URL")
            command = cluster_topology.cluster_command(app_port, cluster_var)
        else:
            for step in (
                ["-m", "admin_portal.cli", "prepare-database"],
                ["-m", "admin_portal.cli", "seed-demo"],
            ):
                subprocess.run([sys.executable, *step], cwd=PROJECT_ROOT, env=env, check=True)  # noqa: S603
        app = subprocess.Popen(  # noqa: S603
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=app_log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_for(f"http://127.0.0.1:{app_port}/ping", timeout=300, process=app, log=app_log)
        redis_url = ""
        if cluster_var is not None:
            database_url = cluster_topology.cluster_database_url(cluster_var)
            redis_url = cluster_topology.cluster_redis_url(cluster_var)
        yield Portal(
            base_url=f"http://localhost:{app_port}",
            fake_resend=FakeResend(f"http://127.0.0.1:{resend_port}"),
            database_url=database_url,
            log=app_log,
            startup_output=app_log.read_text(errors="replace"),
            topology="cluster" if cluster else "embedded",
            process_id=app.pid,
            port=app_port,
            redis_url=redis_url,
        )
    finally:
        if app is not None:
            _stop(app, timeout=60 if cluster else 20)  # the cluster stops its servers last
        _stop(fake)
        if cluster_var is not None:
            shutil.rmtree(cluster_var, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Playwright cannot download its own browser here; Debian's Chromium stands in.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


class ConsoleErrors:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture
def console_errors(portal: Portal) -> Iterator[ConsoleErrors]:
    collector = ConsoleErrors()
    seen = portal.log.stat().st_size if portal.log.exists() else 0
    yield collector
    assert collector.errors == [], f"browser console errors: {collector.errors}"
    # A handler that raises shows nothing in the browser: the server's log tells.
    with portal.log.open(errors="replace") as log:
        log.seek(seen)
        server_output = log.read()
    assert "Traceback" not in server_output, (
        f"server error during the test:\n{server_output[-3000:]}"
    )


@pytest.fixture
def new_page(browser: Browser, console_errors: ConsoleErrors, portal: Portal) -> Iterator:
    """Pages in fresh contexts (no shared cookies), each watched for console errors."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(base_url=portal.base_url, locale="sv-SE")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        console_errors.watch(page)
        return page

    yield make
    for context in contexts:
        for page in context.pages:
            if not page.is_closed() and page.url.startswith(portal.base_url):
                assert_accessible(page)  # whatever page a test ends on is checked too
        context.close()


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core on the current page: no serious or critical violations."""
    page.mouse.move(0, 0)  # judge the resting page, not a link still under the pointer
    # ... and not a toast still fading in: mid-transition its text is nearly transparent.
    page.wait_for_function(
        """() => document.getAnimations().every(a => a.playState !== 'running'
            || a.effect?.getComputedTiming().iterations === Infinity)""",
        timeout=5000,
    )
    results = _axe.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[(n['target'], n.get('failureSummary')) for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert bad == [], "accessibility violations:\n" + "\n".join(bad)


def wait_until_ready(page: Page) -> None:
    """Hydrated, connected and this page's on_load done (also after client-side navigation)."""
    page.locator("[data-ready='yes']").first.wait_for()
    # Compared in the page, at each check, with the location *then*: right after a click on a
    # link the URL may still be the old page's while its marker is already being replaced.
    page.wait_for_function(
        """() => {
            const marker = document.querySelector('[data-loaded-path]');
            const here = window.location.pathname.replace(/\\/+$/, '') || '/';
            return marker !== null && marker.getAttribute('data-loaded-path') === here;
        }"""
    )


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/logga-in")
    wait_until_ready(page)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def search_users(page: Page, text: str) -> None:
    """Type into Användare's search once the list has loaded, and wait for the answer.

    The list's on_load sets the box from the URL; typing before that lands would be
    overwritten, so wait for the box to show the URL's (empty) text first.
    """
    box = page.get_by_label("Sök")
    expect(box).to_have_value("")
    box.fill(text)
    expect(page).to_have_url(re.compile(r"[?&]q="))

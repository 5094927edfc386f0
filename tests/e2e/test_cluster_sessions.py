"""Sessions survive an app worker (cluster topology only: `make test-cluster`).

An admin has typed a search and half filled Lägg till användare when the app worker holding
their tab's connection is SIGKILLed. The tab reconnects to another worker under the same
client token (admin_portal/cluster/sessions.py reclaims the dead worker's socket record), so
it finds the tab's state in Redis: the next action works, on top of everything already sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.cluster_topology import (
    APP_WORKERS,
    cluster_requested,
    kill_the_tabs_worker,
    wait_for_workers,
)
from tests.e2e.conftest import Portal, log_in, search_users, wait_until_ready

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not cluster_requested(),
        reason="needs the cluster topology: ADMIN_PORTAL_E2E_TOPOLOGY=cluster (make test-cluster)",
    ),
]

# What a dropped websocket legitimately prints while the tab reconnects.
_CONNECTION_NOISE = re.compile(r"websocket|socket|connect|ERR_|Failed to load resource", re.I)


class Tab:
    """One signed-in tab, its browser errors and its websocket closes."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.closed_sockets = 0
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("websocket", lambda ws: ws.on("close", lambda _: self._closed()))

    def _closed(self) -> None:
        self.closed_sockets += 1


@pytest.fixture
def tab(browser: Browser, portal: Portal) -> Iterator[Tab]:
    context = browser.new_context(base_url=portal.base_url, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(30_000)  # a reconnect waits for socket.io's backoff
    yield Tab(page)
    context.close()
    wait_for_workers(portal.process_id, APP_WORKERS)  # Granian respawned what was killed


def _token(page: Page) -> str | None:
    return page.evaluate("window.sessionStorage.getItem('token')")


def _kill_my_worker(tab: Tab, portal: Portal) -> None:
    before = tab.closed_sockets
    kill_the_tabs_worker(
        portal.process_id,
        portal.port,
        socket_closed=lambda: tab.closed_sockets > before,
        pause=lambda seconds: tab.page.wait_for_timeout(seconds * 1000),
    )


def test_an_app_worker_killed_mid_task_loses_nothing(tab: Tab, portal: Portal) -> None:
    page = tab.page
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)

    # A search typed: the server has it (the URL follows the state).
    search_users(page, "cecilia")
    expect(page.get_by_role("rowheader", name="Cecilia Carlsson")).to_be_visible()
    token = _token(page)
    assert token
    _kill_my_worker(tab, portal)
    # The next action, a filter, is answered on top of the search already sent.
    page.get_by_label("Användartyp").select_option(label="Assistent")
    expect(page).to_have_url(re.compile(r"q=cecilia"))
    expect(page).to_have_url(re.compile(r"[?&]typ="))
    expect(page.get_by_role("rowheader", name="Cecilia Carlsson")).to_be_visible()
    expect(page.get_by_label("Sök")).to_have_value("cecilia")

    # A form half filled: names typed and the username checked by the server …
    page.get_by_role("link", name="Lägg till användare").click()
    expect(page.get_by_role("heading", name="Lägg till användare", level=1)).to_be_visible()
    wait_until_ready(page)
    page.get_by_label("Förnamn").fill("Kalle")
    page.get_by_label("Efternamn").fill("Klustersson")
    page.get_by_label("Användarnamn").fill("kalle.kluster")
    expect(page.get_by_text("Användarnamnet är ledigt.")).to_be_visible()
    # The same tab, the same state: the first kill did not hand it a new token.
    assert _token(page) == token
    _kill_my_worker(tab, portal)
    # … then finished and sent after the kill: nothing typed before it is lost.
    page.get_by_label("Användartyp").select_option(label="Brukare")
    page.get_by_label("Enhet").select_option(label="Demo Omsorg Norr AB – Hemtjänst Centrum")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page).to_have_url(re.compile(r"/anvandare/\d+/?$"))
    expect(page.get_by_role("heading", name="Kalle Klustersson")).to_be_visible()

    # Never signed out, and still the same tab: the killed worker never ran Reflex's
    # disconnect, and its socket record for the token stays in Redis; Reflex 0.10 alone takes
    # the reconnecting tab for a duplicate and hands it a new token (fresh state).
    assert "/logga-in" not in page.url
    assert _token(page) == token
    unexpected = [e for e in tab.errors if not _CONNECTION_NOISE.search(e)]
    assert unexpected == [], f"browser errors besides the reconnect: {unexpected}"

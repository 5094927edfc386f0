"""API-klienter in the browser: a head admin creates a client, and its secret works over HTTP.

The secret is read from the page (shown once), then used as the Bearer token against the
running portal's /scim/v2 and /api/v1; after Återkalla the same secret answers 401.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, wait_until_ready


def _get(url: str, secret: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_head_admin_creates_a_client_and_its_secret_works_over_http(new_page, portal):  # type: ignore[no-untyped-def]
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    page.get_by_role("link", name="API-klienter").click()
    expect(page).to_have_url(re.compile(r"/api-klienter/?$"))
    wait_until_ready(page)
    page.get_by_label("Namn").fill("Entra ID")
    page.get_by_label("Provisionering via SCIM").check()
    page.get_by_label("Läsa användare").check()
    page.get_by_role("button", name="Skapa API-klient").click()
    secret_box = page.get_by_label("Hemlighet", exact=True)
    expect(secret_box).to_have_value(re.compile(r"^apc_"))
    secret = secret_box.input_value()
    expect(page.get_by_role("cell", name="Entra ID", exact=True)).to_be_visible()

    status, users = _get(
        portal.url("/scim/v2/Users?filter=userName%20eq%20%22huvudadmin%22"), secret
    )
    assert status == 200 and users["totalResults"] == 1
    status, listed = _get(portal.url("/api/v1/users?text=huvudadmin"), secret)
    assert status == 200 and [u["username"] for u in listed["users"]] == ["huvudadmin"]

    # Shown once: gone after Stäng and after a reload.
    page.get_by_role("button", name="Stäng").click()
    expect(page.get_by_label("Hemlighet", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Återkalla Entra ID").click()
    expect(page.get_by_text("API-klienten är återkallad.")).to_be_visible()
    status, body = _get(portal.url("/scim/v2/Users"), secret)
    assert status == 401 and body["status"] == "401"

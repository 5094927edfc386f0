"""A.8 and A.9 on the real app: headers everywhere, a CSP the pages live with, and a login
ticket that never shows in a URL or the server's log and works once.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.conftest import log_in, wait_until_ready

pytestmark = pytest.mark.e2e

# Collects every CSP violation the page reports (the init script runs outside the page's CSP).
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""

ANONYMOUS_PAGES = [
    "/logga-in",
    "/glomt-losenord",
    "/satt-losenord?token=ingen",
    "/verifiera-epost?token=ingen",
    "/inbjudan?token=ingen",
]
HEAD_ADMIN_PAGES = [
    "/anvandare",
    "/anvandare/ny",
    "/anvandare/import",
    "/min-organisation",
    "/min-organisation/bjud-in",
    "/anvandarbanken",
    "/granskningslogg",
    "/boenden",
    "/kontaktcenter",
    "/mitt-konto",
]


def _headers(portal, path: str, *, cookie: str | None = None, method: str = "GET") -> dict:  # type: ignore[no-untyped-def]
    request = urllib.request.Request(portal.url(path), method=method)  # noqa: S310 (loopback)
    if cookie:
        request.add_header("Cookie", cookie)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as answered:  # 3xx/4xx still carry the headers
        return {k.lower(): v for k, v in answered.headers.items()}


def _assert_secure(headers: dict, where: str) -> None:
    assert headers.get("x-frame-options") == "DENY", where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "same-origin", where
    csp = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert "strict-transport-security" not in headers, where  # not production


def _watched(new_page) -> Page:  # type: ignore[no-untyped-def]
    page = new_page()
    page.add_init_script(_WATCH_CSP)
    return page


def _violations(page: Page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def _session_cookie(page: Page) -> str:
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}["ap_session"]
    return f"ap_session={cookie}"


def test_a_page_an_api_route_and_an_export_carry_the_security_headers(new_page, portal):
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    cookie = _session_cookie(page)
    script = re.search(r'src="(/assets/[^"]+\.js)"', page.content())

    for path, method, who in [
        ("/logga-in", "GET", None),  # a prerendered page
        ("/anvandare/17", "GET", None),  # a dynamic page (SPA fallback)
        ("/ping", "GET", None),  # Reflex's own route
        ("/api/logout", "GET", None),  # our API route
        ("/api/session", "GET", None),  # 405: POST only
        ("/api/anvandare/export.csv", "GET", cookie),  # the export, signed in
        ("/finns-inte-alls", "GET", None),  # a 404
    ] + ([(script.group(1), "GET", None)] if script else []):
        _assert_secure(_headers(portal, path, cookie=who, method=method), path)
    export = _headers(portal, "/api/anvandare/export.csv", cookie=cookie)
    assert export["content-type"].startswith("text/csv")


def test_every_page_loads_with_no_csp_violation(new_page):
    # console_errors (via new_page) fails the test on any console error as well, which is
    # where Chromium reports a blocked inline script, eval or connection.
    anonymous = _watched(new_page)
    for path in ANONYMOUS_PAGES:
        anonymous.goto(path)
        wait_until_ready(anonymous)
        assert _violations(anonymous) == [], path

    admin = _watched(new_page)
    log_in(admin, "huvudadmin")  # call_script (eval) and a form POST: both must pass the CSP
    expect(admin).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(admin)
    assert _violations(admin) == []
    admin.get_by_role("row").nth(1).get_by_role("link").first.click()
    expect(admin).to_have_url(re.compile(r"/anvandare/\d+/?$"))
    wait_until_ready(admin)
    assert _violations(admin) == [], admin.url
    for path in HEAD_ADMIN_PAGES:
        admin.goto(path)
        wait_until_ready(admin)
        assert _violations(admin) == [], path
    admin.get_by_role("button", name="Logga ut").click()
    expect(admin).to_have_url(re.compile(r"/logga-in/?$"))
    assert _violations(admin) == []

    support = _watched(new_page)
    log_in(support, "kundtjanst")
    expect(support).to_have_url(re.compile(r"/kundtjanst/?$"))
    wait_until_ready(support)
    assert _violations(support) == []


def test_the_login_ticket_travels_in_a_post_body_never_in_a_url_or_the_log(new_page, portal):
    seen = portal.log.stat().st_size
    page = new_page()
    handoffs: list[Request] = []
    page.on("request", lambda r: handoffs.append(r) if "/api/session" in r.url else None)

    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)

    [handoff] = handoffs
    assert handoff.method == "POST"
    assert "?" not in handoff.url
    ticket = parse_qs(handoff.post_data or "")["ticket"][0]
    assert len(ticket) >= 40
    history = page.evaluate("window.history.length")
    assert history <= 3  # /logga-in and /anvandare; the POST itself is not an entry
    with portal.log.open(errors="replace") as log:
        log.seek(seen)
        server_output = log.read()
    assert ticket not in server_output

    # The ticket is spent: replaying it (even from the portal's own origin) gets no session.
    replay = page.request.post(
        portal.url("/api/session"),
        form={"ticket": ticket},
        headers={"Origin": portal.base_url},
        max_redirects=0,
    )
    assert replay.status == 303
    assert replay.headers["location"] == "/logga-in?expired=1"
    assert "set-cookie" not in replay.headers

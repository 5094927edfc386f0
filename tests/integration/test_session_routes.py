"""The cookie routes over HTTP: ticket (POST body) -> HttpOnly session cookie, logout, login CSRF."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from admin_portal import db
from admin_portal.api.session_routes import session_routes
from admin_portal.services.auth.login import issue_login_ticket, resolve_session
from tests.support.factories import make_company, make_org, make_user


@pytest.fixture
def client(app_db: None) -> TestClient:
    return TestClient(Starlette(routes=session_routes), base_url="http://portal.test")


def _ticket() -> str:
    with db.session_scope() as session:
        company = make_company(session, make_org(session))
        user = make_user(session, company, username="kim")
        return issue_login_ticket(session, user=user)


def test_a_ticket_becomes_an_httponly_samesite_strict_cookie_once(client: TestClient) -> None:
    ticket = _ticket()
    response = client.post(
        "/api/session",
        data={"ticket": ticket, "next": "/granskningslogg"},
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://portal.test"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/granskningslogg"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("ap_session=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    raw = cookie.split(";")[0].split("=", 1)[1]
    with Session(db.get_engine()) as session:
        assert resolve_session(session, raw_token=raw) is not None

    again = client.post("/api/session", data={"ticket": ticket}, follow_redirects=False)
    assert again.headers["location"] == "/logga-in?expired=1"
    assert "set-cookie" not in again.headers


def test_a_ticket_arriving_from_another_site_is_refused_and_kept_unused(client: TestClient) -> None:
    ticket = _ticket()
    refused = client.post(
        "/api/session",
        data={"ticket": ticket},
        headers={"Sec-Fetch-Site": "cross-site"},
        follow_redirects=False,
    )
    assert refused.headers["location"] == "/logga-in"
    assert "set-cookie" not in refused.headers
    accepted = client.post("/api/session", data={"ticket": ticket}, follow_redirects=False)
    assert accepted.headers["set-cookie"].startswith("ap_session=")


def test_a_ticket_from_another_origin_is_refused_and_kept_unused(client: TestClient) -> None:
    ticket = _ticket()
    refused = client.post(
        "/api/session",
        data={"ticket": ticket},
        headers={"Origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert refused.headers["location"] == "/logga-in"
    assert "set-cookie" not in refused.headers
    accepted = client.post("/api/session", data={"ticket": ticket}, follow_redirects=False)
    assert accepted.headers["set-cookie"].startswith("ap_session=")


def test_a_ticket_in_the_url_is_never_redeemed(client: TestClient) -> None:
    # A GET would put the ticket in access logs and history: the route takes POST only,
    # and a POST reads the ticket from its body, never from the query string.
    ticket = _ticket()
    get = client.get(f"/api/session?ticket={ticket}", follow_redirects=False)
    query = client.post(f"/api/session?ticket={ticket}", follow_redirects=False)
    assert get.status_code == 405 and "set-cookie" not in get.headers
    assert query.headers["location"] == "/logga-in?expired=1"
    assert "set-cookie" not in query.headers
    body = client.post("/api/session", data={"ticket": ticket}, follow_redirects=False)
    assert body.headers["set-cookie"].startswith("ap_session=")


def test_an_oversized_or_multipart_body_redeems_nothing(client: TestClient) -> None:
    ticket = _ticket()
    big = client.post(
        "/api/session", data={"ticket": ticket, "pad": "x" * 10_000}, follow_redirects=False
    )
    multipart = client.post(
        "/api/session", files={"ticket": ("t", ticket.encode())}, follow_redirects=False
    )
    assert big.headers["location"] == multipart.headers["location"] == "/logga-in?expired=1"
    body = client.post("/api/session", data={"ticket": ticket}, follow_redirects=False)
    assert body.headers["set-cookie"].startswith("ap_session=")


def test_next_must_be_a_local_path(client: TestClient) -> None:
    response = client.post(
        "/api/session",
        data={"ticket": _ticket(), "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/anvandare"


def test_logout_revokes_the_session_and_clears_the_cookie(client: TestClient) -> None:
    created = client.post("/api/session", data={"ticket": _ticket()}, follow_redirects=False)
    raw = created.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    client.cookies.set("ap_session", raw)
    response = client.post("/api/logout", follow_redirects=False)
    assert response.headers["location"] == "/logga-in"
    assert (
        'ap_session=""' in response.headers["set-cookie"]
        or "Max-Age=0" in response.headers["set-cookie"]
    )
    with Session(db.get_engine()) as session:
        assert resolve_session(session, raw_token=raw) is None

"""A.8: every response carries the security headers: pages, API routes, exports, assets.

The middleware wraps an app shaped like the portal's backend in prod mode: our Starlette
routes beside the static build (prerendered pages with inline scripts). The e2e suite
checks the same on the real app (tests/e2e/test_security_headers.py).
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.testclient import TestClient

from admin_portal.api.security_headers import SecurityHeaders, content_security_policy
from admin_portal.api.session_routes import session_routes
from admin_portal.api.spreadsheet_routes import spreadsheet_routes
from admin_portal.config import get_settings

INLINE = "window.__context = {};"
EXPECTED = {
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
}


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    build = tmp_path / "client"
    (build / "assets").mkdir(parents=True)
    (build / "logga-in.html").write_text(
        f'<html><head><script>{INLINE}</script><script type="module" src="/assets/a.js">'
        "</script></head><body></body></html>"
    )
    (build / "assets" / "a.js").write_text("console.log(1)")
    return build


def _client(build_dir: Path) -> TestClient:
    backend = Starlette(
        routes=[
            *session_routes,
            *spreadsheet_routes,
            Mount("/", StaticFiles(directory=build_dir, html=True)),
        ]
    )
    return TestClient(SecurityHeaders(backend, build_dir=build_dir), base_url="http://portal.test")


def _assert_secure(response) -> None:  # type: ignore[no-untyped-def]
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "http" not in csp.replace("http://portal.test", "")  # no CDN host


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/logga-in.html"),  # a prerendered page
        ("GET", "/assets/a.js"),  # a static asset
        ("GET", "/finns-inte"),  # a 404
        ("POST", "/api/logout"),  # an API route
        ("GET", "/api/session"),  # a 405
        ("GET", "/api/anvandare/export.csv"),  # an export (here: its redirect to login)
    ],
)
def test_every_kind_of_response_carries_the_headers(
    app_db: None, build_dir: Path, method: str, path: str
) -> None:
    response = _client(build_dir).request(method, path, follow_redirects=False)
    _assert_secure(response)


def test_the_csp_allows_exactly_the_builds_inline_scripts(app_db: None, build_dir: Path) -> None:
    csp = _client(build_dir).get("/logga-in.html").headers["content-security-policy"]
    digest = base64.b64encode(hashlib.sha256(INLINE.encode()).digest()).decode()
    script_src = csp.split("script-src ")[1].split(";")[0].split()
    assert script_src == ["'self'", "'unsafe-eval'", f"'sha256-{digest}'"]


def test_the_websocket_and_data_images_are_allowed_and_nothing_else() -> None:
    csp = content_security_policy(script_hashes=[], public_base_url="https://portal.example.se")
    directives = dict(part.split(" ", 1) for part in csp.split("; "))
    assert directives["connect-src"] == "'self' wss://portal.example.se"
    assert directives["img-src"] == "'self' data:"
    assert directives["default-src"] == "'self'"


def test_hsts_only_in_production(
    app_db: None, build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "strict-transport-security" not in _client(build_dir).get("/").headers
    monkeypatch.setenv("ADMIN_PORTAL_ENVIRONMENT", "production")
    monkeypatch.setenv("ADMIN_PORTAL_SECRET_KEY", "a-production-secret-key-of-good-length")
    get_settings.cache_clear()
    hsts = _client(build_dir).get("/").headers["strict-transport-security"]
    assert hsts.startswith("max-age=31536000")


def test_a_routes_own_header_value_is_kept(app_db: None, build_dir: Path) -> None:
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    def own(_request):  # type: ignore[no-untyped-def]
        return PlainTextResponse("x", headers={"Referrer-Policy": "same-origin"})

    client = TestClient(
        SecurityHeaders(Starlette(routes=[Route("/own", own)]), build_dir=build_dir)
    )
    response = client.get("/own")
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"

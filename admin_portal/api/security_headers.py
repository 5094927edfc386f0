"""Security headers on every HTTP response: pages, API routes, exports, static files.

Wrapped around the whole ASGI app (`rx.App(api_transformer=[..., security_headers])`), so the
prerendered pages and assets the backend serves in prod mode get them too. The websocket
upgrade is left alone: headers on a 101 protect nothing and Reflex adds its own there.

The Content-Security-Policy is as strict as the built frontend allows (measured on Reflex
0.10.1 with Chromium, see tests/e2e/test_security_headers.py):
- scripts: our own files, plus the inline scripts React Router prerenders into every page
  (theme, route context, hydration), allowed by their SHA-256 hashes read from the build,
  never 'unsafe-inline'. 'unsafe-eval' stays: Reflex runs `rx.call_script` (login hand-off,
  logout, URL updates) through `eval` in its state.js.
- styles: 'unsafe-inline', because Emotion writes <style> elements at runtime and Radix sets
  style attributes; neither takes a nonce from Reflex.
- the websocket (`connect-src`) to the portal's own origin; images from the portal and
  `data:` (a QR code as an SVG data URI); no CDN host anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin_portal.config import Settings, get_settings

HSTS = "max-age=31536000; includeSubDomains"
# Inline scripts only: a <script src=...> is covered by 'self'.
_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\ssrc=)[^>]*>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE
)


def inline_script_hashes(html_files: Iterable[Path]) -> list[str]:
    """The CSP hash sources of every inline script in the given HTML files, sorted.

    Args:
        html_files: The prerendered pages of the frontend build.

    Returns:
        ``'sha256-...'`` sources, one per distinct script body.
    """
    hashes: set[str] = set()
    for path in html_files:
        for match in _INLINE_SCRIPT.finditer(path.read_text(encoding="utf-8", errors="replace")):
            digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
            hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(hashes)


def websocket_origins(public_base_url: str) -> list[str]:
    """ws(s):// of the portal's own origin: the Reflex event socket connects there."""
    parts = urlsplit(public_base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return [f"{scheme}://{parts.netloc}"] if parts.netloc else []


def content_security_policy(*, script_hashes: Iterable[str], public_base_url: str) -> str:
    """The policy for every response.

    Args:
        script_hashes: Hash sources of the build's inline scripts.
        public_base_url: The portal's origin (for the websocket).
    """
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-eval'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *websocket_origins(public_base_url)],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def frontend_build_dir() -> Path:
    """Where `reflex run --env prod` puts the prerendered pages (.web/build/client)."""
    # Imported here: the web layer may use reflex, and only the app needs this path.
    from reflex.utils.prerequisites import get_web_dir
    from reflex_base.constants import Dirs

    return get_web_dir() / Dirs.STATIC


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response.

    Args:
        app: The wrapped ASGI app (the whole Reflex backend).
        settings: Defaults to `get_settings()` when first needed.
        build_dir: Prerendered pages whose inline scripts the CSP allows; defaults to the
            frontend build. Read once, on the first request (the build is done by then).
    """

    def __init__(
        self, app: ASGIApp, *, settings: Settings | None = None, build_dir: Path | None = None
    ) -> None:
        self.app = app
        self._settings = settings
        self._build_dir = build_dir

    @cached_property
    def headers(self) -> dict[str, str]:
        """The headers every response gets (computed once)."""
        settings = self._settings or get_settings()
        build_dir = self._build_dir or frontend_build_dir()
        pages = sorted(build_dir.rglob("*.html")) if build_dir.is_dir() else []
        headers = {
            "content-security-policy": content_security_policy(
                script_hashes=inline_script_hashes(pages),
                public_base_url=settings.public_base_url,
            ),
            "x-frame-options": "DENY",
            # Links in mails carry tokens: no Referer may take a URL to another site. Not
            # "no-referrer": Chromium then sends `Origin: null` on our own form POSTs,
            # which the session route (rightly) refuses.
            "referrer-policy": "same-origin",
            "x-content-type-options": "nosniff",
            "cross-origin-opener-policy": "same-origin",
            "cross-origin-resource-policy": "same-origin",
            "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        }
        if settings.is_production:
            headers["strict-transport-security"] = HSTS
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    # A route that set its own value (e.g. nosniff on exports) keeps it.
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_headers(app: ASGIApp) -> ASGIApp:
    """The `api_transformer` callable: wraps the whole backend app."""
    return SecurityHeaders(app)

"""The session cookie's name and how to read it from a raw Cookie header."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from admin_portal.config import get_settings


def session_cookie_name() -> str:
    # The __Host- prefix pins a Secure cookie to this exact host and path.
    return "__Host-ap_session" if get_settings().cookie_secure else "ap_session"


def session_token_from_header(cookie_header: str | None) -> str | None:
    if not cookie_header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(session_cookie_name())
    return morsel.value if morsel else None

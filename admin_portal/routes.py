"""Every page's path in one place. Swedish paths: the admins are Swedish."""

from __future__ import annotations

from urllib.parse import urlencode

LOGIN = "/logga-in"
FORGOT_PASSWORD = "/glomt-losenord"
SET_PASSWORD = "/satt-losenord"
MY_ACCOUNT = "/mitt-konto"
USERS = "/anvandare"
ORGANISATION = "/min-organisation"
PROPERTIES = "/boenden"
CONTACT_CENTRE = "/kontaktcenter"
USER_BANK = "/anvandarbanken"
AUDIT_LOG = "/granskningslogg"
DEV_MAIL = "/dev/mail"

# Starlette routes beside the Reflex app (full navigations, not client-side routing).
API_SESSION = "/api/session"
API_LOGOUT = "/api/logout"

ADMIN_HOME = USERS


def login_with_next(next_path: str) -> str:
    return f"{LOGIN}?{urlencode({'next': next_path})}"


def safe_next(next_path: str | None, default: str = ADMIN_HOME) -> str:
    """Only a local absolute path may follow a login: no open redirects."""
    if not next_path or not next_path.startswith("/") or next_path.startswith("//") or "\\" in next_path:
        return default
    return next_path

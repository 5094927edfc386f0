"""Every page's path in one place. Swedish paths: the admins are Swedish."""

from __future__ import annotations

from urllib.parse import urlencode

LOGIN = "/logga-in"
FORGOT_PASSWORD = "/glomt-losenord"
SET_PASSWORD = "/satt-losenord"
MY_ACCOUNT = "/mitt-konto"
USERS = "/anvandare"
USER_NEW = "/anvandare/ny"
USER_PROFILE = "/anvandare/[user_id]"
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
    if (
        not next_path
        or not next_path.startswith("/")
        or next_path.startswith("//")
        or "\\" in next_path
    ):
        return default
    return next_path


def user_profile(user_id: int) -> str:
    return f"{USERS}/{user_id}"


def user_bank_entry(user_id: int) -> str:
    return f"{USER_BANK}?anvandare={user_id}"


def user_id_from_path(path: str) -> int | None:
    """The id in /anvandare/<id>; None for anything else (never trust the path blindly)."""
    last = (path or "").rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() and len(last) < 12 else None

"""Every page's path in one place. Swedish paths: the admins are Swedish."""

from __future__ import annotations

from urllib.parse import urlencode

from admin_portal.validation.ids import parse_id

LOGIN = "/logga-in"
# The login's second step (TOTP code, or the enrolment an organisation requires).
LOGIN_SECOND_STEP = "/logga-in/tvastegsverifiering"
FORGOT_PASSWORD = "/glomt-losenord"
SET_PASSWORD = "/satt-losenord"
VERIFY_EMAIL = "/verifiera-epost"
MY_ACCOUNT = "/mitt-konto"
USERS = "/anvandare"
USER_NEW = "/anvandare/ny"
USER_IMPORT = "/anvandare/import"
USER_PROFILE = "/anvandare/[user_id]"
ORGANISATION = "/min-organisation"
ORGANISATION_INVITE = "/min-organisation/bjud-in"
# The invitee's link (F4.8); the page is the invitee side (helper E).
INVITATION = "/inbjudan"
SUPPORT_INBOX = "/kundtjanst"
# Platform staff (issue 14): the service catalogue (support) and a therapist's cases.
SERVICE_CATALOGUE = "/kundtjanst/tjanstekatalog"
THERAPIST_CASES = "/terapeut"
# Where an invited person lands after creating their account (F4.8).
MY_SERVICES = "/mina-tjanster"
PROPERTIES = "/boenden"
PROPERTY_NEW = "/boenden/nytt"
PROPERTY_USERS = "/boenden/anvandare"
PROPERTY_ADD_USER = "/boenden/anvandare/lagg-till"
PROPERTY_REQUESTS = "/boenden/begaran"
PROPERTY_INVITATION = "/boenden/inbjudan"
CONTACT_CENTRE = "/kontaktcenter"
CONTACT_CENTRE_NEW = "/kontaktcenter/ny"
# "Behöver nytt lösenord?": a one-time password by e-mail or SMS (F3.2).
ONE_TIME_PASSWORD = "/engangslosenord"
CONTACT_CENTRE_AGENT = "/kontaktcenter/agent/[agent_id]"
USER_BANK = "/anvandarbanken"
AUDIT_LOG = "/granskningslogg"
API_CLIENTS = "/api-klienter"
DEV_MAIL = "/dev/mail"
# The local SMS outbox (no SMS provider configured, outside production).
DEV_SMS = "/dev/sms"

# Starlette routes beside the Reflex app (full navigations, not client-side routing).
API_SESSION = "/api/session"
API_LOGOUT = "/api/logout"
# F1.3: the users list's export (".csv" or ".xlsx" appended) and an import's row report.
API_USERS_EXPORT = "/api/anvandare/export"
API_IMPORT_REPORT = "/api/anvandare/import/{import_id:int}/rapport.csv"

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


def contact_centre_agent(agent_id: int) -> str:
    return f"{CONTACT_CENTRE}/agent/{agent_id}"


def user_bank_entry(user_id: int) -> str:
    return f"{USER_BANK}?anvandare={user_id}"


def user_id_from_path(path: str) -> int | None:
    """The id in /anvandare/<id>; None for anything else (never trust the path blindly)."""
    last = (path or "").rstrip("/").rsplit("/", 1)[-1]
    return parse_id(last) if last == last.strip() else None


def users_export_url(fmt: str, params: dict[str, str]) -> str:
    """The export of the users list's view: `params` are the list's URL parameters."""
    suffix = "xlsx" if fmt == "xlsx" else "csv"
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{API_USERS_EXPORT}.{suffix}" + (f"?{query}" if query else "")


def import_report_url(import_id: int) -> str:
    return API_IMPORT_REPORT.replace("{import_id:int}", str(import_id))


def organisation_unit(unit_id: int, path: str = ORGANISATION) -> str:
    """Min organisation (or its invite form) for one unit: the switcher's choice is in the URL."""
    return f"{path}?{urlencode({'enhet': unit_id})}"


def invitation_link_path(raw_token: str) -> str:
    return f"{INVITATION}?{urlencode({'token': raw_token})}"


def property_invitation_path(raw_token: str) -> str:
    return f"{PROPERTY_INVITATION}?{urlencode({'token': raw_token})}"

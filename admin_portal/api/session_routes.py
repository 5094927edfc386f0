"""The HttpOnly session cookie is set and cleared here, never by JavaScript.

Login: the Reflex handler verifies the password and hands the browser a one-minute,
single-use ticket; the browser POSTs it in a form body to /api/session (never in the URL,
which would put it in access logs and history), which swaps the ticket for a server-side
session and sets the cookie. Logout revokes the session in the
Reflex handler, then navigates to /api/logout, which revokes (again, harmlessly) and
clears the cookie. SameSite=Strict keeps other sites from triggering either route.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from admin_portal import routes
from admin_portal.auth.cookies import session_cookie_name
from admin_portal.config import get_settings
from admin_portal.db import session_scope
from admin_portal.services.auth.login import end_session, redeem_login_ticket

_MAX_FORM_BYTES = 4096  # a ticket and a next path; anything bigger is not ours


def _from_another_site(request: Request) -> bool:
    # Login CSRF: only our own page may hand the browser a ticket. Browsers that send
    # Sec-Fetch-Site say "same-origin" for the portal's own form; a POST also carries
    # Origin, which must then be the portal's.
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    return origin is not None and origin != get_settings().public_base_url.rstrip("/")


async def _form_fields(request: Request) -> dict[str, str]:
    """The urlencoded body, read up to a small cap (no multipart, no files)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return {}
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_FORM_BYTES:
            return {}
    parsed = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=4)
    return {name: values[0] for name, values in parsed.items() if values}


async def start_session(request: Request) -> RedirectResponse:
    """POST only: the ticket comes in the form body, never in the URL."""
    if _from_another_site(request):
        return RedirectResponse(routes.LOGIN, status_code=303)
    try:
        fields = await _form_fields(request)
    except ValueError:  # more fields than max_num_fields
        fields = {}
    with session_scope() as session:
        raw = redeem_login_ticket(session, ticket=fields.get("ticket", ""))
    if raw is None:
        return RedirectResponse(routes.LOGIN + "?expired=1", status_code=303)
    response = RedirectResponse(routes.safe_next(fields.get("next")), status_code=303)
    settings = get_settings()
    response.set_cookie(
        session_cookie_name(),
        raw,
        max_age=settings.session_hours * 3600,
        path="/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="strict",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def logout(request: Request) -> RedirectResponse:
    with session_scope() as session:
        end_session(session, raw_token=request.cookies.get(session_cookie_name()))
    response = RedirectResponse(routes.LOGIN, status_code=303)
    response.delete_cookie(
        session_cookie_name(),
        path="/",
        secure=get_settings().cookie_secure,
        httponly=True,
        samesite="strict",
    )
    return response


session_routes = [
    Route(routes.API_SESSION, start_session, methods=["POST"]),
    Route(routes.API_LOGOUT, logout, methods=["GET", "POST"]),
]

"""The HttpOnly session cookie is set and cleared here, never by JavaScript.

Login: the Reflex handler verifies the password and hands the browser a one-minute,
single-use ticket; the browser navigates to /api/session?ticket=..., which swaps the
ticket for a server-side session and sets the cookie. Logout revokes the session in the
Reflex handler, then navigates to /api/logout, which revokes (again, harmlessly) and
clears the cookie. SameSite=Strict keeps other sites from triggering either route.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from admin_portal import routes
from admin_portal.auth.cookies import session_cookie_name
from admin_portal.config import get_settings
from admin_portal.db import session_scope
from admin_portal.services.auth import end_session, redeem_login_ticket


def _from_another_site(request: Request) -> bool:
    # Login CSRF: only our own page may hand the browser a ticket. Browsers that send
    # Sec-Fetch-Site say "same-origin" for window.location.assign from the portal.
    return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")


async def start_session(request: Request) -> RedirectResponse:
    if _from_another_site(request):
        return RedirectResponse(routes.LOGIN, status_code=303)
    ticket = request.query_params.get("ticket", "")
    with session_scope() as session:
        raw = redeem_login_ticket(session, ticket=ticket)
    if raw is None:
        return RedirectResponse(routes.LOGIN + "?expired=1", status_code=303)
    response = RedirectResponse(routes.safe_next(request.query_params.get("next")), status_code=303)
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
    Route(routes.API_SESSION, start_session, methods=["GET"]),
    Route(routes.API_LOGOUT, logout, methods=["GET", "POST"]),
]

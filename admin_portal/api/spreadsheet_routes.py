"""File downloads of F1.3: the users list as CSV/XLSX and an import's row report.

Plain HTTP routes rather than `rx.download`, which would push the whole file through the
websocket: these stream. They authenticate with the HttpOnly session cookie (SameSite=
Strict, so another site's link arrives without it) and re-check the admin's scope in the
services, like every other entrance. Responses are never cached: they hold personal data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import IO

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from admin_portal import routes
from admin_portal.auth.cookies import session_cookie_name
from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.i18n import normalise_language, t
from admin_portal.services.auth.denials import Reason, enter, record_denial
from admin_portal.services.auth.login import resolve_session
from admin_portal.services.errors import NotFound, PermissionDenied
from admin_portal.services.spreadsheets.export import export_filename, export_rows, start_export
from admin_portal.services.spreadsheets.imports import get_import, import_report_rows
from admin_portal.services.spreadsheets.sheets import csv_chunks, xlsx_file
from admin_portal.services.users.list_params import fields_from_params, query_from_fields

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_READ_CHUNK = 64 * 1024


def _headers(filename: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }


def _today() -> date:
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("Europe/Stockholm")).date()
    except (ImportError, KeyError, ValueError):  # no time zone data on the machine
        return date.today()


def _admin(request: Request) -> Actor | Response:
    """The signed-in admin, or the response for anyone else (login, or 403), recorded."""
    with session_scope() as session:
        who = resolve_session(session, raw_token=request.cookies.get(session_cookie_name()))
    endpoint = request.scope.get("endpoint")
    action = f"api.{getattr(endpoint, '__name__', request.url.path)}"
    enter(action, who.actor if who else None)
    if who is None or not who.actor.is_admin:
        reason = Reason.SIGNED_OUT if who is None else Reason.ROLE
        record_denial(action=action, actor=who.actor if who else None, reason=reason)
    if who is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(routes.login_with_next(target), status_code=303)
    if not who.actor.is_admin:
        return PlainTextResponse(t("error.permission_denied", who.actor.language), status_code=403)
    return who.actor


def _language(request: Request, actor: Actor) -> str:
    # The page passes the language shown on screen; a bare link gets the admin's own.
    return normalise_language(request.query_params.get("lang") or actor.language)


async def export_users(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "xlsx"):
        return PlainTextResponse("Not Found", status_code=404)
    actor = _admin(request)
    if isinstance(actor, Response):
        return actor
    lang = _language(request, actor)
    query = query_from_fields(fields_from_params(dict(request.query_params)))
    with session_scope() as session:
        start_export(session, actor=actor, fmt=fmt)
    filename = export_filename(fmt, today=_today())

    if fmt == "csv":

        def csv_body() -> Iterator[bytes]:
            with session_scope() as session:
                rows = export_rows(session, actor=actor, query=query, lang=lang)
                yield from csv_chunks(rows)

        return StreamingResponse(csv_body(), media_type=CSV_TYPE, headers=_headers(filename))

    def build_xlsx() -> IO[bytes]:
        with session_scope() as session:
            rows = export_rows(session, actor=actor, query=query, lang=lang)
            return xlsx_file(rows, sheet_title=t("spreadsheet.sheet_title", lang))

    # A zip is written whole before it can be sent; the rows still go to disk as they come.
    handle = await run_in_threadpool(build_xlsx)
    return StreamingResponse(_read(handle), media_type=XLSX_TYPE, headers=_headers(filename))


def _read(handle: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := handle.read(_READ_CHUNK):
            yield chunk
    finally:
        handle.close()  # deletes the temporary file


async def import_report(request: Request) -> Response:
    actor = _admin(request)
    if isinstance(actor, Response):
        return actor
    import_id = request.path_params["import_id"]
    lang = _language(request, actor)
    try:
        with session_scope() as session:
            get_import(session, actor=actor, import_id=import_id)
    except (NotFound, PermissionDenied):
        return PlainTextResponse(t("error.not_found", lang), status_code=404)

    def body() -> Iterator[bytes]:
        with session_scope() as session:
            rows = import_report_rows(session, actor=actor, import_id=import_id, lang=lang)
            yield from csv_chunks(rows)

    filename = f"importrapport-{import_id}.csv"
    return StreamingResponse(body(), media_type=CSV_TYPE, headers=_headers(filename))


spreadsheet_routes = [
    Route(routes.API_USERS_EXPORT + ".{fmt}", export_users, methods=["GET"]),
    Route(routes.API_IMPORT_REPORT, import_report, methods=["GET"]),
]

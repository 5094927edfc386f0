"""REST responses: JSON bodies; refusals carry a machine-readable code and the UI's message.

Error body: {"error": {"code": "<message key>", "message": "<the UI's text>",
"fields": {"<field>": {"code": ..., "message": ...}}}} in the Accept-Language language
(Swedish unless it starts with "en").
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from admin_portal.api.machine import ApiRefusal, Call, json_body
from admin_portal.i18n import t
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed

_TAKEN = {"username.taken_here", "username.taken_elsewhere", "username.in_user_bank"}


def _default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return str(value)


def ok(payload: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False, default=_default),
        status_code=status,
        media_type="application/json",
    )


def language_of(request: Request) -> str:
    accept = request.headers.get("accept-language", "").strip().lower()
    return "en" if accept.startswith("en") else "sv"


def error(status: int, key: str, lang: str, fields: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"code": key, "message": t(key, lang)}
    if fields:
        body["fields"] = {f: {"code": k, "message": t(k, lang)} for f, k in fields.items()}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return Response(
        json.dumps({"error": body}, ensure_ascii=False),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


class RestStyle:
    def refusal(self, request: Request, refusal: ApiRefusal) -> Response:
        return error(refusal.status, refusal.key, language_of(request))

    def service_error(self, request: Request, failure: ServiceError) -> Response:
        lang = language_of(request)
        if isinstance(failure, NotFound):
            return error(404, failure.key, lang)
        if isinstance(failure, PermissionDenied):
            return error(403, failure.key, lang)
        if isinstance(failure, ValidationFailed):
            status = 409 if _TAKEN & set(failure.errors.values()) else 422
            return error(status, failure.key, lang, failure.errors)
        if failure.key == "contact_centre.in_queue_remove":
            return error(409, failure.key, lang)  # F3.7: refused while logged in to a queue
        return error(400, failure.key, lang)


STYLE = RestStyle()


def body_object(call: Call) -> dict[str, Any]:
    """The JSON body as an object (an empty body is {}); 400 otherwise."""
    if not call.body.strip():
        return {}
    payload = json_body(call.body)
    if not isinstance(payload, dict):
        raise ApiRefusal(400, "api.invalid_input")
    return payload


def path_id(request: Request, name: str) -> int | None:
    raw = str(request.path_params.get(name, ""))
    return int(raw) if raw.isdigit() and len(raw) < 19 else None

"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json (no secret needed)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from admin_portal.api.rest.users import WRITABLE
from admin_portal.models import USER_TYPE_CHOICES

_ID = {"type": "integer", "minimum": 1}
# The user types the services accept (services/users/input.py): one list, in models.
_USER_TYPE = {"enum": list(USER_TYPE_CHOICES)}
_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "a stable message key"},
                "message": {"type": "string", "description": "the UI's text (Accept-Language)"},
                "fields": {"type": "object"},
            },
        }
    },
}
_USER = {
    "type": "object",
    "properties": {
        "id": _ID,
        "username": {"type": "string"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "email": {"type": ["string", "null"]},
        "email_verified": {"type": "boolean"},
        "mobile": {"type": ["string", "null"]},
        "user_type": _USER_TYPE,
        "company_id": {"type": "integer"},
        "unit_id": {"type": ["integer", "null"]},
        "language": {"type": "string"},
        "numeric_id": {"type": ["integer", "null"]},
        "status": {"type": "string"},
        "created_at": {"type": "string"},
        "updated_at": {"type": "string"},
    },
}
_USER_WRITE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        **{name: {"type": "string", "maxLength": 2000} for name in WRITABLE},
        "company_id": {"type": ["integer", "null"]},
        "unit_id": {"type": ["integer", "null"]},
        "user_type": _USER_TYPE,
    },
}


def _errors(*codes: int) -> dict[str, Any]:
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {str(c): {"description": "refused", "content": ref} for c in codes}


_COMMON = (400, 401, 403, 413, 429)


def _op(
    summary: str,
    ok: str,
    *,
    body: dict[str, Any] | None = None,
    params: list[Any] | None = None,
    extra: tuple[int, ...] = (),
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {ok: {"description": "done"}, **_errors(*_COMMON, *extra)},
    }
    if body is not None:
        op["requestBody"] = {"required": False, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = params
    return op


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _ID}


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


_LIST_PARAMS = [
    _query("text", {"type": "string", "maxLength": 200}),
    _query("company_id", _ID),
    _query("unit_id", _ID),
    _query("user_type", {"type": "string"}),
    _query("email_state", {"enum": ["verified", "unverified", "missing"]}),
    _query("status", {"enum": ["active", "removed"]}),
    _query("sort", {"type": "string"}),
    _query("descending", {"enum": ["true", "false"]}),
    _query("cursor", {"type": "string", "maxLength": 2000}),
    _query("page_size", {"type": "integer", "minimum": 1, "maximum": 200}),
]

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "admin_portal API",
        "version": "1",
        "description": "Users, invitations, verification and units of one organisation. "
        "Authenticate with the secret of an API client as a Bearer token.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"Error": _ERROR, "User": _USER, "UserWrite": _USER_WRITE},
    },
    "paths": {
        "/users": {
            "get": _op(
                "The UI's user search, cursor paged (users:read)", "200", params=_LIST_PARAMS
            ),
            "post": _op(
                "Create a user (users:write)",
                "201",
                body={"$ref": "#/components/schemas/UserWrite"},
                extra=(409, 422),
            ),
        },
        "/users/{user_id}": {
            "get": _op("One user (users:read)", "200", params=[_path("user_id")], extra=(404,)),
            "patch": _op(
                "Change a user (users:write)",
                "200",
                body={"$ref": "#/components/schemas/UserWrite"},
                params=[_path("user_id")],
                extra=(404, 409, 422),
            ),
            "delete": _op(
                "Remove to Användarbanken (users:write)",
                "204",
                params=[_path("user_id"), _query("reason", {"type": "string", "maxLength": 500})],
                extra=(404, 422),
            ),
        },
        "/users/{user_id}/restore": {
            "post": _op(
                "Restore from Användarbanken (users:write)",
                "200",
                body={
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "company_id": _ID,
                        "unit_id": _ID,
                        "new_email": {"type": "string"},
                        "clear_email": {"type": "boolean"},
                    },
                },
                params=[_path("user_id")],
                extra=(404, 409, 422),
            )
        },
        "/users/{user_id}/verification": {
            "post": _op(
                "Send a verification mail (users:write)",
                "202",
                body={
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"email": {"type": "string"}},
                },
                params=[_path("user_id")],
                extra=(404, 422),
            )
        },
        "/verification/bulk": {
            "post": _op(
                "Verification mails to everyone matching a filter: a job to poll (users:write)",
                "202",
                body={
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "text": {"type": "string"},
                        "company_id": {"type": "string"},
                        "unit_id": {"type": "string"},
                        "user_type": {"type": "string"},
                        "email_state": {"type": "string"},
                        "status": {"type": "string"},
                        "request_key": {"type": "string"},
                    },
                },
            )
        },
        "/jobs/{job_id}": {
            "get": _op(
                "A job's progress (users:read)", "200", params=[_path("job_id")], extra=(404,)
            )
        },
        "/invitations": {
            "post": _op(
                "Invite a standard user (users:write)",
                "201",
                body={"type": "object", "additionalProperties": True},
                extra=(422,),
            )
        },
        "/invitations/{invitation_id}/resend": {
            "post": _op(
                "Resend; an Adminroll invitation answers 403 (users:write)",
                "204",
                params=[_path("invitation_id")],
                extra=(404, 422),
            )
        },
        "/invitations/{invitation_id}/revoke": {
            "post": _op(
                "Revoke; an Adminroll invitation answers 403 (users:write)",
                "204",
                params=[_path("invitation_id")],
                extra=(404, 422),
            )
        },
        "/units": {
            "get": _op(
                "The organisation's units by id, cursor paged: pass next_cursor back as cursor "
                "until it is null (users:read)",
                "200",
                params=[
                    _query("cursor", {"type": "string", "maxLength": 2000}),
                    _query("page_size", {"type": "integer", "minimum": 1, "maximum": 200}),
                ],
            )
        },
        # Kontaktcenter (issue 16).
        "/agents/{agent_id}": {
            "patch": _op(
                "Move an agent to another user group (users:write); 409 while in a queue",
                "200",
                params=[_path("agent_id")],
                body={
                    "type": "object",
                    "properties": {"group_id": _ID},
                    "additionalProperties": False,
                },
                extra=(404, 409, 422),
            )
        },
        "/telephony/queue": {
            "post": _op(
                "Log an agent in to or out of a queue by numeric ID (telephony)",
                "200",
                body={
                    "type": "object",
                    "properties": {
                        "numeric_id": {"type": "integer"},
                        "queue": {"type": "string", "maxLength": 50},
                        "action": {"enum": ["login", "logout"]},
                    },
                },
                extra=(404, 422),
            )
        },
        "/units/{unit_id}": {
            "get": _op(
                "One unit and its members (users:read)",
                "200",
                params=[_path("unit_id")],
                extra=(404,),
            )
        },
    },
}


async def openapi_json(request: Request) -> JSONResponse:
    return JSONResponse(DOCUMENT)

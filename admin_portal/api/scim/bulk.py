"""/scim/v2/Bulk (RFC 7644 §3.7): many Users and Groups writes in one call.

Each operation runs the same work as its own endpoint (users.py, groups.py), in a
savepoint of the call's one transaction: a failed operation leaves nothing behind and the
others stand. `failOnErrors` stops after that many failures. `bulkId`: a POST names its
new resource, and later operations refer to it as "bulkId:<id>" in their path or data
(a Group's members, say); operations run in the order sent, so a reference must follow
the operation that creates it (no reordering, no circular references: README). Each
operation's `version` is its If-Match. At most MAX_OPERATIONS operations; the body cap
of every call is maxPayloadSize.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from scim2_models import BulkRequest, Group
from starlette.requests import Request
from starlette.responses import Response

from admin_portal.api.machine import ApiRefusal, Call, json_body, respond
from admin_portal.api.scim import groups, users
from admin_portal.api.scim.errors import STYLE, scim_error, scim_json
from admin_portal.services.errors import ServiceError

MAX_OPERATIONS = 100
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
Work = Callable[[Request, Call], Response]

_ID = r"(?P<{}>[^/]+)"
_ROUTES: list[tuple[str, re.Pattern[str], Work]] = [
    ("POST", re.compile(r"^/Users$"), users.create_work),
    ("PUT", re.compile(r"^/Users/" + _ID.format("user_id") + "$"), users.replace_work),
    ("PATCH", re.compile(r"^/Users/" + _ID.format("user_id") + "$"), users.patch_work),
    ("DELETE", re.compile(r"^/Users/" + _ID.format("user_id") + "$"), users.delete_work),
    ("POST", re.compile(r"^/Groups$"), groups.create_group_work),
    ("PUT", re.compile(r"^/Groups/" + _ID.format("group_id") + "$"), groups.replace_group_work),
    ("PATCH", re.compile(r"^/Groups/" + _ID.format("group_id") + "$"), groups.patch_group_work),
]
_BULK_REF = re.compile(r"^bulkId:(.+)$")


class _Unresolved(Exception):
    """A "bulkId:..." reference to no earlier POST of this request."""


class _Failed(Exception):
    """An operation's work answered an error: its savepoint is rolled back."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _resolve(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str) and (match := _BULK_REF.match(value)):
        if match.group(1) not in ids:
            raise _Unresolved(match.group(1))
        return ids[match.group(1)]
    if isinstance(value, list):
        return [_resolve(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, ids) for k, v in value.items()}
    return value


def _resolve_path(path: str, ids: dict[str, str]) -> str:
    return "/".join(_resolve(part, ids) for part in path.split("/"))


def _sub_request(
    outer: Request, method: str, path: str, params: dict[str, str], version: Any
) -> Request:
    headers = [(b"accept-language", outer.headers.get("accept-language", "").encode("latin-1"))]
    if isinstance(version, str) and version:
        headers.append((b"if-match", version.encode("latin-1", "replace")))
    return Request(
        {
            "type": "http",
            "method": method,
            "path": "/scim/v2" + path,
            "headers": headers,
            "query_string": b"",
            "path_params": params,
        }
    )


def _run(call: Call, outer: Request, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    method = str(raw.get("method", "")).upper()
    bulk_id = raw.get("bulkId")
    entry: dict[str, Any] = {"method": method}
    if isinstance(bulk_id, str):
        entry["bulkId"] = bulk_id
    try:
        path = _resolve_path(str(raw.get("path", "")), ids)
        data = _resolve(raw.get("data"), ids)
    except _Unresolved:
        return {
            **entry,
            **_error(scim_error(409, "A bulkId reference has no earlier POST.", "invalidValue")),
        }
    if method not in ("POST", "PUT", "PATCH", "DELETE"):
        return {**entry, **_error(scim_error(400, f"No bulk operation {method}.", "invalidValue"))}
    try:
        BulkRequest[users.UserResource | Group].model_validate(  # type: ignore[misc]
            # A PATCH's data is checked by its own endpoint (which also takes Entra's
            # member removal with a value list, stricter models refuse).
            {
                "schemas": [BULK_REQUEST],
                "Operations": [{**raw, "path": path, "data": None if method == "PATCH" else data}],
            }
        )
    except ValidationError as error:
        return {**entry, **_error(users._validation_error(error))}
    if method == "POST" and not isinstance(bulk_id, str):
        return {**entry, **_error(scim_error(400, "A POST needs a bulkId.", "invalidValue"))}
    target = next(
        (
            (work, m)
            for verb, pattern, work in _ROUTES
            if verb == method and (m := pattern.match(path))
        ),
        None,
    )
    if target is None:
        return {
            **entry,
            **_error(scim_error(400, f"No bulk operation {method} {path}.", "invalidPath")),
        }
    work, match = target
    request = _sub_request(outer, method, path, match.groupdict(), raw.get("version"))
    body = json.dumps(data).encode() if data is not None else b""
    sub = Call(session=call.session, actor=call.actor, client_id=call.client_id, body=body)
    try:
        with call.session.begin_nested():
            response = work(request, sub)
            if response.status_code >= 400:
                raise _Failed(response)
    except _Failed as failed:
        response = failed.response
    except ApiRefusal as refusal:
        response = STYLE.refusal(request, refusal)
    except ServiceError as error:
        response = STYLE.service_error(request, error)
    if response.status_code >= 400:
        return {**entry, **_error(response)}
    entry["status"] = str(response.status_code)
    location = response.headers.get("location") or f"{users.base_url()}{path}"
    if method != "DELETE":
        entry["location"] = location
    if response.headers.get("etag"):
        entry["version"] = response.headers["etag"]
    if method == "POST" and isinstance(bulk_id, str):
        ids[bulk_id] = location.rsplit("/", 1)[-1]
    return entry


def _error(response: Response) -> dict[str, Any]:
    body = bytes(response.body)
    return {
        "status": str(response.status_code),
        "response": json.loads(body) if body else None,
    }


def bulk_work(request: Request, call: Call) -> Response:
    payload = json_body(call.body)
    if not isinstance(payload, dict):
        return scim_error(400, "A BulkRequest object is expected.", "invalidSyntax")
    operations = payload.get("Operations") or []
    try:  # the envelope; each operation is checked on its own (a bad one fails alone)
        BulkRequest[users.UserResource | Group].model_validate(  # type: ignore[misc]
            {**payload, "Operations": []}
        )
    except ValidationError as error:
        return users._validation_error(error)
    if not isinstance(operations, list) or not all(isinstance(o, dict) for o in operations):
        return scim_error(400, "Operations is a list of objects.", "invalidSyntax")
    if len(operations) > MAX_OPERATIONS:
        return scim_error(413, f"At most {MAX_OPERATIONS} operations per request.")
    fail_on = payload.get("failOnErrors")
    limit = (
        fail_on
        if isinstance(fail_on, int) and not isinstance(fail_on, bool) and fail_on > 0
        else None
    )
    ids: dict[str, str] = {}
    results: list[dict[str, Any]] = []
    failures = 0
    for raw in operations:
        if limit is not None and failures >= limit:
            break
        entry = _run(call, request, raw, ids)
        failures += int(entry["status"]) >= 400
        results.append(entry)
    return scim_json({"schemas": [BULK_RESPONSE], "Operations": results})


async def bulk(request: Request) -> Response:
    return await respond(
        request,
        scope=users.SCOPE,
        name="scim.bulk",
        work=lambda call: bulk_work(request, call),
        style=STYLE,
    )

"""The one way into REST and SCIM: Bearer secret, scope, per-client limit, body cap, audit.

Each call: the Bearer secret names a live API client (else 401); the client holds the
scope the endpoint needs (else 403); the per-client limit is counted (else 429); the body
is read up to ADMIN_PORTAL_API_MAX_BODY_BYTES (else 413). Then the work runs in one
transaction as the client's actor (services/api_clients). Every audit event the services
write in that transaction names the client as the actor. Then, in a transaction of its
own, the call itself is audited (services/api_clients/usage.py): a write, or a refusal as
unauthenticated or out of scope, as one `api_call` event; a read counted into the
client's one `api_reads` event of that minute.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import event
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from admin_portal.auth.permissions import Actor
from admin_portal.config import get_settings
from admin_portal.db import session_scope
from admin_portal.models import ApiClient, AuditEvent
from admin_portal.services.api_clients import (
    ClientRateLimited,
    actor_for_client,
    authenticate_api_client,
    check_client_rate,
)
from admin_portal.services.api_clients.usage import record_read_call, record_write_call
from admin_portal.services.errors import ServiceError


class ApiRefusal(Exception):
    """A refusal before or around the work: status, message key, SCIM scimType."""

    def __init__(self, status: int, key: str, scim_type: str | None = None) -> None:
        super().__init__(key)
        self.status, self.key, self.scim_type = status, key, scim_type
        self.client_id: int | None = None  # known once the secret named a client


@dataclass(frozen=True)
class Call:
    """What the work of one call gets: its transaction, actor, client and body."""

    session: Session
    actor: Actor
    client_id: int
    body: bytes


def bearer_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def read_body(request: Request) -> bytes:
    """The body up to the cap; 413 beyond it (a lying Content-Length is caught too)."""
    cap = get_settings().api_max_body_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise ApiRefusal(413, "api.body_too_large", "tooLarge")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise ApiRefusal(413, "api.body_too_large", "tooLarge")
    return body


def json_body(body: bytes) -> Any:
    """Parsed JSON, or 400 invalidSyntax."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiRefusal(400, "api.malformed_json", "invalidSyntax") from None


def _authenticate(raw: str | None, scope: str) -> int:
    with session_scope() as session:
        client = authenticate_api_client(session, raw_secret=raw)
        if client is None or client.id is None:
            raise ApiRefusal(401, "api.unauthorized")
        if scope not in client.scope_set:
            refusal = ApiRefusal(403, "api.forbidden_scope")
            refusal.client_id = client.id
            raise refusal
        return client.id


def _stamp_audit(session: Session, client_id: int) -> None:
    """Every audit event written in this transaction names the client as the actor."""

    def before_flush(sess: Session, *_: object) -> None:
        for obj in sess.new:
            if isinstance(obj, AuditEvent) and obj.actor_api_client_id is None:
                obj.actor_api_client_id = client_id
                obj.actor_user_id = None

    event.listen(session, "before_flush", before_flush)


def record_outcome(client_id: int, name: str, status: int, *, read: bool = False) -> None:
    """Audit the call in a transaction of its own (services/api_clients/usage.py): a write
    or a refusal (401/403) as its own `api_call` event; a read counted into its minute's
    `api_reads` event."""
    with session_scope() as session:
        client = session.get(ApiClient, client_id)
        if client is None:
            return
        if read and status not in (401, 403):
            record_read_call(session, client=client, endpoint=name, status=status)
        else:
            record_write_call(session, client=client, endpoint=name, status=status)


class ErrorStyle(Protocol):
    """How an entrance (SCIM or REST) words a refusal."""

    def refusal(self, request: Request, refusal: ApiRefusal) -> Response: ...

    def service_error(self, request: Request, error: ServiceError) -> Response: ...


async def respond(
    request: Request,
    *,
    scope: str,
    name: str,
    work: Callable[[Call], Response],
    style: ErrorStyle,
    read: bool | None = None,
) -> Response:
    """Authenticate, limit, read the body, run `work` in one transaction off the loop, audit.

    `work` returns the response; a ServiceError or ApiRefusal it raises rolls the
    transaction back and is worded by `style`. `name` is a constant naming the endpoint
    (it goes into the audit detail). `read`: the call changes nothing (default: a GET),
    so it is audited per client and minute rather than one event per call.
    """
    client_id: int | None = None
    try:
        client_id = await run_in_threadpool(_authenticate, bearer_of(request), scope)
        try:
            check_client_rate(client_id=client_id)
        except ClientRateLimited:
            raise ApiRefusal(429, "api.rate_limited", "tooMany") from None
        body = await read_body(request)
        response = await run_in_threadpool(_in_transaction, client_id, body, work)
    except ApiRefusal as refusal:
        client_id = client_id or refusal.client_id
        response = style.refusal(request, refusal)
    except ServiceError as error:
        response = style.service_error(request, error)
    if client_id is not None:
        is_read = request.method == "GET" if read is None else read
        await run_in_threadpool(record_outcome, client_id, name, response.status_code, read=is_read)
    return response


def _in_transaction(client_id: int, body: bytes, work: Callable[[Call], Response]) -> Response:
    with session_scope() as session:
        client = session.get(ApiClient, client_id)
        if client is None or client.revoked_at is not None:  # revoked a moment ago
            raise ApiRefusal(401, "api.unauthorized")
        _stamp_audit(session, client_id)
        call = Call(session=session, actor=actor_for_client(client), client_id=client_id, body=body)
        return work(call)

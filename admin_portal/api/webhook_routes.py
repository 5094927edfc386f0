"""POST /webhooks/resend: Resend's reports about sent mail (delivered, bounced, complained, ...).

Public, but nothing is believed before the Svix signature is checked (Resend signs its
webhooks through Svix, with the endpoint's `whsec_` secret, ADMIN_PORTAL_RESEND_WEBHOOK_SECRET):
- no secret configured: 404, the endpoint does not exist;
- a body over WEBHOOK_MAX_BODY_BYTES: 413, before it is read further;
- no, a wrong or a stale signature (svix-timestamp more than 5 minutes off, Svix's
  tolerance, which also bounds a replay): 401, nothing is recorded;
- otherwise the event is recorded once per svix-id (mail.provider_events) and answered 200,
  also for an event about mail this deployment does not know (Svix would retry forever).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from svix.webhooks import Webhook, WebhookVerificationError

from admin_portal import wiring
from admin_portal.config import get_settings
from admin_portal.db import session_scope
from admin_portal.mail.provider_events import record_provider_event
from admin_portal.models import utcnow

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/resend"
# Resend's event bodies are a few kilobytes (ids, addresses, subject, tags).
WEBHOOK_MAX_BODY_BYTES = 64 * 1024
_SIGNED_HEADERS = ("svix-id", "svix-timestamp", "svix-signature")


class _TooLarge(Exception):
    pass


async def _read_capped(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > WEBHOOK_MAX_BODY_BYTES:
        raise _TooLarge
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > WEBHOOK_MAX_BODY_BYTES:
            raise _TooLarge  # a lying Content-Length is caught here
    return body


def _answer(status: int, message: str) -> Response:
    return JSONResponse({"message": message}, status_code=status)


def verified_payload(secret: str, body: bytes, headers: dict[str, str]) -> Any:
    """The parsed body when the Svix signature over it holds; else None.

    Any malformed header or body counts as unsigned: the library raises ValueErrors
    (bad base64, no comma in a signature, a body that is no UTF-8) besides its own error.
    """
    try:
        Webhook(secret).verify(body, headers)
        return json.loads(body)
    except (WebhookVerificationError, ValueError):
        return None


def _record(webhook_id: str, payload: Any) -> str:
    with session_scope() as session:
        # The hooks the composition root wires, passed here because the web process does
        # not run the worker's install().
        result = record_provider_event(
            session,
            webhook_id=webhook_id,
            payload=payload,
            now=utcnow(),
            hooks=wiring.DELIVERY_HOOKS,
        )
    return str(result)


async def resend_webhook(request: Request) -> Response:
    """Record one signed Resend event; see the module note for every answer."""
    secret = get_settings().resend_webhook_secret
    if not secret:
        return _answer(404, "Not found.")
    try:
        body = await _read_capped(request)
    except _TooLarge:
        return _answer(413, "Body too large.")
    headers = {name: request.headers.get(name, "") for name in _SIGNED_HEADERS}
    payload = verified_payload(secret, body, headers)
    if payload is None:
        logger.warning("resend webhook refused: missing, wrong or stale signature")
        return _answer(401, "Invalid signature.")
    result = await run_in_threadpool(_record, headers["svix-id"], payload)
    return _answer(200, result)


webhook_routes = [Route(WEBHOOK_PATH, resend_webhook, methods=["POST"])]

"""The fake Resend's webhook calls: Resend's event bodies, signed as Svix signs them.

Signed by hand from the Standard Webhooks spec (HMAC-SHA256 over ``"{id}.{timestamp}.{body}"``
with the base64 secret after ``whsec_``, sent as ``v1,<base64>``), not with the library the
portal verifies with: a test then shows the two agree, not that a library agrees with itself.
No admin_portal import, so the fake process can use it.

The fake server (tests/support/fake_resend.py) started with ``--webhook-url`` and
``--webhook-secret`` sends one on request::

    POST /_test/webhook   {"type": "email.delivered", "to": "person@example.org"}
                          -> {"status": <the app's answer>, "svix_id": "msg_..."}

naming the latest mail it delivered to that address by the id it answered the send with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# What the e2e app and the unit tests configure as ADMIN_PORTAL_RESEND_WEBHOOK_SECRET.
TEST_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"fake-resend-webhook-secret-32byt").decode()
EVENT_TYPES = (
    "email.sent",
    "email.delivered",
    "email.delivery_delayed",
    "email.bounced",
    "email.complained",
)


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The svix-signature header value for this call."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def event_body(event_type: str, email_id: str, to: Sequence[str] = ()) -> dict[str, Any]:
    """An event as Resend sends it (the fields the portal reads, and some it does not)."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    data: dict[str, Any] = {
        "created_at": now,
        "email_id": email_id,
        "from": "Admin Portal <no-reply@admin-portal.local>",
        "to": list(to),
        "subject": "(fake)",
    }
    if event_type == "email.bounced":
        data["bounce"] = {
            "message": "The recipient's mail server permanently rejected the email.",
            "subType": "Suppressed",
            "type": "Permanent",
        }
    return {"type": event_type, "created_at": now, "data": data}


@dataclass(frozen=True)
class SignedCall:
    """One webhook request: its body and headers (tests may tamper with either)."""

    body: bytes
    headers: dict[str, str]


def signed_call(
    secret: str,
    payload: dict[str, Any],
    *,
    msg_id: str | None = None,
    timestamp: int | None = None,
) -> SignedCall:
    """The body and the three svix-* headers of a correctly signed call."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    body = json.dumps(payload).encode()
    return SignedCall(
        body=body,
        headers={
            "svix-id": msg_id,
            "svix-timestamp": str(timestamp),
            "svix-signature": sign(secret, msg_id, timestamp, body),
            "content-type": "application/json",
        },
    )


def post(url: str, call: SignedCall, *, timeout: float = 10) -> int:
    """POST the call to the app; returns the HTTP status (errors included)."""
    request = urllib.request.Request(url, data=call.body, headers=call.headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _recipients(mail: dict[str, Any]) -> list[str]:
    to = mail.get("to", [])
    return [to] if isinstance(to, str) else list(to)


def send_for_recipient(
    delivered: Sequence[dict[str, Any]], url: str, secret: str, event_type: str, to: str
) -> tuple[int, str]:
    """Send `event_type` about the latest delivered mail to `to`; (status, svix-id).

    Returns (404, "") when the fake delivered nothing to that address.
    """
    mine = [m for m in delivered if to.lower() in (r.lower() for r in _recipients(m))]
    if not mine:
        return 404, ""
    call = signed_call(secret, event_body(event_type, mine[-1]["id"], [to]))
    return post(url, call), call.headers["svix-id"]


def answer_control(
    delivered: Sequence[dict[str, Any]], url: str | None, secret: str | None, spec: Any
) -> tuple[int, Any]:
    """The fake server's answer to ``POST /_test/webhook`` (see the module note)."""
    if not (url and secret):
        return 409, {"message": "started without --webhook-url and --webhook-secret"}
    spec = spec if isinstance(spec, dict) else {}
    status, svix_id = send_for_recipient(
        delivered, url, secret, str(spec.get("type", "")), str(spec.get("to", ""))
    )
    return 200, {"status": status, "svix_id": svix_id}

"""What an idempotency key looks like once the Resend sender has put the deployment's prefix on."""

from __future__ import annotations

from admin_portal.config import get_settings


def sent_key(key: str) -> str:
    """The key Resend receives for an outbox key (a row's or a batch's)."""
    return f"{get_settings().idempotency_prefix}-{key}"

"""Handler-table rows of Resend's webhooks (issue 14, "Mail delivery as the admin sees it")."""

from __future__ import annotations

from tests.support.handler_table import Access, public

HANDLERS: dict[str, Access] = {}  # no Reflex event handler of its own

ROUTES: dict[str, Access] = {
    # No cookie or persona grants anything: only a valid Svix signature made with
    # ADMIN_PORTAL_RESEND_WEBHOOK_SECRET is believed (else 401, nothing recorded); 404 when
    # no secret is set. tests/unit/test_resend_webhooks.py covers every refusal.
    "/webhooks/resend": public("Resend's delivery webhooks: Svix-signed, checked before use"),
}

"""API-klienter (head administrators): create, rotate and revoke machine credentials.

The new secret is shown once: it lives in `secret` only until the dialog is closed or the
page is left, never in a backend var or the database (which keeps only its hash).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.models import ApiScope
from admin_portal.services.api_clients import (
    create_api_client,
    list_api_clients,
    revoke_api_client,
    rotate_api_client,
)
from admin_portal.state.session import HEAD_ADMIN, SessionState

SCOPES = [s.value for s in ApiScope]


class ApiClientsState(SessionState):
    clients: list[dict[str, Any]] = []
    secret: str = ""
    secret_for: str = ""
    error: str = ""
    notice: str = ""
    form_version: int = 0

    def _head_admin(self) -> Actor | None:
        return self._authorized(HEAD_ADMIN)

    def _reload(self, actor: Actor) -> None:
        with session_scope() as session:
            rows = list_api_clients(session, actor=actor)
        self.clients = [
            {
                "id": r.id,
                "name": r.name,
                "scopes": ", ".join(r.scopes),
                "hint": r.secret_hint + "…",
                "created_at": r.created_at,
                "last_used_at": r.last_used_at or "–",
                "revoked": r.revoked,
            }
            for r in rows
        ]

    @rx.event
    def load(self):
        """on_load: the organisation's clients. A secret never survives a page load."""
        self.secret = self.secret_for = self.error = self.notice = ""
        actor = self._head_admin()
        if actor is None:
            self.clients = []
            return
        self._reload(actor)

    @rx.event
    def create(self, form: dict[str, Any]):
        """The form sends a name and one checkbox per scope; the service checks both."""
        data = form if isinstance(form, dict) else {}
        scopes = [s for s in SCOPES if data.get(f"scope_{s}") in ("on", True, "true")]
        with self._service(HEAD_ADMIN, error="error") as call:
            created = create_api_client(
                call.session, actor=call.actor, name=data.get("name"), scopes=scopes
            )
        if not call.ok:
            return
        self.error = ""
        self.notice = self._text("api_clients.created_toast")
        self.secret, self.secret_for = created.secret, str(data.get("name", ""))[:100]
        self.form_version += 1
        self._reload(call.actor)

    @rx.event
    def rotate(self, client_id: int):
        with self._service(HEAD_ADMIN, error="error") as call:
            rotated = rotate_api_client(call.session, actor=call.actor, client_id=client_id)
        if not call.ok:
            return
        self.error = ""
        self.notice = self._text("api_clients.rotated_toast")
        self.secret = rotated.secret
        self.secret_for = next((c["name"] for c in self.clients if c["id"] == client_id), "")
        self._reload(call.actor)

    @rx.event
    def revoke(self, client_id: int):
        with self._service(HEAD_ADMIN, error="error") as call:
            revoke_api_client(call.session, actor=call.actor, client_id=client_id)
        if not call.ok:
            return
        self.error = ""
        self.notice = self._text("api_clients.revoked_toast")
        self._reload(call.actor)

    @rx.event
    def close_secret(self):
        """UI-only: forget the shown secret (it cannot be shown again)."""
        self.secret = self.secret_for = ""

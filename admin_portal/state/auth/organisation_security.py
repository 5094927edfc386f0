"""Säkerhet on Mitt konto (head administrators): require two-factor of every administrator."""

from __future__ import annotations

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.auth.two_factor import (
    get_admin_two_factor_requirement,
    set_admin_two_factor_requirement,
)
from admin_portal.state.session import HEAD_ADMIN, SessionState


class OrganisationSecurityState(SessionState):
    shown: bool = False
    requires_two_factor: bool = False
    error: str = ""
    notice: str = ""

    def _fill(self, actor: Actor | None) -> None:
        """Mitt konto's on_load (TwoFactorState.load) for everyone signed in: the section
        shows for head admins only."""
        self.error = self.notice = ""
        if actor is not None and not actor.is_head_admin:
            actor = None
        self.shown = actor is not None
        if actor is None:
            self.requires_two_factor = False
            return
        with session_scope() as session:
            self.requires_two_factor = get_admin_two_factor_requirement(session, actor=actor)

    @rx.event
    def set_requirement(self, required: bool):
        """Any client may send anything here: the service checks the role and the value."""
        with self._service(HEAD_ADMIN, error="error") as call:
            self.requires_two_factor = set_admin_two_factor_requirement(
                call.session, actor=call.actor, required=required
            )
        if call.refused:
            self.shown = False
        if not call.ok:
            return
        self.error = ""
        self.notice = self._text(
            "security.requirement_on" if self.requires_two_factor else "security.requirement_off"
        )

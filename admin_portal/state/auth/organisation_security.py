"""Säkerhet on Mitt konto (head administrators): require two-factor of every administrator."""

from __future__ import annotations

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.auth.two_factor import (
    get_admin_two_factor_requirement,
    set_admin_two_factor_requirement,
)
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.state.session import HEAD_ADMIN, SIGNED_IN, SessionState


class OrganisationSecurityState(SessionState):
    shown: bool = False
    requires_two_factor: bool = False
    error: str = ""
    notice: str = ""

    def _head_admin(self) -> Actor | None:
        return self._authorized(HEAD_ADMIN)

    @rx.event
    def load(self):
        """Mitt konto's on_load for everyone signed in: the section shows for head admins only."""
        self.error = self.notice = ""
        actor = self._authorized(SIGNED_IN)
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
        actor = self._head_admin()
        if actor is None:
            self.shown = False
            return
        try:
            with session_scope() as session:
                self.requires_two_factor = set_admin_two_factor_requirement(
                    session, actor=actor, required=required
                )
        except ValidationFailed as failure:
            self.error = self._text(next(iter(failure.errors.values())))
            return
        except ServiceError as refusal:
            self.error = self._text(refusal.key)
            return
        self.error = ""
        self.notice = self._text(
            "security.requirement_on" if self.requires_two_factor else "security.requirement_off"
        )

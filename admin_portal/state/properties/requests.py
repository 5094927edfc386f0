"""Mina begäranden (/boenden/begaran): Begär primärt konto, Begär ägarbyte, Säg upp avtal,
and the status of each request as support handles it (F2.8)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.errors import ServiceError
from admin_portal.services.properties import (
    account_overview,
    list_my_requests,
    request_ownership_change,
    request_primary_account,
    request_termination,
)
from admin_portal.state.properties.common import form_text
from admin_portal.state.session import SIGNED_IN, SessionState


class PropertyRequestsState(SessionState):
    requests: list[dict] = []
    is_primary: bool = False
    properties: list[dict] = []  # the own agreement's properties, for Begär ägarbyte
    page_error: str = ""

    def _fill(self, actor: Actor) -> None:
        with session_scope() as session:
            overview = account_overview(session, actor=actor)
            rows = list_my_requests(session, actor=actor)
        self.is_primary = overview.is_primary
        self.properties = (
            [{"id": str(pid), "name": name} for pid, name in overview.administered]
            if overview.is_primary
            else []
        )
        self.requests = [dataclasses.asdict(r) for r in rows]

    @rx.event
    def load(self):
        actor = self._authorized(SIGNED_IN)
        self.page_error = ""
        if actor is None:
            self.requests, self.properties = [], []
            return self._to_login()
        who = self._signed_in()
        if who is not None:
            self._show(who)
        self._fill(actor)
        return None

    def _done(self, actor: Actor, refused: ServiceError | None):  # type: ignore[no-untyped-def]
        self._fill(actor)
        if refused is not None:
            self.page_error = self._text(refused.key)
            return None
        return rx.toast.success(self._text("properties.request.sent"))

    @rx.event
    def send_primary(self, form: dict):
        actor = self._authorized(SIGNED_IN)
        self.page_error = ""
        if actor is None:
            return self._to_login()
        try:
            with session_scope() as session:
                request_primary_account(session, actor=actor, message=form_text(form, "message"))
        except ServiceError as refused:
            return self._done(actor, refused)
        return self._done(actor, None)

    @rx.event
    def send_ownership(self, form: dict):
        actor = self._authorized(SIGNED_IN)
        self.page_error = ""
        if actor is None:
            return self._to_login()
        try:
            with session_scope() as session:
                request_ownership_change(
                    session,
                    actor=actor,
                    property_id=form_text(form, "property_id"),
                    target_agreement_number=form_text(form, "target"),
                    message=form_text(form, "message"),
                )
        except ServiceError as refused:
            return self._done(actor, refused)
        return self._done(actor, None)

    @rx.event
    def send_termination(self, form: dict):
        actor = self._authorized(SIGNED_IN)
        self.page_error = ""
        if actor is None:
            return self._to_login()
        try:
            with session_scope() as session:
                request_termination(session, actor=actor, message=form_text(form, "message"))
        except ServiceError as refused:
            return self._done(actor, refused)
        return self._done(actor, None)

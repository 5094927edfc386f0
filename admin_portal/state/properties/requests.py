"""Mina begäranden (/boenden/begaran): Begär primärt konto, Begär ägarbyte, Säg upp avtal,
and the status of each request as support handles it (F2.8)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.properties import (
    account_overview,
    list_my_requests,
    request_ownership_change,
    request_primary_account,
    request_termination,
)
from admin_portal.state.properties.common import form_text
from admin_portal.state.service_call import ServiceCall
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
        who, actor = self._authorize(SIGNED_IN)
        self.page_error = ""
        if actor is None:
            self.requests, self.properties = [], []
            return self._to_login()
        if who is not None:
            self._show(who)
        self._fill(actor)
        return None

    def _done(self, call: ServiceCall):  # type: ignore[no-untyped-def]
        if call.refused:
            return self._to_login()
        self._fill(call.actor)
        return None if call.error else rx.toast.success(self._text("properties.request.sent"))

    @rx.event
    def send_primary(self, form: dict):
        self.page_error = ""
        with self._service(SIGNED_IN, error="page_error") as call:
            request_primary_account(
                call.session, actor=call.actor, message=form_text(form, "message")
            )
        return self._done(call)

    @rx.event
    def send_ownership(self, form: dict):
        self.page_error = ""
        with self._service(SIGNED_IN, error="page_error") as call:
            request_ownership_change(
                call.session,
                actor=call.actor,
                property_id=form_text(form, "property_id"),
                target_agreement_number=form_text(form, "target"),
                message=form_text(form, "message"),
            )
        return self._done(call)

    @rx.event
    def send_termination(self, form: dict):
        self.page_error = ""
        with self._service(SIGNED_IN, error="page_error") as call:
            request_termination(call.session, actor=call.actor, message=form_text(form, "message"))
        return self._done(call)

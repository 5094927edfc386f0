"""Kundtjänst: the Boenden requests (F2.8) beside the support inbox. Support staff only."""

from __future__ import annotations

import dataclasses

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.properties import (
    approve_request,
    link_property_exception_by_names,
    list_property_requests,
    reject_request,
)
from admin_portal.state.properties.common import form_text
from admin_portal.state.service_call import ServiceCall
from admin_portal.state.session import SUPPORT, SessionState


class PropertySupportState(SessionState):
    requests: list[dict] = []

    def _fill(self, actor: Actor) -> None:
        with session_scope() as session:
            self.requests = [
                dataclasses.asdict(r) for r in list_property_requests(session, actor=actor)
            ]

    @rx.event
    def load(self):
        actor = self._authorized(SUPPORT)
        if actor is None:
            self.requests = []
            return
        self._fill(actor)

    def _done(self, call: ServiceCall, done_key: str, *, refill: bool = True):  # type: ignore[no-untyped-def]
        if call.refused:
            self.requests = []
            return rx.toast.error(self._text("error.not_found"))
        if refill:
            self._fill(call.actor)
        return call.toast(done_key)

    @rx.event
    def approve(self, form: dict):
        with self._service(SUPPORT) as call:
            approve_request(
                call.session,
                actor=call.actor,
                request_id=form_text(form, "request_id"),
                agreement_number=form_text(form, "agreement_number"),
            )
        return self._done(call, "properties.support.done")

    @rx.event
    def reject(self, request_id: str):
        with self._service(SUPPORT) as call:
            reject_request(call.session, actor=call.actor, request_id=request_id)
        return self._done(call, "properties.support.done")

    @rx.event
    def link_exception(self, form: dict):
        """F2.9: link a property outside the agreement to a primary account (recorded)."""
        with self._service(SUPPORT) as call:
            link_property_exception_by_names(
                call.session,
                actor=call.actor,
                username=form_text(form, "username"),
                agreement_number=form_text(form, "agreement_number"),
                property_name=form_text(form, "property_name"),
                reason=form_text(form, "reason"),
                note=form_text(form, "note"),
            )
        return self._done(call, "properties.support.linked", refill=False)

"""Mina tjänster, "Välj terapeut" (F4.5): the employee chooses the therapist of an order.

Whose orders: the session cookie decides, never the client. The order and therapist ids
arrive from the browser; services/catalogue/therapists.py checks both.
"""

from __future__ import annotations

import reflex as rx

from admin_portal.db import session_scope
from admin_portal.services.catalogue.therapists import (
    choose_therapist,
    list_my_choices,
    list_therapists,
)
from admin_portal.services.errors import ServiceError
from admin_portal.state.session import SIGNED_IN, SessionState


class TherapistChoiceState(SessionState):
    choices: list[dict[str, str]] = []
    therapists: list[dict[str, str]] = []
    errors: dict[str, str] = {}

    def _load(self, actor) -> None:  # type: ignore[no-untyped-def]
        with session_scope() as session:
            choices = list_my_choices(session, actor=actor)
            therapists = list_therapists(session, actor=actor) if choices else []
        self.choices = [
            {
                "order_id": str(c.order_id),
                "service_sv": c.service_sv,
                "service_en": c.service_en,
                "therapist_id": str(c.therapist_id or ""),
                "therapist": c.therapist,
            }
            for c in choices
        ]
        self.therapists = [{"id": str(t.id), "label": t.name} for t in therapists]

    @rx.event
    def load(self):
        actor = self._authorized(SIGNED_IN)
        if actor is None:
            self.choices, self.therapists, self.errors = [], [], {}
            return None  # MyServicesState.load sends the visitor to Logga in
        self.errors = {}
        self._load(actor)
        return None

    @rx.event
    def choose(self, form: dict):
        actor = self._authorized(SIGNED_IN)
        if actor is None:
            self.choices, self.therapists = [], []
            return None
        data = form if isinstance(form, dict) else {}
        order_id = data.get("order_id", "")
        key = order_id if isinstance(order_id, str) else ""
        try:
            with session_scope() as session:
                name = choose_therapist(
                    session,
                    actor=actor,
                    order_id=order_id,
                    therapist_id=data.get("therapist_id", ""),
                )
        except ServiceError as problem:
            self.errors = {key: self._text(problem.key)} if key else {}
            self._load(actor)
            return None
        self.errors = {}
        self._load(actor)
        return rx.toast.success(self._text("therapist.chosen", name=name))

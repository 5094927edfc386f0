"""Mina tjänster, "Välj terapeut" (F4.5): the employee chooses the therapist of an order.

Whose orders: the session cookie decides, never the client. The order and therapist ids
arrive from the browser; services/catalogue/therapists.py checks both.
"""

from __future__ import annotations

import reflex as rx

from admin_portal.services.catalogue.therapists import (
    choose_therapist,
    list_my_choices,
    list_therapists,
)
from admin_portal.state.session import SIGNED_IN, SessionState


class TherapistChoiceState(SessionState):
    choices: list[dict[str, str]] = []
    therapists: list[dict[str, str]] = []
    errors: dict[str, str] = {}

    def _reload(self) -> None:
        """The caller's own orders that need a therapist, and whom they may choose."""
        with self._service(SIGNED_IN) as call:
            choices = list_my_choices(call.session, actor=call.actor)
            therapists = list_therapists(call.session, actor=call.actor) if choices else []
        if not call.ok:
            self.choices, self.therapists = [], []
            return
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
        # A visitor is sent to Logga in by MyServicesState.load, the page's first on_load.
        self.errors = {}
        self._reload()

    @rx.event
    def choose(self, form: dict):
        data = form if isinstance(form, dict) else {}
        order_id = data.get("order_id", "")
        with self._service(SIGNED_IN) as call:
            name = choose_therapist(
                call.session,
                actor=call.actor,
                order_id=order_id,
                therapist_id=data.get("therapist_id", ""),
            )
        if call.refused:
            self.choices, self.therapists, self.errors = [], [], {}
            return None
        key = order_id if isinstance(order_id, str) else ""
        self.errors = {key: call.message()} if call.error and key else {}
        self._reload()
        if call.error:
            return None
        return rx.toast.success(self._text("therapist.chosen", name=name))

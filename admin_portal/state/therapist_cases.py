"""Terapeut (/terapeut): the cases a therapist was chosen for, and each case's text (F4.5).

Only therapists; to everyone else the page says "not found". The case text is read from
the database on each opening (each read is audited by the service) and dropped from the
tab's state when the dialog closes.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from admin_portal.db import session_scope
from admin_portal.services.catalogue.therapists import list_my_cases, read_case
from admin_portal.state.session import THERAPIST, SessionState


class TherapistCasesState(SessionState):
    allowed: bool = False
    rows: list[dict[str, str]] = []
    case_open: bool = False
    case_person: str = ""
    case_service_sv: str = ""
    case_service_en: str = ""
    case_fields: list[dict[str, str]] = []

    def _close(self) -> None:
        self.case_open = False
        self.case_person = self.case_service_sv = self.case_service_en = ""
        self.case_fields = []

    def _deny(self) -> None:
        self.allowed, self.rows = False, []
        self._close()

    @rx.event
    def on_open(self):
        who, actor = self._authorize(THERAPIST)
        if who is None:
            self._deny()
            return self._to_login()
        self._show(who)
        self._close()
        if actor is None:
            self._deny()
            return None
        # The session is resolved once (above); the list itself refuses nobody it was given.
        with session_scope() as session:
            cases = list_my_cases(session, actor=actor)
        self.allowed = True
        self.rows = [{k: str(v) for k, v in dataclasses.asdict(c).items()} for c in cases]
        return None

    @rx.event
    def open_case(self, order_id: str):
        with self._service(THERAPIST) as call:
            case = read_case(call.session, actor=call.actor, order_id=order_id, lang=self.lang)
        if call.refused:
            self._deny()
            return None
        if call.error:
            self._close()
            return rx.toast.error(call.message())
        self.case_person = case.person
        self.case_service_sv, self.case_service_en = case.service_sv, case.service_en
        self.case_fields = [{"label": label, "text": text} for label, text in case.fields]
        self.case_open = True
        return None

    @rx.event
    def set_case_open(self, value: bool):
        """Closing forgets the text: it is read again (and audited again) on the next opening."""
        if value is not True:
            self._close()

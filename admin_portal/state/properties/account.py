"""The account menu (Användarkonto): whether the signed-in account is a primary account."""

from __future__ import annotations

import reflex as rx

from admin_portal.services.properties import account_overview
from admin_portal.state.session import SIGNED_IN, SessionState


class PropertyAccountState(SessionState):
    is_primary: bool = False
    agreement_number: str = ""
    account_loaded: bool = False

    @rx.event
    def load_account(self, is_open: bool = True):
        """When the menu opens: the label "primärt konto" is derived from the agreement."""
        with self._service(SIGNED_IN, catch=()) as call:
            overview = account_overview(call.session, actor=call.actor, limit=1)
        if call.refused:
            self.is_primary, self.agreement_number, self.account_loaded = False, "", False
            return
        self.is_primary, self.agreement_number = overview.is_primary, overview.agreement_number
        self.account_loaded = True

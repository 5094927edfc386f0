"""Min organisation (F4.1, F4.2, F4.6): the unit switcher, Inbjudna / Registrerade, and credits.

Each handler is an entrance: it re-derives the actor from the cookie, calls one service and
shows the outcome. Unit, invitation, user and order ids arrive from the browser, so the
services check every one of them against the actor's scope.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import reflex as rx

from admin_portal import routes
from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.errors import ValidationFailed
from admin_portal.services.invitations.catalogue import list_cost_centres
from admin_portal.services.invitations.invite import (
    add_credits,
    resend_invitation,
    revoke_invitation,
)
from admin_portal.services.invitations.lists import (
    invited_page,
    list_orders,
    registered_page,
)
from admin_portal.services.invitations.unit_switcher import administered_units, choose_unit
from admin_portal.state.session import ADMIN, SessionState
from admin_portal.validation.ids import parse_id

CREDIT_FIELDS = ("order_id", "credits", "cost_centre_id")
TABS = ("invited", "registered")


def _moment(value) -> str:  # type: ignore[no-untyped-def]
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _count(value: int, lang: str) -> str:
    """Thousands grouped as each language writes them: 1 234 (no-break space) or 1,234."""
    grouped = f"{value:,}"
    return grouped if lang == "en" else grouped.replace(",", "\u00a0")


class MyOrganisationState(SessionState):
    # The switcher's choice survives a visit elsewhere; the URL (?enhet=) wins when present.
    saved_unit: str = rx.LocalStorage("", name="admin_portal_unit", sync=True)
    unit_id: str = ""
    unit_name: str = ""
    company_name: str = ""
    units: list[dict[str, str]] = []
    invited: list[dict[str, str]] = []
    registered: list[dict[str, str]] = []
    tab: str = "invited"
    # Paging and search per tab (keyset: the services' cursors stay server-side).
    # "1 234" (sv) / "1,234" (en): the whole tab's count for the unit, shown on the tab.
    tab_counts: dict[str, str] = dict.fromkeys(TABS, "0")
    queries: dict[str, str] = dict.fromkeys(TABS, "")
    page_numbers: dict[str, int] = dict.fromkeys(TABS, 1)
    has_next: dict[str, bool] = dict.fromkeys(TABS, False)
    _cursors: dict[str, str | None] = dict.fromkeys(TABS)
    _next_cursors: dict[str, str | None] = dict.fromkeys(TABS)
    _previous: dict[str, list[str | None]] = {tab: [] for tab in TABS}
    # "Lägg till krediter"
    credits_open: bool = False
    credits_person: str = ""
    credit_orders: list[dict[str, str]] = []
    cost_centres: list[dict[str, str]] = []
    credit_errors: dict[str, str] = dict.fromkeys(CREDIT_FIELDS, "")
    credit_form_error: str = ""

    def _requested_unit(self) -> str:
        values = parse_qs(self.router.url.query or "").get("enhet")
        return values[0] if values else self.saved_unit

    @rx.event
    def load(self):
        with self._service(ADMIN, catch=()) as call:
            options = administered_units(call.session, actor=call.actor)
            choice = choose_unit(call.session, actor=call.actor, requested=self._requested_unit())
        if call.refused:
            return None
        actor = call.actor
        self.units = [{"id": str(o.id), "label": o.label} for o in options]
        self.tab = "invited"
        return self._show_unit(actor, choice.id if choice else None, reset=True)

    def _reset_paging(self, tab: str | None = None) -> None:
        for name in (tab,) if tab else TABS:
            if tab is None:
                self.queries = {**self.queries, name: ""}
            self._cursors = {**self._cursors, name: None}
            self._next_cursors = {**self._next_cursors, name: None}
            self._previous = {**self._previous, name: []}
            self.page_numbers = {**self.page_numbers, name: 1}

    def _show_unit(self, actor: Actor, unit_id: int | None, *, reset: bool = False):  # type: ignore[no-untyped-def]
        if reset:
            self._reset_paging()
        if unit_id is None:
            self.unit_id = self.unit_name = self.company_name = ""
            self.invited, self.registered = [], []
            self.tab_counts = dict.fromkeys(TABS, "0")
            return None
        with session_scope() as session:
            choice = choose_unit(session, actor=actor, requested=unit_id)
            if choice is None:
                return None
            invited_tab = invited_page(
                session,
                actor=actor,
                unit_id=choice.id,
                query=self.queries.get("invited", ""),
                cursor=self._cursors.get("invited"),
                lang=self.lang,
            )
            registered_tab = registered_page(
                session,
                actor=actor,
                unit_id=choice.id,
                query=self.queries.get("registered", ""),
                cursor=self._cursors.get("registered"),
                lang=self.lang,
            )
        invited, registered = invited_tab.rows, registered_tab.rows
        self.tab_counts = {
            "invited": _count(invited_tab.total, self.lang),
            "registered": _count(registered_tab.total, self.lang),
        }
        self._next_cursors = {
            "invited": invited_tab.next_cursor,
            "registered": registered_tab.next_cursor,
        }
        self.has_next = {tab: self._next_cursors[tab] is not None for tab in TABS}
        self.unit_id, self.unit_name, self.company_name = (
            str(choice.id),
            choice.name,
            choice.company_name,
        )
        self.saved_unit = str(choice.id)
        self.invited = [
            {
                "id": str(r.id),
                "name": r.name,
                "email": r.email,
                "role": r.role,
                "status": r.status,
                "delivery": r.delivery,
                "sent": _moment(r.sent_at),
                "expires": _moment(r.expires_at),
                "invited_by": r.invited_by,
                "services": r.services,
            }
            for r in invited
        ]
        self.registered = [
            {
                "id": str(r.id),
                "name": r.name,
                "username": r.username,
                "email": r.email,
                "role": r.role,
                "services": r.services,
            }
            for r in registered
        ]
        # The URL says which unit is shown, without a reload (and so without a new on_load).
        url = routes.organisation_unit(choice.id)
        return rx.call_script(f"window.history.replaceState(null, '', {url!r})")

    @rx.event
    def switch_unit(self, unit_id: str):
        # choose_unit falls back to a unit in scope: a forged id shows the admin's own unit.
        with self._service(ADMIN, catch=()) as call:
            choice = choose_unit(call.session, actor=call.actor, requested=unit_id)
        if call.refused:
            return rx.redirect(routes.LOGIN)
        return self._show_unit(call.actor, choice.id if choice else None, reset=True)

    @rx.event
    def set_tab(self, tab: str):
        self.tab = tab if tab in ("invited", "registered") else "invited"

    # ------------------------------------------------------------------ search and paging

    @rx.event
    def search(self, tab: str, form: dict):
        """Sök in one tab: name or e-mail (Registrerade: also username); back to page one."""
        actor = self._authorized(ADMIN)  # re-checked by the services on every page
        if actor is None:
            return rx.redirect(routes.LOGIN)
        if tab not in TABS:
            return None
        text = form.get("q", "") if isinstance(form, dict) else ""
        self.queries = {**self.queries, tab: text[:200] if isinstance(text, str) else ""}
        self._reset_paging(tab)
        return self._refresh(actor)

    @rx.event
    def next_page(self, tab: str):
        actor = self._authorized(ADMIN)
        if actor is None:
            return rx.redirect(routes.LOGIN)
        if tab not in TABS or self._next_cursors.get(tab) is None:
            return None
        self._previous = {**self._previous, tab: [*self._previous[tab], self._cursors[tab]]}
        self._cursors = {**self._cursors, tab: self._next_cursors[tab]}
        self.page_numbers = {**self.page_numbers, tab: self.page_numbers.get(tab, 1) + 1}
        return self._refresh(actor)

    @rx.event
    def previous_page(self, tab: str):
        actor = self._authorized(ADMIN)
        if actor is None:
            return rx.redirect(routes.LOGIN)
        if tab not in TABS or not self._previous.get(tab):
            return None
        self._cursors = {**self._cursors, tab: self._previous[tab][-1]}
        self._previous = {**self._previous, tab: self._previous[tab][:-1]}
        self.page_numbers = {**self.page_numbers, tab: max(1, self.page_numbers.get(tab, 1) - 1)}
        return self._refresh(actor)

    def _refresh(self, actor: Actor):  # type: ignore[no-untyped-def]
        return self._show_unit(actor, parse_id(self.unit_id))

    @rx.event
    def resend(self, invitation_id: str):
        return self._lifecycle(resend_invitation, invitation_id, "org.resent")

    @rx.event
    def revoke(self, invitation_id: str):
        return self._lifecycle(revoke_invitation, invitation_id, "org.revoked")

    def _lifecycle(self, action, invitation_id: object, done_key: str):  # type: ignore[no-untyped-def]
        email = next((r["email"] for r in self.invited if r["id"] == invitation_id), "")
        with self._service(ADMIN) as call:
            action(call.session, actor=call.actor, invitation_id=invitation_id)
        if call.refused:
            return rx.redirect(routes.LOGIN)
        return self._then(call.actor, call.toast(done_key, email=email))

    def _then(self, actor: Actor, toast):  # type: ignore[no-untyped-def]
        """Reload the tabs (someone else may have acted too), then say what happened."""
        return [event for event in (self._refresh(actor), toast) if event is not None]

    # ------------------------------------------------------------------ credits (F4.6)

    @rx.event
    def open_credits(self, kind: str, person_id: str):
        """kind: "invited" (an invitation id) or "registered" (a user id)."""
        rows = self.invited if kind == "invited" else self.registered
        ids = {"invitation_id": person_id} if kind == "invited" else {"user_id": person_id}
        ids = {k: parse_id(v) for k, v in ids.items()}
        with self._service(ADMIN) as call:
            actor = call.actor  # a refused call stops here
            self.credits_person = next((r["name"] for r in rows if r["id"] == person_id), "")
            orders = list_orders(call.session, actor=actor, **ids)
            centres = list_cost_centres(call.session, actor=actor)
        if call.refused:
            return rx.redirect(routes.LOGIN)
        if call.error:
            return rx.toast.error(self._text(call.error.key))
        en = self.lang == "en"
        self.credit_orders = [
            {"id": str(o.id), "label": f"{o.service_en if en else o.service_sv} ({o.credits})"}
            for o in orders
        ]
        self.cost_centres = [{"id": str(c.id), "label": c.label} for c in centres]
        self.credit_errors = dict.fromkeys(CREDIT_FIELDS, "")
        self.credit_form_error = ""
        self.credits_open = True
        return None

    @rx.event
    def set_credits_open(self, value: bool):
        self.credits_open = bool(value) if isinstance(value, bool) else False

    @rx.event
    def submit_credits(self, form: dict):
        form = form if isinstance(form, dict) else {}
        order_id = str(form.get("order_id", ""))
        amount = form.get("credits", "")
        with self._service(ADMIN) as call:
            total = add_credits(
                call.session,
                actor=call.actor,
                order_id=parse_id(order_id),
                credits=amount,
                cost_centre_id=str(form.get("cost_centre_id", "")),
            )
        if call.refused:
            return rx.redirect(routes.LOGIN)
        if isinstance(call.error, ValidationFailed):
            errors = call.error.errors
            self.credit_errors = {
                f: self._text(errors[f]) if f in errors else "" for f in CREDIT_FIELDS
            }
            self.credit_form_error = self._text("invite.fix_fields")
            return None
        if call.error:
            self.credit_errors = {**dict.fromkeys(CREDIT_FIELDS, ""), "order_id": call.message()}
            return None
        self.credits_open = False
        message = self._text("org.credits_added", credits=str(amount).strip(), total=total)
        return self._then(call.actor, rx.toast.success(message))

"""The admin sections: Användare (summary until the users issue lands) and the placeholders."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.components.layout import coming_soon
from admin_portal.state.session import SessionState


@rx.page(route="/", title="Adminportalen", on_load=SessionState.require_admin)
def index_page() -> rx.Component:
    # require_admin sends visitors on: to login, or to Mitt konto; admins land on Användare.
    return rx.fragment(rx.cond(SessionState.is_admin, rx.text(""), rx.spinner()), _go_home())


def _go_home() -> rx.Component:
    return rx.el.noscript(rx.link(tx("nav.users"), href=routes.USERS))


@rx.page(
    route=routes.ORGANISATION,
    title="Min organisation – Adminportalen",
    on_load=SessionState.require_admin,
)
def organisation_page() -> rx.Component:
    return coming_soon("nav.organisation")


@rx.page(
    route=routes.PROPERTIES, title="Boenden – Adminportalen", on_load=SessionState.require_admin
)
def properties_page() -> rx.Component:
    return coming_soon("nav.properties")


@rx.page(
    route=routes.CONTACT_CENTRE,
    title="Kontaktcenter – Adminportalen",
    on_load=SessionState.require_admin,
)
def contact_centre_page() -> rx.Component:
    return coming_soon("nav.contact_centre")

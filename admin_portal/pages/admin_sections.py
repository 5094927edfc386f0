"""The start page and the sections that are still placeholders."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.layout import coming_soon
from admin_portal.pages.loading import on_load
from admin_portal.state.session import SessionState


@rx.page(route="/", title="Adminportalen", on_load=on_load(SessionState.go_home))
def index_page() -> rx.Component:
    # go_home sends everyone on: to login, to Mitt konto, or (admins) to Användare.
    return rx.center(rx.spinner(), min_height="50vh")


@rx.page(
    route=routes.CONTACT_CENTRE,
    title="Kontaktcenter – Adminportalen",
    on_load=on_load(SessionState.require_admin),
)
def contact_centre_page() -> rx.Component:
    return coming_soon("nav.contact_centre")

"""The start page (Kontaktcenter, once a placeholder here, is pages/contact_centre/)."""

from __future__ import annotations

import reflex as rx

from admin_portal.pages.loading import on_load
from admin_portal.state.session import SessionState


@rx.page(route="/", title="Adminportalen", on_load=on_load(SessionState.go_home))
def index_page() -> rx.Component:
    # go_home sends everyone on: to login, to Mitt konto, or (admins) to Användare.
    return rx.center(rx.spinner(), min_height="50vh")

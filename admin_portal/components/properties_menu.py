"""Användarkonto: the account menu of every signed-in page (seed 002).

It says "primärt konto" under the person's name on a primary account (F2.1), leads to
Lägg till och hantera användare, and offers Begär primärt konto to everyone else.
"""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.state.properties.account import PropertyAccountState as A
from admin_portal.state.session import SessionState


def account_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user", aria_hidden="true"),
                tx("properties.menu.button"),
                variant="soft",
                size="2",
                id="account-menu-button",
            ),
        ),
        rx.menu.content(
            rx.box(
                rx.text(SessionState.display_name, weight="bold", size="2"),
                rx.cond(
                    A.is_primary,
                    rx.text(
                        tx("properties.menu.primary_label"),
                        size="1",
                        id="primary-account-label",
                        color_scheme="gray",
                        high_contrast=True,
                    ),
                ),
                padding="0.25em 0.75em",
            ),
            rx.menu.separator(),
            rx.menu.item(
                tx("properties.menu.manage_users"),
                on_select=rx.redirect(routes.PROPERTY_USERS),
            ),
            rx.menu.item(tx("properties.menu.home"), on_select=rx.redirect(routes.PROPERTIES)),
            rx.cond(
                A.account_loaded & ~A.is_primary,
                rx.menu.item(
                    tx("properties.menu.request_primary"),
                    on_select=rx.redirect(routes.PROPERTY_REQUESTS),
                ),
            ),
            rx.menu.item(
                tx("properties.menu.requests"), on_select=rx.redirect(routes.PROPERTY_REQUESTS)
            ),
        ),
        on_open_change=A.load_account,
    )

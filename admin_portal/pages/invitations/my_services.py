"""Mina tjänster (/mina-tjanster): where an invited person lands after creating the account."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.components.layout import logout_button, plain_page
from admin_portal.pages.loading import on_load
from admin_portal.state.invitations.my_services import MyServicesState as S
from admin_portal.state.session import SessionState


def _service(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.heading(
                    rx.cond(SessionState.lang == "en", row["name_en"], row["name_sv"]),
                    as_="h2",
                    size="4",
                ),
                rx.text(
                    tx("my_services.credits"),
                    ": ",
                    row["credits"].to(str),
                    " · ",
                    tx("my_services.ordered"),
                    ": ",
                    row["ordered_on"],
                    size="2",
                ),
                rx.cond(
                    row["support_contacts_you"],
                    rx.text(tx("my_services.support_contacts_you"), size="2"),
                ),
                spacing="1",
            ),
            width="100%",
        ),
    )


@rx.page(
    route=routes.MY_SERVICES,
    title="Mina tjänster – Adminportalen",
    on_load=on_load(S.load),
)
def my_services_page() -> rx.Component:
    return plain_page(
        tx("my_services.title"),
        rx.text(tx("my_services.intro")),
        rx.cond(
            S.rows.length() > 0,
            rx.el.ul(
                rx.foreach(S.rows, _service),
                id="my-services",
                style={"listStyle": "none", "padding": 0, "display": "grid", "gap": "0.75em"},
            ),
            rx.text(tx("my_services.empty"), color_scheme="gray", high_contrast=True),
        ),
        rx.hstack(
            rx.link(tx("nav.my_account"), href=routes.MY_ACCOUNT),
            rx.cond(SessionState.is_admin, rx.link(tx("nav.users"), href=routes.USERS)),
            rx.cond(
                SessionState.is_support,
                rx.link(tx("nav.support_inbox"), href=routes.SUPPORT_INBOX),
            ),
            spacing="4",
        ),
        logout_button(),
    )

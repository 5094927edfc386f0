"""Mina tjänster (/mina-tjanster): where an invited person lands after creating the account."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.components.layout import logout_button, plain_page
from admin_portal.pages.loading import on_load
from admin_portal.state.invitations.my_services import MyServicesState as S
from admin_portal.state.session import SessionState
from admin_portal.state.therapist_choice import TherapistChoiceState as T


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


def _choice(row: rx.Var) -> rx.Component:
    """F4.5: one order that needs a therapist; the choice is a small form of its own."""
    service = rx.cond(SessionState.lang == "en", row["service_en"], row["service_sv"]).to(str)
    field_id = "therapist-" + row["order_id"].to(str)
    error = T.errors.get(row["order_id"], "")
    return rx.el.li(
        rx.form(
            rx.vstack(
                rx.el.input(type="hidden", name="order_id", value=row["order_id"]),
                rx.text(
                    rx.cond(
                        row["therapist"] != "",
                        tx("therapist.your_choice", name=row["therapist"]),
                        tx("therapist.not_chosen_yet"),
                    ),
                    size="2",
                ),
                rx.el.label(
                    tx("therapist.choose_for", service=service),
                    html_for=field_id,
                    style={"fontWeight": "500"},
                ),
                rx.el.select(
                    rx.el.option(tx("therapist.choose_placeholder"), value=""),
                    rx.foreach(T.therapists, lambda t: rx.el.option(t["label"], value=t["id"])),
                    id=field_id,
                    name="therapist_id",
                    default_value=row["therapist_id"],
                    aria_describedby=field_id + "-error",
                    style={
                        "padding": "0.45em 0.5em",
                        "borderRadius": "var(--radius-2)",
                        "border": "1px solid var(--gray-7)",
                        "background": "var(--color-background)",
                        "color": "var(--gray-12)",
                    },
                ),
                rx.text(
                    error,
                    id=field_id + "-error",
                    color_scheme="red",
                    size="2",
                    role=rx.cond(error != "", "alert", "none"),
                ),
                rx.button(
                    tx("therapist.choose_button"),
                    type="submit",
                    aria_label=tx("therapist.choose_button") + ": " + service,
                ),
                spacing="2",
                align="start",
            ),
            on_submit=T.choose,
            reset_on_submit=False,
        ),
    )


def _therapist_choices() -> rx.Component:
    return rx.cond(
        T.choices.length() > 0,
        rx.vstack(
            rx.heading(tx("therapist.choose_title"), as_="h2", size="4"),
            rx.text(tx("therapist.choose_intro"), size="2"),
            rx.el.ul(
                rx.foreach(T.choices, _choice),
                id="therapist-choices",
                style={"listStyle": "none", "padding": 0, "display": "grid", "gap": "1em"},
            ),
            spacing="2",
            width="100%",
        ),
    )


@rx.page(
    route=routes.MY_SERVICES,
    title="Mina tjänster – Adminportalen",
    on_load=on_load(S.load, T.load),
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
        _therapist_choices(),
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

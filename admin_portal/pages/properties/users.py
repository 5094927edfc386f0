"""Lägg till och hantera användare (/boenden/anvandare): users and rights per property."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.components.properties_parts import right_label
from admin_portal.pages.loading import on_load
from admin_portal.state.properties.users import PropertyUsersState as S


def _flag(user: rx.Var, flag: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=flag["right"],
            default_checked=flag["on"],
            key=user["user_id"].to(str) + flag["right"].to(str) + flag["on"].to(str),
        ),
        " ",
        right_label(flag["right"]),
        style={"display": "inline-flex", "gap": "0.3em", "marginRight": "1em"},
    )


def _primary_cell(user: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(
            rx.foreach(user["rights"].to(list[str]), lambda r: rx.text.span(right_label(r), " · ")),
            size="2",
        ),
        rx.el.details(
            rx.el.summary(tx("properties.users.remove"), style={"cursor": "pointer"}),
            rx.text(tx("properties.users.primary_why"), size="2", max_width="32em"),
        ),
        spacing="1",
    )


def _ordinary_cell(user: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.form(
            rx.el.input(type="hidden", name="user_id", value=user["user_id"].to(str)),
            rx.el.fieldset(
                rx.el.legend(
                    tx("properties.users.col.rights"),
                    ": ",
                    user["name"],
                    class_name="rt-sr-only",
                    style={"position": "absolute", "left": "-9999px"},
                ),
                rx.foreach(user["flags"].to(list[dict]), lambda f: _flag(user, f)),
                style={"border": "none", "padding": 0, "margin": 0},
            ),
            rx.button(
                tx("properties.users.save"),
                type="submit",
                size="1",
                variant="soft",
                aria_label=rx.Var.create("Spara rättigheter för ") + user["name"].to(str),
            ),
            on_submit=S.save_rights,
            reset_on_submit=False,
        ),
        rx.button(
            tx("properties.users.remove"),
            size="1",
            variant="outline",
            color_scheme="red",
            on_click=S.remove(user["user_id"].to(str)),
            aria_label=rx.Var.create("Ta bort åtkomst för ") + user["name"].to(str),
        ),
        align="center",
        wrap="wrap",
    )


def _row(user: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(user["name"], weight="medium"),
                rx.cond(
                    user["is_primary"],
                    rx.badge(
                        tx("properties.users.primary_badge"),
                        color_scheme="blue",
                        high_contrast=True,
                    ),
                ),
                spacing="1",
            )
        ),
        rx.table.cell(user["username"]),
        rx.table.cell(rx.cond(user["is_primary"], _primary_cell(user), _ordinary_cell(user))),
    )


@rx.page(
    route=routes.PROPERTY_USERS,
    title="Lägg till och hantera användare – Adminportalen",
    on_load=on_load(S.load),
)
def property_users_page() -> rx.Component:
    return admin_page(
        "properties.users.title",
        rx.vstack(
            rx.link(
                rx.button(tx("properties.users.add"), tab_index=-1),
                href=routes.PROPERTY_ADD_USER,
                id="add-user",
            ),
            rx.cond(
                S.properties.length() > 0,
                rx.vstack(
                    rx.box(
                        rx.el.label(
                            tx("properties.users.property"),
                            html_for="property-choice",
                            style={"display": "block", "fontWeight": "500"},
                        ),
                        rx.el.select(
                            rx.foreach(
                                S.properties, lambda p: rx.el.option(p["name"], value=p["id"])
                            ),
                            id="property-choice",
                            value=S.selected,
                            on_change=S.choose_property,
                        ),
                    ),
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell(tx("properties.users.col.user")),
                                rx.table.column_header_cell(tx("properties.users.col.username")),
                                rx.table.column_header_cell(tx("properties.users.col.rights")),
                            )
                        ),
                        rx.table.body(rx.foreach(S.users, _row), id="property-users"),
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                rx.text(tx("properties.users.none")),
            ),
            rx.link(tx("properties.home.title"), href=routes.PROPERTIES),
            spacing="4",
            width="100%",
        ),
    )

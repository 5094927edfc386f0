"""Boenden → Hem (gruppkonto) (/boenden): the properties the account reaches (seed 002)."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.components.properties_parts import type_label, why_not_removed
from admin_portal.pages.loading import on_load
from admin_portal.state.properties.home import PropertiesHomeState as S


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["name"]),
        rx.table.cell(row["address"]),
        rx.table.cell(type_label(row["property_type"])),
        rx.table.cell(row["agreement_number"]),
        rx.table.cell(rx.cond(S.is_primary, why_not_removed(row["name"]), rx.fragment())),
    )


def _search() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.el.label(tx("properties.home.search"), html_for="property-search"),
            rx.input(id="property-search", name="q", default_value=S.query, type="search"),
            rx.button(tx("properties.home.search_button"), type="submit", variant="soft"),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        on_submit=S.search,
        reset_on_submit=False,
        role="search",
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            tx("properties.home.first"),
            variant="soft",
            disabled=S.on_first_page,
            on_click=S.first_page,
        ),
        rx.button(
            tx("properties.home.next"), variant="soft", disabled=~S.has_next, on_click=S.next_page
        ),
        spacing="3",
    )


@rx.page(route=routes.PROPERTIES, title="Boenden – Adminportalen", on_load=on_load(S.load))
def properties_home_page() -> rx.Component:
    return admin_page(
        "properties.home.title",
        rx.vstack(
            rx.hstack(
                rx.cond(
                    S.is_primary,
                    rx.text(tx("properties.home.agreement", number=S.agreement_number)),
                    rx.text(tx("properties.home.not_primary"), max_width="40em"),
                ),
                rx.spacer(),
                rx.cond(
                    S.is_primary,
                    rx.link(
                        rx.button(tx("properties.home.add"), tab_index=-1),
                        href=routes.PROPERTY_NEW,
                        id="add-property",
                    ),
                ),
                width="100%",
                align="center",
            ),
            _search(),
            rx.cond(
                S.rows.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(tx(f"properties.col.{c}"))
                                for c in ("name", "address", "type", "agreement", "actions")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(S.rows, _row), id="property-rows"),
                    aria_label=tx("properties.home.list_label"),
                    width="100%",
                ),
                rx.text(tx("properties.home.empty")),
            ),
            _pager(),
            spacing="4",
            width="100%",
        ),
    )

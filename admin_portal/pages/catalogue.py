"""Tjänstekatalog (/kundtjanst/tjanstekatalog): support staff manage each organisation's
services (issue 14). Admins only order them (Bjud in användare); to them, and to everyone
else who is not support staff, the page says "not found"."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.data_table import data_table
from admin_portal.components.forms import option, select_field, text_area, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page, page_or_not_found
from admin_portal.pages.loading import on_load
from admin_portal.state.catalogue import CatalogueState as S
from admin_portal.state.session import SessionState

_COLUMNS = (
    "name",
    "credits",
    "fields",
    "notifies",
    "therapist",
    "status",
    "orders",
    "actions",
)


def _yes_no(value: rx.Var) -> rx.Component:
    return rx.cond(value, tx("catalogue.yes"), tx("catalogue.no"))


def _row(row: rx.Var) -> rx.Component:
    name = rx.cond(SessionState.lang == "en", row["name_en"], row["name_sv"]).to(str)
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(row["name_sv"], weight="medium"),
                rx.text(row["name_en"], size="2", lang="en"),
                spacing="0",
            )
        ),
        rx.table.cell(row["credits"]),
        rx.table.cell(
            rx.text(
                rx.cond(SessionState.lang == "en", row["fields_en"], row["fields_sv"]), size="2"
            )
        ),
        rx.table.cell(_yes_no(row["notifies_support"])),
        rx.table.cell(_yes_no(row["needs_therapist"])),
        rx.table.cell(
            rx.cond(
                row["active"],
                rx.badge(tx("catalogue.active"), color_scheme="green", high_contrast=True),
                rx.badge(tx("catalogue.inactive"), color_scheme="gray", high_contrast=True),
            )
        ),
        rx.table.cell(row["orders"]),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    tx("catalogue.edit"),
                    size="1",
                    on_click=S.edit_service(row["id"]),
                    aria_label=tx("catalogue.edit") + ": " + name,
                ),
                rx.cond(
                    row["active"],
                    rx.button(
                        tx("catalogue.deactivate"),
                        size="1",
                        variant="outline",
                        color_scheme="red",
                        on_click=S.set_active(row["id"], False),
                        aria_label=tx("catalogue.deactivate") + ": " + name,
                    ),
                    rx.button(
                        tx("catalogue.activate"),
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        high_contrast=True,
                        on_click=S.set_active(row["id"], True),
                        aria_label=tx("catalogue.activate") + ": " + name,
                    ),
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
    )


def _check(field: str) -> rx.Component:
    box_id = f"catalogue-{field.replace('_', '-')}"
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=field,
            id=box_id,
            default_checked=S.form[field] == "on",
        ),
        " ",
        tx(f"catalogue.{field}"),
        html_for=box_id,
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(
                S.form_error != "",
                rx.callout(S.form_error, color_scheme="red", high_contrast=True, role="alert"),
            ),
            text_field(
                field_id="catalogue-name-sv",
                label=tx("catalogue.name_sv"),
                name="name_sv",
                error=S.errors["name_sv"],
                default_value=S.form["name_sv"],
                max_length=200,
            ),
            text_field(
                field_id="catalogue-name-en",
                label=tx("catalogue.name_en"),
                name="name_en",
                error=S.errors["name_en"],
                default_value=S.form["name_en"],
                max_length=200,
            ),
            text_field(
                field_id="catalogue-credits",
                label=tx("catalogue.credits"),
                name="credits",
                input_type="number",
                min="1",
                max="1000",
                step="1",
                error=S.errors["credits"],
                default_value=S.form["credits"],
            ),
            text_area(
                field_id="catalogue-fields",
                label=tx("catalogue.required_fields"),
                name="required_fields",
                error=S.errors["required_fields"],
                default_value=S.form["required_fields"],
                rows="4",
            ),
            rx.text(
                tx("catalogue.required_fields_hint"),
                size="1",
                color_scheme="gray",
                high_contrast=True,
            ),
            _check("notifies_support"),
            _check("needs_therapist"),
            rx.hstack(
                rx.button(tx("catalogue.save"), type="submit"),
                rx.dialog.close(rx.button(tx("catalogue.cancel"), type="button", variant="soft")),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.save,
        reset_on_submit=False,
        no_validate=True,
        key=S.form_version,
    )


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(S.form["id"] == "", tx("catalogue.new_title"), tx("catalogue.edit_title"))
            ),
            rx.dialog.description(tx("catalogue.form_intro")),
            _form(),
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def _catalogue() -> rx.Component:
    return admin_page(
        "catalogue.title",
        rx.vstack(
            rx.text(tx("catalogue.intro")),
            rx.box(
                select_field(
                    field_id="catalogue-organisation",
                    label=tx("catalogue.organisation"),
                    name="organisation",
                    options=rx.foreach(S.organisations, lambda o: option(o["id"], o["label"])),
                    value=S.organisation_id,
                    on_change=S.choose_organisation,
                ),
                max_width="420px",
                width="100%",
            ),
            rx.button(tx("catalogue.new"), on_click=S.new_service, size="3"),
            data_table(
                S.entries,
                _row,
                header_keys=[f"catalogue.col_{c}" for c in _COLUMNS],
                empty_key="catalogue.empty",
            ),
            _dialog(),
            spacing="4",
            width="100%",
        ),
    )


@rx.page(
    route=routes.SERVICE_CATALOGUE,
    title="Tjänstekatalog – Adminportalen",
    on_load=on_load(S.on_open),
)
def catalogue_page() -> rx.Component:
    return page_or_not_found(S.allowed, _catalogue())

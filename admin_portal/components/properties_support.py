"""Kundtjänst's panel of Boenden requests (F2.8): approve (with an avtals-id) or decline."""

from __future__ import annotations

import reflex as rx

from admin_portal.components.forms import option, primary_button, select_field, text_field
from admin_portal.components.i18n import tx
from admin_portal.models import ExceptionReason, RequestKind
from admin_portal.state.properties.support import PropertySupportState as P


def _kind(kind: rx.Var) -> rx.Component:
    return rx.match(
        kind, *[(k.value, tx(f"properties.request.kind.{k.value}")) for k in RequestKind], kind
    )


def _row(row: rx.Var) -> rx.Component:
    field_id = rx.Var.create("agreement-") + row["id"].to(str)
    return rx.table.row(
        rx.table.row_header_cell(_kind(row["kind"])),
        rx.table.cell(row["organisation"]),
        rx.table.cell(row["requester"]),
        rx.table.cell(
            rx.text(row["property_name"], " ", row["target_agreement_number"]),
            rx.text(row["message"], size="1", white_space="pre-wrap"),
        ),
        rx.table.cell(
            rx.hstack(
                rx.form(
                    rx.el.input(type="hidden", name="request_id", value=row["id"].to(str)),
                    rx.el.label(
                        tx("properties.new.agreement"),
                        html_for=field_id,
                        style={"fontSize": "0.8em"},
                    ),
                    rx.input(id=field_id, name="agreement_number", size="1"),
                    rx.button(tx("properties.support.approve"), type="submit", size="1"),
                    on_submit=P.approve,
                ),
                rx.button(
                    tx("properties.support.reject"),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=P.reject(row["id"].to(str)),
                ),
                align="end",
                wrap="wrap",
            )
        ),
    )


def _exception_form() -> rx.Component:
    """F2.9: support links a property outside the agreement, recorded with who and when."""
    return rx.form(
        rx.vstack(
            rx.heading(tx("properties.support.exception_title"), as_="h3", size="4"),
            text_field(
                field_id="exception-username",
                label=tx("properties.support.exception_username"),
                name="username",
                required=True,
            ),
            text_field(
                field_id="exception-agreement",
                label=tx("properties.new.agreement"),
                name="agreement_number",
                required=True,
            ),
            text_field(
                field_id="exception-property",
                label=tx("properties.new.name"),
                name="property_name",
                required=True,
            ),
            select_field(
                field_id="exception-reason",
                label=tx("properties.support.exception_reason"),
                name="reason",
                options=[
                    option(r.value, tx(f"properties.support.reason.{r.value}"))
                    for r in ExceptionReason
                ],
            ),
            text_field(
                field_id="exception-note",
                label=tx("properties.support.exception_note"),
                name="note",
            ),
            primary_button(tx("properties.support.exception_submit")),
            spacing="3",
            max_width="28em",
            width="100%",
        ),
        on_submit=P.link_exception,
    )


def property_requests_panel() -> rx.Component:
    return rx.vstack(
        rx.heading(tx("properties.support.title"), as_="h2", size="5"),
        rx.cond(
            P.requests.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(tx("properties.request.col.kind")),
                        rx.table.column_header_cell(tx("properties.support.col.organisation")),
                        rx.table.column_header_cell(tx("properties.support.col.requester")),
                        rx.table.column_header_cell(tx("properties.request.col.detail")),
                        rx.table.column_header_cell(tx("properties.col.actions")),
                    )
                ),
                rx.table.body(rx.foreach(P.requests, _row), id="property-requests"),
                width="100%",
            ),
            rx.text(tx("properties.support.none")),
        ),
        _exception_form(),
        spacing="3",
        width="100%",
        margin_top="2em",
    )

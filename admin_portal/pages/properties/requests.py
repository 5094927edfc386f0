"""Mina begäranden (/boenden/begaran): requests to support and their status (F2.8)."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import primary_button, select_field, text_area, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.components.page_error import page_error
from admin_portal.models import RequestKind, RequestStatus
from admin_portal.pages.loading import on_load
from admin_portal.state.properties.requests import PropertyRequestsState as S


def _kind(kind: rx.Var) -> rx.Component:
    return rx.match(
        kind, *[(k.value, tx(f"properties.request.kind.{k.value}")) for k in RequestKind], kind
    )


def _status(status: rx.Var) -> rx.Component:
    return rx.match(
        status,
        *[(s.value, tx(f"properties.request.status.{s.value}")) for s in RequestStatus],
        status,
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(_kind(row["kind"])),
        rx.table.cell(row["property_name"], " ", row["target_agreement_number"]),
        rx.table.cell(row["created_at"]),
        rx.table.cell(rx.badge(_status(row["status"]), high_contrast=True)),
    )


def _section(title: rx.Var, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, as_="h2", size="4"), *children, spacing="3", width="100%"),
        width="100%",
        max_width="40em",
    )


def _primary_request() -> rx.Component:
    return _section(
        tx("properties.request.primary"),
        rx.form(
            rx.vstack(
                text_area(
                    field_id="primary-message",
                    label=tx("properties.request.message"),
                    name="message",
                ),
                primary_button(tx("properties.request.primary")),
                spacing="3",
                width="100%",
            ),
            on_submit=S.send_primary,
        ),
    )


def _ownership() -> rx.Component:
    return _section(
        tx("properties.request.ownership"),
        rx.form(
            rx.vstack(
                select_field(
                    field_id="ownership-property",
                    label=tx("properties.request.property"),
                    name="property_id",
                    options=rx.foreach(
                        S.properties, lambda p: rx.el.option(p["name"], value=p["id"])
                    ),
                ),
                text_field(
                    field_id="ownership-target",
                    label=tx("properties.request.target"),
                    name="target",
                    required=True,
                ),
                text_area(
                    field_id="ownership-message",
                    label=tx("properties.request.message"),
                    name="message",
                ),
                primary_button(tx("properties.request.ownership")),
                spacing="3",
                width="100%",
            ),
            on_submit=S.send_ownership,
        ),
    )


def _termination() -> rx.Component:
    return _section(
        tx("properties.request.terminate"),
        rx.form(
            rx.vstack(
                text_area(
                    field_id="terminate-message",
                    label=tx("properties.request.message"),
                    name="message",
                ),
                primary_button(tx("properties.request.terminate"), color_scheme="red"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.send_termination,
        ),
    )


@rx.page(
    route=routes.PROPERTY_REQUESTS,
    title="Mina begäranden – Adminportalen",
    on_load=on_load(S.load),
)
def property_requests_page() -> rx.Component:
    return admin_page(
        "properties.request.title",
        rx.vstack(
            page_error(S.page_error),
            rx.cond(
                S.requests.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(tx(f"properties.request.col.{c}"))
                                for c in ("kind", "detail", "created", "status")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(S.requests, _row), id="my-requests"),
                    width="100%",
                ),
                rx.text(tx("properties.request.none")),
            ),
            rx.cond(S.is_primary, rx.fragment(_ownership(), _termination()), _primary_request()),
            rx.link(tx("properties.home.title"), href=routes.PROPERTIES),
            spacing="4",
            width="100%",
        ),
    )

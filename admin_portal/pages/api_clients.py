"""API-klienter: head administrators manage the organisation's machine credentials."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.pages.loading import on_load
from admin_portal.state.api_clients import SCOPES
from admin_portal.state.api_clients import ApiClientsState as S
from admin_portal.state.session import SessionState

_HEADERS = [
    "api_clients.name",
    "api_clients.scopes",
    "api_clients.hint",
    "api_clients.created",
    "api_clients.last_used",
    "api_clients.status",
]


def _scope_box(scope: str) -> rx.Component:
    box_id = f"api-scope-{scope.replace(':', '-')}"
    return rx.el.label(
        rx.el.input(type="checkbox", name=f"scope_{scope}", id=box_id),
        " ",
        tx(f"api_clients.scope.{scope}"),
        html_for=box_id,
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field(
                field_id="api-client-name", label=tx("api_clients.name"), name="name", required=True
            ),
            rx.el.fieldset(
                rx.el.legend(tx("api_clients.scopes")),
                rx.vstack(*[_scope_box(s) for s in SCOPES], spacing="1"),
            ),
            rx.button(tx("api_clients.create"), type="submit"),
            spacing="3",
            align="start",
        ),
        on_submit=S.create,
        reset_on_submit=True,
        key=S.form_version.to_string(),
        aria_label=tx("api_clients.create"),
    )


def _secret() -> rx.Component:
    return rx.cond(
        S.secret != "",
        rx.callout.root(
            rx.callout.text(
                rx.text(tx("api_clients.secret_title"), weight="bold"), " ", S.secret_for
            ),
            rx.callout.text(tx("api_clients.secret_once")),
            rx.el.label(tx("api_clients.secret_label"), html_for="api-client-secret"),
            rx.el.input(
                id="api-client-secret",
                value=S.secret,
                read_only=True,
                style={"width": "100%", "fontFamily": "monospace"},
            ),
            rx.button(tx("api_clients.close"), on_click=S.close_secret, variant="soft"),
            color_scheme="amber",
            high_contrast=True,
            role="status",
            width="100%",
        ),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["name"]),
        rx.table.cell(row["scopes"]),
        rx.table.cell(rx.code(row["hint"])),
        rx.table.cell(row["created_at"]),
        rx.table.cell(row["last_used_at"]),
        rx.table.cell(
            rx.cond(
                row["revoked"],
                rx.text(tx("api_clients.revoked")),
                rx.hstack(
                    rx.button(
                        tx("api_clients.rotate"),
                        size="1",
                        variant="soft",
                        on_click=S.rotate(row["id"]),
                        aria_label=tx("api_clients.rotate") + " " + row["name"].to(str),
                    ),
                    rx.button(
                        tx("api_clients.revoke"),
                        size="1",
                        color_scheme="red",
                        variant="soft",
                        on_click=S.revoke(row["id"]),
                        aria_label=tx("api_clients.revoke") + " " + row["name"].to(str),
                    ),
                ),
            )
        ),
    )


def _table() -> rx.Component:
    return rx.cond(
        S.clients.length() == 0,
        rx.text(tx("api_clients.none")),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(tx(k)) for k in _HEADERS])),
            rx.table.body(rx.foreach(S.clients, _row)),
            width="100%",
            variant="surface",
        ),
    )


@rx.page(
    route=routes.API_CLIENTS,
    title="API-klienter – Adminportalen",
    on_load=on_load(SessionState.require_head_admin, S.load),
)
def api_clients_page() -> rx.Component:
    return admin_page(
        "api_clients.title",
        rx.vstack(
            rx.text(tx("api_clients.intro")),
            rx.cond(
                S.error != "",
                rx.callout(S.error, color_scheme="red", role="alert", high_contrast=True),
            ),
            rx.cond(
                S.notice != "",
                rx.callout(S.notice, color_scheme="green", role="status", high_contrast=True),
            ),
            _secret(),
            _form(),
            _table(),
            spacing="4",
            width="100%",
        ),
    )

"""Granskningslogg: the audit events the admin may read, with filters and keyset pages."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.cursor_pager import cursor_pager
from admin_portal.components.forms import option, select_field, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.pages.loading import on_load
from admin_portal.state.audit_log import ACTIONS
from admin_portal.state.audit_log import AuditLogState as S
from admin_portal.state.session import SessionState

_HEADERS = [
    "audit.col_time",
    "audit.col_actor",
    "audit.col_action",
    "audit.col_target",
    "audit.col_outcome",
]


def _in_language(row: rx.Var, field: str) -> rx.Var:
    # Both languages travel with the row, so switching language needs no round trip.
    return rx.cond(SessionState.lang == "en", row[f"{field}_en"], row[f"{field}_sv"])


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["created_at"], white_space="nowrap"),
        rx.table.cell(row["actor"]),
        rx.table.cell(_in_language(row, "action")),
        rx.table.cell(_in_language(row, "target")),
        rx.table.cell(_in_language(row, "outcome")),
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.grid(
            text_field(
                field_id="audit-actor",
                label=tx("audit.filter_actor"),
                name="actor",
                error=S.actor_error,
                default_value=S.filter_actor,
            ),
            text_field(
                field_id="audit-person",
                label=tx("audit.filter_person"),
                name="person",
                error=S.person_error,
                default_value=S.filter_person,
            ),
            select_field(
                field_id="audit-action",
                label=tx("audit.filter_action"),
                name="action",
                options=[
                    option("", tx("audit.filter_action_all")),
                    *[option(action, tx(f"audit.action.{action}")) for action in ACTIONS],
                ],
                error=S.action_error,
                default_value=S.filter_action,
            ),
            text_field(
                field_id="audit-date-from",
                label=tx("audit.filter_from"),
                name="date_from",
                input_type="date",
                error=S.date_from_error,
                default_value=S.filter_date_from,
            ),
            text_field(
                field_id="audit-date-to",
                label=tx("audit.filter_to"),
                name="date_to",
                input_type="date",
                error=S.date_to_error,
                default_value=S.filter_date_to,
            ),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            rx.button(tx("audit.filter_apply"), type="submit", size="2"),
            rx.button(
                tx("audit.filter_clear"),
                type="button",
                size="2",
                variant="soft",
                color_scheme="gray",
                high_contrast=True,
                on_click=S.clear_filters,
            ),
            spacing="3",
            margin_top="0.75em",
        ),
        on_submit=S.apply_filters,
        key=S.form_version.to_string(),  # remount with the filters from the URL
        aria_label=tx("audit.filters"),
        width="100%",
    )


def _table() -> rx.Component:
    return rx.cond(
        S.rows.length() == 0,
        rx.callout(
            tx("audit.empty"), icon="search", color_scheme="gray", high_contrast=True, width="100%"
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(tx(key)) for key in _HEADERS])
            ),
            rx.table.body(rx.foreach(S.rows, _row)),
            width="100%",
            variant="surface",
        ),
    )


def _pager() -> rx.Component:
    return cursor_pager(
        previous_label=tx("audit.previous"),
        next_label=tx("audit.next"),
        page_text=tx("audit.page", page=S.page_number.to_string()),
        page_number=S.page_number,
        has_next=S.has_next,
        on_previous=S.previous_page,
        on_next=S.next_page,
    )


@rx.page(
    route=routes.AUDIT_LOG,
    title="Granskningslogg – Adminportalen",
    on_load=on_load(SessionState.require_admin, S.load),
)
def audit_log_page() -> rx.Component:
    return admin_page(
        "nav.audit",
        rx.vstack(
            rx.text(tx("audit.intro")),
            rx.cond(~SessionState.is_head_admin, rx.text(tx("audit.intro_scoped"))),
            _filters(),
            rx.cond(S.load_error != "", rx.callout(S.load_error, color_scheme="red", role="alert")),
            _table(),
            _pager(),
            spacing="4",
            width="100%",
        ),
    )

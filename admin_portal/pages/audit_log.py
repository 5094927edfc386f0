"""Granskningslogg: the organisation's latest admin actions."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.layout import admin_page
from admin_portal.pages.loading import on_load
from admin_portal.state.admin_pages import AuditLogState
from admin_portal.state.session import SessionState

_COLUMNS = [
    ("created_at", "Tid / Time"),
    ("actor", "Vem / Who"),
    ("action", "Händelse / Action"),
    ("target", "Mål / Target"),
    ("outcome", "Utfall / Outcome"),
]


@rx.page(
    route=routes.AUDIT_LOG,
    title="Granskningslogg – Adminportalen",
    on_load=on_load(SessionState.require_admin, AuditLogState.load),
)
def audit_log_page() -> rx.Component:
    return admin_page(
        "nav.audit",
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(label) for _, label in _COLUMNS])
            ),
            rx.table.body(
                rx.foreach(
                    AuditLogState.rows,
                    lambda row: rx.table.row(*[rx.table.cell(row[key]) for key, _ in _COLUMNS]),
                )
            ),
            width="100%",
        ),
    )

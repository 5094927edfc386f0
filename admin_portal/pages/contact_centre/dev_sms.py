"""/dev/sms: SMS that stay on the machine when no SMS provider is configured."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.pages.loading import on_load
from admin_portal.state.contact_centre.dev_sms import DevSmsState as S
from admin_portal.state.session import SessionState


def _row(sms: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(sms["created_at"].to(str)),
        rx.table.cell(sms["to"].to(str)),
        rx.table.cell(sms["status"].to(str)),
        rx.table.cell(sms["body"].to(str)),
    )


@rx.page(
    route=routes.DEV_SMS,
    title="Lokala sms – Adminportalen",
    on_load=on_load(SessionState.require_head_admin, S.load),
)
def dev_sms_page() -> rx.Component:
    return admin_page(
        "dev_sms.title",
        rx.cond(
            S.available,
            rx.cond(
                S.sms.length() == 0,
                rx.text(tx("dev_sms.none")),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(tx(k))
                                for k in (
                                    "dev_sms.time",
                                    "dev_sms.to",
                                    "dev_sms.status",
                                    "dev_sms.body",
                                )
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(S.sms, _row)),
                    width="100%",
                ),
            ),
            rx.text(tx("dev_sms.unavailable")),
        ),
    )

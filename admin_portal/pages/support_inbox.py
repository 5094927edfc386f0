"""Kundtjänst (/kundtjanst): new digital-treatment and therapy cases of every organisation (F4.8).

Rendered only for support staff; to anyone else the page says "not found".
"""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.data_table import data_table
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page, page_or_not_found
from admin_portal.components.properties_support import property_requests_panel
from admin_portal.pages.loading import on_load
from admin_portal.state.properties.support import PropertySupportState
from admin_portal.state.session import SessionState
from admin_portal.state.support_inbox import SupportInboxState as S

_COLUMNS = ("created", "organisation", "person", "service", "therapist", "status")

_FILTER_STYLE = {
    "padding": "0.35em 0.5em",
    "borderRadius": "var(--radius-2)",
    "border": "1px solid var(--gray-7)",
    "background": "var(--color-background)",
    "color": "var(--gray-12)",
}


def _status(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["handled"],
        rx.text(
            tx("support.handled"), " ", row["handled_at"], " (", row["handled_by"], ")", size="2"
        ),
        rx.hstack(
            rx.badge(tx("support.open"), color_scheme="amber", high_contrast=True),
            rx.button(
                tx("support.mark_handled"),
                size="1",
                variant="soft",
                on_click=S.handle(row["id"]),
                aria_label=tx("support.mark_handled"),
            ),
            align="center",
            wrap="wrap",
        ),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["created_at"], white_space="nowrap"),
        rx.table.cell(row["organisation"]),
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(row["person"], weight="medium"),
                rx.text(row["email"], size="2"),
                rx.text(row["phone"], size="2"),
                spacing="0",
            )
        ),
        rx.table.cell(rx.cond(SessionState.lang == "en", row["service_en"], row["service_sv"])),
        # F4.5: the case text goes to the chosen therapist only; support sees the choice.
        rx.table.cell(
            rx.cond(
                row["therapist"] != "",
                rx.text(row["therapist"], size="2"),
                rx.cond(
                    row["needs_therapist"],
                    rx.text(tx("therapist.not_chosen"), size="2"),
                    rx.text(tx("therapist.not_needed"), size="2"),
                ),
            )
        ),
        rx.table.cell(_status(row)),
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            tx("support.previous"),
            variant="soft",
            disabled=S.page <= 1,
            on_click=S.go_to_page(S.page - 1),
        ),
        rx.text(tx("support.page", page=S.page, pages=S.pages), size="2"),
        rx.button(
            tx("support.next"),
            variant="soft",
            disabled=S.page >= S.pages,
            on_click=S.go_to_page(S.page + 1),
        ),
        align="center",
        spacing="3",
    )


def _inbox() -> rx.Component:
    return admin_page(
        "support.title",
        rx.vstack(
            rx.text(tx("support.intro")),
            rx.hstack(
                rx.el.label(tx("support.show"), html_for="support-show"),
                rx.el.select(
                    rx.el.option(tx("support.show_open"), value="open"),
                    rx.el.option(tx("support.show_all"), value="all"),
                    id="support-show",
                    value=S.show,
                    on_change=S.set_show,
                    style=_FILTER_STYLE,
                ),
                rx.text(
                    rx.cond(
                        S.total == 1,
                        tx("support.total_one"),
                        tx("support.total", total=S.total),
                    ),
                    size="2",
                ),
                align="center",
                spacing="3",
            ),
            data_table(
                S.rows,
                _row,
                header_keys=[f"support.col_{c}" for c in _COLUMNS],
                empty_key="support.empty",
                body_id="support-rows",
            ),
            _pager(),
            property_requests_panel(),
            spacing="4",
            width="100%",
        ),
    )


@rx.page(
    route=routes.SUPPORT_INBOX,
    title="Kundtjänst – Adminportalen",
    on_load=on_load(S.on_open, PropertySupportState.load),
)
def support_inbox_page() -> rx.Component:
    return page_or_not_found(S.allowed, _inbox())

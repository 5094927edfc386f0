"""Kontaktcenter (/kontaktcenter): the agents, searchable and paged; each row links on."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.cursor_pager import cursor_pager
from admin_portal.components.data_table import data_table
from admin_portal.components.forms import option, select_field, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.components.search_form import search_form
from admin_portal.pages.loading import on_load
from admin_portal.state.contact_centre.listing import AgentListState as S
from admin_portal.state.session import SessionState

_HEADERS = [
    "contact_centre.col_numeric_id",
    "contact_centre.col_name",
    "contact_centre.col_username",
    "contact_centre.col_group",
    "contact_centre.col_queue",
]


def _filters() -> rx.Component:
    return search_form(
        text_field(
            field_id="cc-search",
            label=tx("contact_centre.search_label"),
            name="query",
            input_type="search",
        ),
        select_field(
            field_id="cc-group-filter",
            label=tx("contact_centre.group_filter"),
            name="group_id",
            options=[
                option("", tx("contact_centre.all_groups")),
                rx.foreach(S.groups, lambda g: option(g["id"], g["name"])),
            ],
        ),
        select_field(
            field_id="cc-queue-filter",
            label=tx("contact_centre.queue_filter"),
            name="queue",
            options=[
                option("", tx("contact_centre.queue_any")),
                option("in", tx("contact_centre.queue_in")),
                option("out", tx("contact_centre.queue_out")),
            ],
        ),
        button_label=tx("contact_centre.search"),
        on_submit=S.search,
        landmark_name=tx("contact_centre.search"),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["numeric_id"]),
        rx.table.cell(rx.link(row["name"], href=row["href"].to(str), high_contrast=True)),
        rx.table.cell(row["username"]),
        rx.table.cell(row["group"]),
        rx.table.cell(
            rx.cond(
                row["in_queue"], tx("contact_centre.in_queue_yes"), tx("contact_centre.in_queue_no")
            )
        ),
    )


def _table() -> rx.Component:
    return rx.vstack(
        data_table(S.rows, _row, header_keys=_HEADERS, empty_key="contact_centre.none"),
        rx.cond(
            S.rows.length() > 0,
            cursor_pager(
                previous_label=tx("contact_centre.previous"),
                next_label=tx("contact_centre.next"),
                page_text=rx.cond(
                    S.total_is_lower_bound,
                    tx("contact_centre.page_count_more", page=S.page_number, total=S.total),
                    tx("contact_centre.page_count", page=S.page_number, total=S.total),
                ),
                page_number=S.page_number,
                has_next=S.has_next,
                on_previous=S.previous_page,
                on_next=S.next_page,
            ),
        ),
        width="100%",
    )


@rx.page(
    route=routes.CONTACT_CENTRE,
    title="Kontaktcenter – Adminportalen",
    on_load=on_load(SessionState.require_admin, S.load),
)
def contact_centre_page() -> rx.Component:
    return admin_page(
        "contact_centre.title",
        rx.vstack(
            rx.text(tx("contact_centre.intro")),
            rx.link(
                tx("contact_centre.add_agent"),
                href=routes.CONTACT_CENTRE_NEW,
                weight="bold",
                high_contrast=True,
            ),
            rx.heading(tx("contact_centre.agents"), as_="h2", size="5"),
            _filters(),
            rx.cond(S.error != "", rx.text(S.error, color_scheme="red", role="alert")),
            _table(),
            spacing="4",
            width="100%",
        ),
    )

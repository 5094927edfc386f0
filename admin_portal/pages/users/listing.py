"""Användare: the list of users in the admin's scope."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.bulk_verification import (
    bulk_verification_dialog,
    bulk_verification_progress,
)
from admin_portal.components.cursor_pager import list_pager
from admin_portal.components.download_link import download_link
from admin_portal.components.forms import option, select_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.components.remove_confirm import remove_confirm_form
from admin_portal.models import USER_TYPE_CHOICES
from admin_portal.pages.loading import on_load
from admin_portal.state.session import SessionState
from admin_portal.state.users.listing import UsersListState as S

_TYPES = USER_TYPE_CHOICES
# How long the search box waits after the last key before it searches (issue 17: keystroke
# to table p95 <= 250 ms at 1,000,000 users, debounce included). At 150 ms a fast typist's
# word still sends one search; a slower typist sends one per key, which the server keeps up
# with (a search answers in ~25 ms), and the last answer is always the box's final text.
SEARCH_DEBOUNCE_MS = 150
# Read by screen readers, not shown: the checkbox column needs a header name.
_VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "whiteSpace": "nowrap",
}


def _filter(field: str, label_key: str, options: list[rx.Component]) -> rx.Component:
    return select_field(
        field_id=f"filter-{field}",
        label=tx(label_key),
        name=field,
        options=options,
        value=getattr(S, field),
        on_change=lambda value: S.set_filter(field, value),
    )


def spreadsheet_links() -> rx.Component:
    """F1.3: export what the list shows (same search and filters), or import the template."""

    def export(fmt: str, label_key: str, link_id: str) -> rx.Component:
        href = (
            routes.users_export_url(fmt, {}) + "?lang=" + SessionState.lang + "&" + S.export_query
        )
        return download_link(tx(label_key), href, link_id)

    return rx.hstack(
        export("csv", "import.export_csv", "users-export-csv"),
        export("xlsx", "import.export_xlsx", "users-export-xlsx"),
        rx.link(
            tx("users.import"), href=routes.USER_IMPORT, color_scheme="gray", high_contrast=True
        ),
        spacing="4",
        wrap="wrap",
        align="center",
    )


def toolbar() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.box(
                rx.el.label(
                    tx("users.search"),
                    html_for="users-search",
                    style={"fontWeight": "500", "display": "block"},
                ),
                rx.input(
                    id="users-search",
                    type="search",
                    placeholder=tx("users.search_hint"),
                    value=S.text,
                    on_change=S.set_text,
                    debounce_timeout=SEARCH_DEBOUNCE_MS,
                    size="3",
                    width="100%",
                ),
                flex="1",
            ),
            bulk_verification_dialog(S),
            rx.link(rx.button(tx("users.add"), size="3"), href=routes.USER_NEW),
            align="end",
            width="100%",
        ),
        spreadsheet_links(),
        rx.grid(
            _filter(
                "company_id",
                "users.filter_company",
                [
                    option("", tx("users.all")),
                    rx.foreach(S.companies, lambda c: option(c["id"], c["label"])),
                ],
            ),
            _filter(
                "unit_id",
                "users.filter_unit",
                [
                    option("", tx("users.all")),
                    rx.foreach(S.units, lambda u: option(u["id"], u["label"])),
                ],
            ),
            _filter(
                "user_type",
                "users.filter_type",
                [option("", tx("users.all")), *[option(t, tx(f"type.{t}")) for t in _TYPES]],
            ),
            _filter(
                "email_state",
                "users.filter_email",
                [
                    option("", tx("users.all")),
                    option("verified", tx("users.email_verified")),
                    option("unverified", tx("users.email_unverified")),
                    option("missing", tx("users.email_missing")),
                ],
            ),
            _filter(
                "status",
                "users.filter_status",
                [
                    option("active", tx("users.status_active")),
                    rx.cond(
                        SessionState.is_head_admin, option("removed", tx("users.status_removed"))
                    ),
                ],
            ),
            _filter(
                "sort",
                "users.sort",
                [
                    option("name", tx("users.sort_name")),
                    option("username", tx("users.sort_username")),
                    option("created", tx("users.sort_created")),
                ],
            ),
            _filter(
                "direction",
                "users.direction",
                [
                    option("asc", tx("users.direction_asc")),
                    option("desc", tx("users.direction_desc")),
                ],
            ),
            columns=rx.breakpoints(initial="2", md="7"),
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            rx.text(
                rx.cond(
                    S.total_is_lower_bound,
                    tx("users.result_count_more", count=S.total),
                    tx("users.result_count", count=S.total),
                ),
                role="status",
                id="users-count",
            ),
            rx.spacer(),
            rx.button(tx("users.clear_filters"), variant="ghost", on_click=S.clear_filters),
            width="100%",
            align="center",
        ),
        width="100%",
        spacing="3",
    )


def _type_label(kind: rx.Var) -> rx.Component:
    return rx.match(kind, *[(t, tx(f"type.{t}")) for t in _TYPES], kind)


def _email_cell(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["email_state"] == "missing",
        rx.badge(tx("users.email_missing"), color_scheme="gray", high_contrast=True),
        rx.hstack(
            rx.text(row["email"], size="2"),
            rx.cond(
                row["email_state"] == "verified",
                rx.badge(tx("users.email_verified"), color_scheme="green", high_contrast=True),
                rx.badge(tx("users.email_unverified"), color_scheme="amber", high_contrast=True),
            ),
            spacing="2",
            align="center",
        ),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.cond(
                row["may_change"].to(bool),
                rx.checkbox(
                    checked=S.selected_ids.contains(row["id"]),
                    on_change=lambda checked: S.toggle_selected(row["id"], checked),
                    aria_label=tx("users.select_row", name=row["full_name"]),
                ),
                # An admin the viewer may not change: nothing to select (finding A.1).
                rx.icon(
                    "lock",
                    size=14,
                    aria_label=tx("users.row_out_of_reach", name=row["full_name"]),
                    role="img",
                ),
            )
        ),
        rx.table.row_header_cell(
            rx.link(
                row["full_name"], href=routes.USERS + "/" + row["id"].to(str), high_contrast=True
            )
        ),
        rx.table.cell(row["username"]),
        rx.table.cell(_type_label(row["user_type"])),
        rx.table.cell(
            row["company_name"],
            rx.cond(row["unit_name"] != "", " / " + row["unit_name"].to(str), ""),
        ),
        rx.table.cell(_email_cell(row)),
        rx.table.cell(
            rx.cond(
                row["status"] == "active", tx("users.status_active"), tx("users.status_removed")
            )
        ),
    )


def users_table() -> rx.Component:
    headers = [
        "users.col_name",
        "users.col_username",
        "users.col_type",
        "users.col_placement",
        "users.col_email",
        "users.col_status",
    ]
    return rx.cond(
        S.rows.length() == 0,
        rx.callout(
            tx("users.empty"), icon="search", color_scheme="gray", high_contrast=True, width="100%"
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(
                        rx.el.span(tx("users.col_select"), class_name="rt-sr-only")
                    ),
                    *[rx.table.column_header_cell(tx(h)) for h in headers],
                )
            ),
            rx.table.body(rx.foreach(S.rows, _row)),
            width="100%",
            variant="surface",
        ),
    )


def bulk_remove() -> rx.Component:
    count = S.selected_ids.length()
    return rx.alert_dialog.root(
        rx.cond(
            (count > 0) & (S.status == "active"),
            rx.button(
                tx("users.remove_selected", count=count),
                color_scheme="red",
                variant="soft",
                on_click=S.open_bulk_remove,
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(tx("users.bulk_remove_title", count=S.remove_names.length())),
            rx.alert_dialog.description(tx("users.bulk_remove_body")),
            rx.el.ul(
                rx.foreach(S.remove_names, lambda name: rx.el.li(name)), id="bulk-remove-names"
            ),
            remove_confirm_form(
                field_id="bulk-remove-reason", on_submit=S.bulk_remove, error=S.remove_error
            ),
        ),
        open=S.remove_open,
        on_open_change=S.set_remove_open,
    )


def pager() -> rx.Component:
    return list_pager(S)


@rx.page(
    route=routes.USERS,
    title="Användare – Adminportalen",
    on_load=on_load(SessionState.require_admin, S.load),
)
def users_page() -> rx.Component:
    return admin_page(
        "users.title",
        rx.vstack(
            rx.text(tx("users.intro")),
            toolbar(),
            rx.cond(
                S.search_error != "", rx.callout(S.search_error, color_scheme="red", role="alert")
            ),
            bulk_verification_progress(S),
            bulk_remove(),
            users_table(),
            pager(),
            spacing="4",
            width="100%",
        ),
    )

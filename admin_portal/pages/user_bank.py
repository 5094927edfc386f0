"""Användarbanken (head administrators only)."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.cursor_pager import list_pager
from admin_portal.components.forms import option, select_field, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.components.search_form import search_form
from admin_portal.pages.loading import on_load
from admin_portal.state.session import SessionState
from admin_portal.state.user_bank import UserBankState as S


def bank_search_form() -> rx.Component:
    return search_form(
        text_field(
            field_id="bank-text",
            label=tx("bank.search"),
            name="text",
            hint=tx("bank.search_hint"),
        ),
        text_field(
            field_id="bank-national-id",
            label=tx("bank.national_id"),
            name="national_id",
            error=S.national_id_error,
        ),
        select_field(
            field_id="bank-company",
            label=tx("users.filter_company"),
            name="company_id",
            options=[
                option("", tx("users.all")),
                rx.foreach(S.companies, lambda c: option(c["id"], c["label"])),
            ],
        ),
        text_field(
            field_id="bank-removed-from",
            label=tx("bank.removed_from"),
            name="removed_from",
            input_type="date",
        ),
        text_field(
            field_id="bank-removed-to",
            label=tx("bank.removed_to"),
            name="removed_to",
            input_type="date",
        ),
        select_field(
            field_id="bank-removed-by",
            label=tx("bank.removed_by"),
            name="removed_by_id",
            options=[
                option("", tx("users.all")),
                rx.foreach(S.removers, lambda r: option(r["id"], r["label"])),
            ],
        ),
        button_label=tx("bank.search_button"),
        on_submit=S.search,
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["full_name"]),
        rx.table.cell(row["username"]),
        rx.table.cell(row["national_id_masked"]),
        rx.table.cell(row["company_name"]),
        rx.table.cell(row["removed_at"]),
        rx.table.cell(row["removed_by"]),
        rx.table.cell(row["removed_reason"]),
        rx.table.cell(
            rx.button(
                tx("bank.restore"),
                size="1",
                variant="soft",
                aria_label=tx("bank.restore") + " " + row["full_name"].to(str),
                on_click=S.select(row["id"].to(str)),
            )
        ),
    )


def results() -> rx.Component:
    headers = [
        "users.col_name",
        "users.col_username",
        "profile.national_id_masked",
        "users.company",
        "bank.col_removed",
        "bank.col_removed_by",
        "bank.col_reason",
    ]
    return rx.vstack(
        rx.text(
            rx.cond(
                S.total_is_lower_bound,
                tx("users.result_count_more", count=S.total),
                tx("users.result_count", count=S.total),
            ),
            role="status",
        ),
        rx.cond(
            S.rows.length() == 0,
            rx.callout(
                tx("bank.empty"),
                icon="search",
                color_scheme="gray",
                high_contrast=True,
                width="100%",
            ),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[rx.table.column_header_cell(tx(h)) for h in headers],
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(S.rows, _row)),
                width="100%",
                variant="surface",
            ),
        ),
        list_pager(S),
        width="100%",
    )


def restore_panel() -> rx.Component:
    name = S.selected["full_name"].to(str)
    return rx.card(
        rx.vstack(
            rx.heading(tx("bank.restore_title", name=name), as_="h2", size="5"),
            rx.text(tx("users.username"), ": ", S.selected["username"].to(str)),
            rx.heading(tx("bank.comes_back"), as_="h3", size="3"),
            rx.el.ul(
                rx.el.li(tx("bank.links_brukare", count=S.selected["brukare_links"].to(str))),
                rx.el.li(tx("bank.links_assistants", count=S.selected["assistant_links"].to(str))),
                rx.el.li(tx("bank.admin_rights", count=S.selected["admin_rights"].to(str))),
            ),
            rx.heading(tx("bank.cannot_come_back"), as_="h3", size="3"),
            rx.cond(
                S.conflicts.length() == 0,
                rx.text(tx("bank.no_conflicts"), size="2"),
                rx.el.ul(
                    rx.foreach(S.conflicts, lambda c: rx.el.li(c)),
                    role="list",
                    id="restore-conflicts",
                ),
            ),
            rx.form(
                rx.vstack(
                    rx.grid(
                        select_field(
                            field_id="restore-company",
                            label=tx("users.company"),
                            name="company_id",
                            options=rx.foreach(S.companies, lambda c: option(c["id"], c["label"])),
                            value=S.target_company_id,
                            on_change=S.set_target_company_id,
                        ),
                        select_field(
                            field_id="restore-unit",
                            label=tx("users.unit"),
                            name="unit_id",
                            options=[
                                option("", tx("users.no_unit")),
                                rx.foreach(S.units, lambda u: option(u["id"], u["label"])),
                            ],
                            value=S.target_unit_id,
                            on_change=S.set_target_unit_id,
                        ),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    text_field(
                        field_id="restore-new-email",
                        label=tx("bank.new_email"),
                        name="new_email",
                        input_type="email",
                    ),
                    rx.el.label(
                        rx.el.input(type="checkbox", name="clear_email", id="restore-clear-email"),
                        " ",
                        tx("bank.clear_email"),
                        html_for="restore-clear-email",
                    ),
                    rx.cond(
                        S.restore_error != "",
                        rx.callout(S.restore_error, color_scheme="red", role="alert"),
                    ),
                    rx.hstack(
                        rx.button(tx("bank.restore_confirm"), type="submit"),
                        rx.button(
                            tx("profile.cancel"),
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=S.close,
                        ),
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.restore,
                reset_on_submit=False,
                no_validate=True,
                width="100%",
            ),
            rx.divider(),
            rx.form(
                rx.vstack(
                    rx.heading(tx("bank.erase_title", name=name), as_="h3", size="3"),
                    rx.text(
                        tx("bank.erase_body", username=S.selected["username"].to(str)), size="2"
                    ),
                    text_field(
                        field_id="erase-confirm",
                        label=tx("bank.erase_confirm_label"),
                        name="confirm",
                        error=S.erase_error,
                    ),
                    rx.button(
                        tx("bank.erase_confirm"), type="submit", color_scheme="red", variant="soft"
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.erase,
                reset_on_submit=False,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="restore-panel",
    )


def retention_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            text_field(
                field_id="retention-days",
                label=tx("bank.retention_label"),
                name="days",
                input_type="number",
                error=S.retention_error,
                default_value=S.retention_days.to_string(),
                key=S.retention_days.to_string(),
            ),
            rx.button(tx("bank.retention_save"), type="submit", variant="soft"),
            align="end",
        ),
        on_submit=S.save_retention,
        reset_on_submit=False,
        no_validate=True,
    )


@rx.page(
    route=routes.USER_BANK,
    title="Användarbanken – Adminportalen",
    on_load=on_load(SessionState.require_head_admin, S.load),
)
def user_bank_page() -> rx.Component:
    return admin_page(
        "bank.title",
        rx.vstack(
            rx.text(tx("bank.intro")),
            rx.cond(
                S.notice != "", rx.callout(S.notice, icon="check", role="status", width="100%")
            ),
            bank_search_form(),
            rx.cond(S.selected.length() > 0, restore_panel()),
            results(),
            rx.divider(),
            rx.text(tx("bank.retention", days=S.retention_days), size="2"),
            retention_form(),
            spacing="4",
            width="100%",
        ),
    )

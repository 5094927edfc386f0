"""Min organisation (F4.1, F4.2): the unit in large text, the switcher, Inbjudna and Registrerade."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.cursor_pager import cursor_pager
from admin_portal.components.forms import option, select_field, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.pages.invitations.revoke_dialog import revoke_dialog
from admin_portal.pages.loading import on_load
from admin_portal.state.invitations.my_organisation import MyOrganisationState as S
from admin_portal.state.session import SessionState

_DELIVERY = (
    "pending",
    "sending",
    "sent",
    "local",
    "dead",
    "cancelled",
    "bounced",
    "delivered",
    "complained",
    "delivery_delayed",
)


def _role(value: rx.Var) -> rx.Component:
    return rx.cond(value == "admin", tx("org.role_admin"), tx("org.role_standard"))


def _delivery(row: rx.Var) -> rx.Component:
    # services.invitations.delivery.delivery_label chose the word: Resend's report first.
    return rx.match(row["delivery"], *[(d, tx(f"org.delivery_{d}")) for d in _DELIVERY], "")


def _unit_switcher() -> rx.Component:
    return rx.cond(
        S.units.length() > 1,
        rx.box(
            select_field(
                field_id="unit-switcher",
                label=tx("org.switch_unit"),
                name="enhet",
                options=rx.foreach(S.units, lambda u: option(u["id"], u["label"])),
                value=S.unit_id,
                on_change=S.switch_unit,
            ),
            max_width="420px",
            width="100%",
        ),
    )


def _heading() -> rx.Component:
    return rx.vstack(
        _unit_switcher(),
        rx.text(tx("org.current_unit"), size="2", color_scheme="gray", high_contrast=True),
        rx.heading(S.unit_name, as_="h2", size="8", id="current-unit"),
        rx.text(S.company_name, size="3"),
        spacing="2",
        margin_bottom="1em",
    )


def _credits_button(kind: str, row: rx.Var) -> rx.Component:
    return rx.button(
        tx("org.add_credits"),
        size="1",
        variant="soft",
        color_scheme="gray",
        high_contrast=True,
        on_click=S.open_credits(kind, row["id"]),
        aria_label=tx("org.add_credits") + ": " + row["name"].to(str),
    )


def _invited_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["name"]),
        rx.table.cell(row["email"]),
        rx.table.cell(_role(row["role"])),
        rx.table.cell(row["services"]),
        rx.table.cell(row["sent"]),
        rx.table.cell(
            rx.hstack(
                rx.text(row["expires"]),
                rx.cond(
                    row["status"] == "expired",
                    rx.badge(tx("org.expired"), color_scheme="red", high_contrast=True),
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
        rx.table.cell(_delivery(row)),
        rx.table.cell(row["invited_by"]),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    tx("org.resend"),
                    size="1",
                    on_click=S.resend(row["id"]),
                    aria_label=tx("org.resend") + ": " + row["name"].to(str),
                ),
                revoke_dialog(row),
                _credits_button("invited", row),
                spacing="2",
                wrap="wrap",
            )
        ),
    )


def _empty(tab: str) -> rx.Component:
    """No rows: because of the search, or because the tab is empty."""
    return rx.cond(S.queries[tab] != "", tx("myorg.no_match"), tx(f"org.no_{tab}"))


def _table(
    headers: list[str], rows: rx.Var, render, empty: rx.Component, label_key: str
) -> rx.Component:  # type: ignore[no-untyped-def]
    return rx.cond(
        rows.length() > 0,
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(tx(h)) for h in headers])),
            rx.table.body(rx.foreach(rows, render)),
            aria_label=tx(label_key),
            width="100%",
        ),
        rx.text(empty, padding_y="1em"),
    )


def _search(tab: str) -> rx.Component:
    """Sök in one tab: a form, so Enter searches too; the server pages the result."""
    field_id = f"search-{tab}"
    return rx.form(
        rx.hstack(
            rx.box(
                rx.el.label(
                    tx(f"myorg.search_{tab}"),
                    html_for=field_id,
                    style={"display": "block", "fontWeight": 500, "marginBottom": "0.25em"},
                ),
                rx.input(
                    id=field_id,
                    name="q",
                    type="search",
                    placeholder=tx("myorg.search_placeholder"),
                    default_value=S.queries[tab],
                    auto_complete="off",
                    max_length=200,
                    width="100%",
                ),
                flex="1",
                max_width="420px",
            ),
            rx.button(tx("myorg.search_button"), type="submit", variant="soft"),
            align="end",
            spacing="2",
            width="100%",
        ),
        on_submit=lambda form: S.search(tab, form),
        reset_on_submit=False,
        role="search",
        aria_label=tx(f"myorg.search_{tab}"),
    )


def _pager(tab: str) -> rx.Component:
    return rx.cond(
        (S.page_numbers[tab] > 1) | S.has_next[tab],
        cursor_pager(
            previous_label=tx("myorg.previous"),
            next_label=tx("myorg.next"),
            page_text=tx("myorg.page", page=S.page_numbers[tab].to_string()),
            page_number=S.page_numbers[tab],
            has_next=S.has_next[tab],
            on_previous=S.previous_page(tab),
            on_next=S.next_page(tab),
        ),
    )


def _tab_body(tab: str, table: rx.Component) -> rx.Component:
    return rx.vstack(_search(tab), table, _pager(tab), spacing="3", width="100%")


def _registered_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(
                row["name"],
                href=routes.USERS + "/" + row["id"].to(str),
                color_scheme="gray",
                high_contrast=True,
            )
        ),
        rx.table.cell(row["username"]),
        rx.table.cell(row["email"]),
        rx.table.cell(_role(row["role"])),
        rx.table.cell(row["services"]),
        rx.table.cell(_credits_button("registered", row)),
    )


def _tabs() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger(
                tx("org.tab_invited"), " (", S.tab_counts["invited"], ")", value="invited"
            ),
            rx.tabs.trigger(
                tx("org.tab_registered"),
                " (",
                S.tab_counts["registered"],
                ")",
                value="registered",
            ),
        ),
        rx.tabs.content(
            _tab_body(
                "invited",
                _table(
                    [
                        "org.col_name",
                        "org.col_email",
                        "org.col_role",
                        "org.col_services",
                        "org.col_sent",
                        "org.col_expires",
                        "org.col_delivery",
                        "org.col_invited_by",
                        "org.col_actions",
                    ],
                    S.invited,
                    _invited_row,
                    _empty("invited"),
                    "org.tab_invited",
                ),
            ),
            value="invited",
            padding_top="1em",
        ),
        rx.tabs.content(
            _tab_body(
                "registered",
                _table(
                    [
                        "org.col_name",
                        "org.col_username",
                        "org.col_email",
                        "org.col_role",
                        "org.col_services",
                        "org.col_actions",
                    ],
                    S.registered,
                    _registered_row,
                    _empty("registered"),
                    "org.tab_registered",
                ),
            ),
            value="registered",
            padding_top="1em",
        ),
        value=S.tab,
        on_change=S.set_tab,
        width="100%",
    )


def _credits_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tx("org.credits_title")),
            rx.dialog.description(tx("org.credits_for", name=S.credits_person)),
            rx.cond(
                S.credit_orders.length() > 0,
                rx.form(
                    rx.vstack(
                        rx.cond(
                            S.credit_form_error != "",
                            rx.callout(
                                S.credit_form_error,
                                color_scheme="red",
                                high_contrast=True,
                                role="alert",
                            ),
                        ),
                        select_field(
                            field_id="credits-order",
                            label=tx("org.credits_order"),
                            name="order_id",
                            options=rx.foreach(
                                S.credit_orders, lambda o: option(o["id"], o["label"])
                            ),
                            error=S.credit_errors["order_id"],
                        ),
                        text_field(
                            field_id="credits-amount",
                            label=tx("org.credits_amount"),
                            name="credits",
                            input_type="number",
                            min="1",
                            max="1000",
                            step="1",
                            error=S.credit_errors["credits"],
                        ),
                        select_field(
                            field_id="credits-cost-centre",
                            label=tx("invite.cost_centre"),
                            name="cost_centre_id",
                            options=[
                                option("", tx("invite.cost_centre_choose")),
                                rx.foreach(S.cost_centres, lambda c: option(c["id"], c["label"])),
                            ],
                            error=S.credit_errors["cost_centre_id"],
                        ),
                        rx.hstack(
                            rx.button(tx("invite.save"), type="submit"),
                            rx.dialog.close(
                                rx.button(tx("org.close"), type="button", variant="soft")
                            ),
                            spacing="3",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=S.submit_credits,
                    reset_on_submit=False,
                    no_validate=True,
                ),
                rx.vstack(
                    rx.text(tx("org.no_orders")),
                    rx.dialog.close(rx.button(tx("org.close"), type="button", variant="soft")),
                ),
            ),
        ),
        open=S.credits_open,
        on_open_change=S.set_credits_open,
    )


@rx.page(
    route=routes.ORGANISATION,
    title="Min organisation – Adminportalen",
    on_load=on_load(SessionState.require_admin, S.load),
)
def my_organisation_page() -> rx.Component:
    return admin_page(
        "nav.organisation",
        rx.cond(
            S.unit_id != "",
            rx.vstack(
                _heading(),
                # A link that looks like a button (as_child): no button nested in a link.
                rx.button(
                    rx.link(
                        tx("org.invite_button"),
                        href=routes.ORGANISATION_INVITE + "?enhet=" + S.unit_id,
                    ),
                    as_child=True,
                    size="3",
                ),
                _tabs(),
                _credits_dialog(),
                spacing="4",
                width="100%",
            ),
            rx.text(tx("org.no_units")),
        ),
    )

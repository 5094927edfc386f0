"""Bjud in användare (F4.3-F4.8): the person, the role, the services, credits and cost centre."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import option, select_field, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.components.user_fields import language_select, unit_select
from admin_portal.pages.loading import on_load
from admin_portal.state.invitations.invite import InviteState as S
from admin_portal.state.session import SessionState

_LABEL = {"fontWeight": "500", "display": "block", "marginBottom": "0.25em"}
# A required field is red until something is typed in it (seed 004: "markeras i rött").
_DETAIL_STYLE = {
    "width": "100%",
    "minHeight": "6em",
    "padding": "0.5em",
    "borderRadius": "var(--radius-2)",
    "border": "2px solid var(--red-9)",
    "background": "var(--color-background)",
    "color": "var(--gray-12)",
    "&:valid": {"border": "1px solid var(--gray-7)"},
}


def _lang_text(row: rx.Var, base: str) -> rx.Var:
    return rx.cond(SessionState.lang == "en", row[f"{base}_en"], row[f"{base}_sv"])


def _section(title_key: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.heading(tx(title_key), as_="h2", size="5", margin_bottom="0.5em"),
        rx.vstack(*children, spacing="3", width="100%"),
        style={"width": "100%"},
    )


def _person() -> rx.Component:
    return _section(
        "invite.section_person",
        rx.grid(
            text_field(
                field_id="first_name",
                label=tx("invite.first_name"),
                name="first_name",
                error=S.errors["first_name"],
                required=True,
            ),
            text_field(
                field_id="last_name",
                label=tx("invite.last_name"),
                name="last_name",
                error=S.errors["last_name"],
                required=True,
            ),
            text_field(
                field_id="email",
                label=tx("invite.email"),
                name="email",
                input_type="email",
                error=S.errors["email"],
                required=True,
            ),
            text_field(
                field_id="phone",
                label=tx("invite.phone"),
                name="phone",
                input_type="tel",
                error=S.errors["phone"],
                hint=tx("invite.phone_hint"),
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        rx.box(
            language_select(
                label=tx("invite.language"),
                sv_label=tx("invite.lang_sv"),
                en_label=tx("invite.lang_en"),
                error=S.errors["language"],
            ),
            max_width="320px",
            width="100%",
        ),
    )


def _role_choice(value: str, label_key: str, hint_key: str) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.el.input(
                type="radio",
                name="role",
                value=value,
                checked=S.role == value,
                on_change=S.set_role(value),
            ),
            rx.vstack(
                rx.text(tx(label_key), weight="medium"),
                rx.text(tx(hint_key), size="1", color_scheme="gray", high_contrast=True),
                spacing="0",
            ),
            align="start",
            spacing="2",
        ),
    )


def _role() -> rx.Component:
    return _section(
        "invite.section_role",
        rx.el.fieldset(
            rx.el.legend(tx("invite.role"), style=_LABEL),
            rx.vstack(
                _role_choice("standard", "org.role_standard", "invite.role_standard_hint"),
                rx.cond(
                    S.can_give_admin,
                    _role_choice("admin", "org.role_admin", "invite.role_admin_hint"),
                    rx.text(
                        tx("invite.admin_only_top"),
                        size="1",
                        color_scheme="gray",
                        high_contrast=True,
                    ),
                ),
                spacing="2",
            ),
            rx.text(
                S.errors["role"],
                color_scheme="red",
                size="2",
                role=rx.cond(S.errors["role"] != "", "alert", "none"),
            ),
            style={"border": "none", "padding": 0, "margin": 0},
        ),
        rx.box(
            unit_select(
                S.units,
                label=tx("invite.unit"),
                empty_label=tx("invite.unit_choose"),
                error=S.errors["unit_id"],
                default_value=S.unit_id,
            ),
            max_width="520px",
            width="100%",
        ),
        rx.cond(
            S.role == "admin",
            rx.el.fieldset(
                rx.el.legend(tx("invite.admin_units"), style=_LABEL),
                rx.vstack(
                    rx.foreach(
                        S.units,
                        lambda u: rx.checkbox(
                            u["label"],
                            checked=S.admin_units.contains(u["id"]),
                            on_change=lambda checked: S.toggle_admin_unit(u["id"], checked),
                        ),
                    ),
                    spacing="2",
                ),
                rx.text(
                    S.errors["admin_unit_ids"],
                    color_scheme="red",
                    size="2",
                    role=rx.cond(S.errors["admin_unit_ids"] != "", "alert", "none"),
                ),
                style={"border": "none", "padding": 0, "margin": 0},
            ),
        ),
    )


def _detail_field(field: rx.Var) -> rx.Component:
    # Hidden with CSS, never unmounted: text typed for a service survives unticking it.
    field_id = field["name"].to(str)
    return rx.box(
        rx.el.label(
            _lang_text(field, "label"),
            " ",
            rx.text.span(
                "(", tx("invite.required_mark"), ")", color_scheme="red", high_contrast=True
            ),
            html_for=field_id,
            style=_LABEL,
        ),
        rx.el.textarea(
            id=field_id,
            name=field["name"],
            required=True,
            aria_invalid=rx.cond(field["error"] != "", "true", "false"),
            aria_describedby=field_id + "-error",
            style=_DETAIL_STYLE,
        ),
        rx.text(
            field["error"],
            id=field_id + "-error",
            color_scheme="red",
            size="2",
            role=rx.cond(field["error"] != "", "alert", "none"),
        ),
        display=rx.cond(S.chosen.contains(field["service_id"]), "block", "none"),
        width="100%",
    )


def _services() -> rx.Component:
    return _section(
        "invite.section_services",
        rx.text(tx("invite.services_hint"), size="2"),
        rx.el.fieldset(
            rx.el.legend(
                tx("invite.section_services"), style={"position": "absolute", "left": "-9999px"}
            ),
            rx.vstack(
                rx.foreach(
                    S.services,
                    lambda s: rx.checkbox(
                        _lang_text(s, "label")
                        + " – "
                        + tx("invite.credits_each", credits=s["credits"]),
                        checked=S.chosen.contains(s["id"]),
                        on_change=lambda checked: S.toggle_service(s["id"], checked),
                    ),
                ),
                spacing="2",
            ),
            rx.text(
                S.errors["service_ids"],
                color_scheme="red",
                size="2",
                role=rx.cond(S.errors["service_ids"] != "", "alert", "none"),
            ),
            style={"border": "none", "padding": 0, "margin": 0},
        ),
        rx.foreach(S.detail_fields, _detail_field),
    )


def _summary() -> rx.Component:
    return _section(
        "invite.section_confirm",
        rx.heading(tx("invite.summary"), as_="h3", size="3"),
        rx.cond(
            S.summary.length() > 0,
            rx.table.root(
                rx.table.body(
                    rx.foreach(
                        S.summary,
                        lambda s: rx.table.row(
                            rx.table.row_header_cell(_lang_text(s, "label")),
                            rx.table.cell(s["credits"], text_align="right"),
                        ),
                    ),
                    rx.table.row(
                        rx.table.row_header_cell(rx.text.strong(tx("invite.summary_total"))),
                        rx.table.cell(
                            rx.text.strong(S.total_credits.to_string(), id="credits-total"),
                            text_align="right",
                        ),
                    ),
                ),
                aria_label=tx("invite.summary"),
                max_width="520px",
            ),
            rx.text(tx("invite.summary_empty")),
        ),
        rx.text(tx("invite.summary_later"), size="1", color_scheme="gray", high_contrast=True),
        rx.box(
            select_field(
                field_id="cost_centre_id",
                label=tx("invite.cost_centre"),
                name="cost_centre_id",
                options=[
                    option("", tx("invite.cost_centre_choose")),
                    rx.foreach(S.cost_centres, lambda c: option(c["id"], c["label"])),
                ],
                error=S.errors["cost_centre_id"],
                hint=tx("invite.cost_centre_hint"),
                default_value="",
            ),
            max_width="520px",
            width="100%",
        ),
    )


@rx.page(
    route=routes.ORGANISATION_INVITE,
    title="Bjud in användare – Adminportalen",
    on_load=on_load(SessionState.require_admin, S.load),
)
def organisation_invite_page() -> rx.Component:
    return admin_page(
        "org.invite_button",
        rx.form(
            rx.vstack(
                rx.text(tx("invite.intro")),
                rx.cond(
                    S.form_error != "",
                    rx.callout(
                        S.form_error,
                        icon="triangle_alert",
                        color_scheme="red",
                        high_contrast=True,
                        role="alert",
                    ),
                ),
                _person(),
                _role(),
                _services(),
                _summary(),
                rx.hstack(
                    rx.button(tx("invite.save"), type="submit", size="3"),
                    rx.link(tx("invite.cancel"), href=routes.ORGANISATION + "?enhet=" + S.unit_id),
                    spacing="4",
                    align="center",
                ),
                spacing="5",
                width="100%",
                max_width="860px",
            ),
            key=S.version.to_string(),  # remount with the loaded defaults
            on_submit=S.submit,
            reset_on_submit=False,
            no_validate=True,
        ),
    )

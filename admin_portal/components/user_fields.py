"""The user form's field groups, shared by "Lägg till användare" and the profile page.

`state` is the page's state class (a UserFormMixin); `values` maps field -> default value
(a Var on the profile page, "" on the add page).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import option, select_field, text_area, text_field
from admin_portal.components.i18n import tx
from admin_portal.models import USER_TYPE_CHOICES
from admin_portal.state.session import SessionState

USER_TYPES = USER_TYPE_CHOICES


def _value(values: dict[str, Any], key: str, fallback: str = "") -> Any:
    return values.get(key, fallback)


def name_fields(state: Any, values: dict[str, Any]) -> rx.Component:
    return rx.grid(
        text_field(
            field_id="first_name",
            label=tx("users.first_name"),
            name="first_name",
            error=state.errors["first_name"],
            default_value=_value(values, "first_name"),
            required=True,
            autocomplete="off",
        ),
        text_field(
            field_id="last_name",
            label=tx("users.last_name"),
            name="last_name",
            error=state.errors["last_name"],
            default_value=_value(values, "last_name"),
            required=True,
            autocomplete="off",
        ),
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="4",
        width="100%",
    )


def username_field(state: Any, values: dict[str, Any]) -> rx.Component:
    """F0.3: the verdict appears while typing; a banked username links head admins to the bank."""
    return rx.box(
        text_field(
            field_id="username",
            label=tx("users.username"),
            name="username",
            error=state.errors["username"],
            hint=tx("users.username_hint"),
            default_value=_value(values, "username"),
            required=True,
            on_change=state.check_username.debounce(350),
        ),
        rx.cond(
            state.username_message != "",
            rx.text(
                state.username_message,
                id="username-verdict",
                role="status",
                size="2",
                color_scheme=rx.cond(state.username_ok, "green", "red"),
            ),
        ),
        rx.cond(
            state.bank_user_id > 0,
            rx.link(
                tx("username.find_in_bank"),
                href=routes.USER_BANK + "?anvandare=" + state.bank_user_id.to_string(),
            ),
        ),
        width="100%",
    )


def unit_select(
    units: rx.Var,
    *,
    label: rx.Var,
    empty_label: rx.Var,
    error: rx.Var,
    default_value: Any,
    **select_props: Any,
) -> rx.Component:
    """ "Enhet": a select named unit_id over [{"id", "label"}] rows, with an empty first choice.

    The user forms and Bjud in användare both place a person in a unit with it.
    """
    return select_field(
        field_id="unit_id",
        label=label,
        name="unit_id",
        options=[option("", empty_label), rx.foreach(units, lambda u: option(u["id"], u["label"]))],
        error=error,
        default_value=default_value,
        **select_props,
    )


def language_select(
    *, label: rx.Var, sv_label: rx.Var, en_label: rx.Var, error: rx.Var, default_value: Any = "sv"
) -> rx.Component:
    """ "Språk": a select named language offering Swedish and English."""
    return select_field(
        field_id="language",
        label=label,
        name="language",
        options=[option("sv", sv_label), option("en", en_label)],
        error=error,
        default_value=default_value,
    )


def type_and_placement(
    state: Any, values: dict[str, Any], *, unit_only: rx.Var | bool = False
) -> rx.Component:
    """Användartyp, Företag and Enhet. With `unit_only` (a unit admin on the add page) there
    is no company to choose: it follows from the unit (services/users/manage._placement)."""
    type_options = [
        option(kind, tx(f"type.{kind}"))
        if kind != "administrator"
        else rx.cond(SessionState.is_head_admin, option(kind, tx(f"type.{kind}")))
        for kind in USER_TYPES
    ]
    return rx.grid(
        select_field(
            field_id="user_type",
            label=tx("users.user_type"),
            name="user_type",
            options=type_options,
            error=state.errors["user_type"],
            default_value=_value(values, "user_type", "employee"),
            on_change=state.set_user_type,
        ),
        rx.cond(
            unit_only,
            rx.fragment(),
            select_field(
                field_id="company_id",
                label=tx("users.company"),
                name="company_id",
                options=[
                    option("", tx("users.choose")),
                    rx.foreach(state.companies, lambda c: option(c["id"], c["label"])),
                ],
                error=state.errors["company_id"],
                default_value=_value(values, "company_id"),
                on_change=state.choose_company,
            ),
        ),
        unit_select(
            state.units,
            label=tx("users.unit"),
            empty_label=tx("users.no_unit"),
            error=state.errors["unit_id"],
            default_value=_value(values, "unit_id"),
            on_change=state.choose_unit,
        ),
        columns=rx.breakpoints(initial="1", sm="3"),
        spacing="4",
        width="100%",
    )


def brukare_picker(state: Any) -> rx.Component:
    """F0.2: an assistant is linked to at least one brukare, found by searching."""
    return rx.cond(
        state.user_type == "assistant",
        rx.el.fieldset(
            rx.el.legend(tx("users.brukare"), style={"fontWeight": "600"}),
            rx.text(tx("users.brukare_chosen"), size="2", weight="medium", margin_top="0.5em"),
            rx.cond(
                state.chosen_brukare.length() == 0,
                rx.text(
                    tx("users.brukare_none_chosen"),
                    size="2",
                    color_scheme="gray",
                    high_contrast=True,
                ),
                rx.el.ul(
                    rx.foreach(
                        state.chosen_brukare,
                        lambda b: rx.el.li(
                            rx.hstack(
                                rx.text(b["label"]),
                                rx.button(
                                    tx("users.brukare_remove"),
                                    type="button",
                                    size="1",
                                    variant="soft",
                                    color_scheme="gray",
                                    aria_label=tx("users.brukare_remove") + " " + b["label"],
                                    on_click=state.unchoose_brukare(b["id"]),
                                ),
                                align="center",
                            )
                        ),
                    ),
                    style={"listStyle": "none", "padding": 0},
                ),
            ),
            text_field(
                field_id="brukare-search",
                label=tx("users.brukare_search"),
                name="brukare_search",
                on_change=state.search_brukare.debounce(300),
            ),
            rx.el.ul(
                rx.foreach(
                    state.brukare_options,
                    lambda b: rx.el.li(
                        rx.hstack(
                            rx.text(b["label"]),
                            rx.button(
                                tx("users.brukare_add"),
                                type="button",
                                size="1",
                                aria_label=tx("users.brukare_add") + " " + b["label"],
                                on_click=state.choose_brukare(b["id"]),
                            ),
                            align="center",
                        )
                    ),
                ),
                style={"listStyle": "none", "padding": 0, "display": "grid", "gap": "0.25em"},
            ),
            rx.text(
                state.errors["brukare_ids"],
                id="brukare-error",
                color_scheme="red",
                size="2",
                role=rx.cond(state.errors["brukare_ids"] != "", "alert", "none"),
            ),
            style={
                "border": "1px solid var(--gray-6)",
                "borderRadius": "var(--radius-3)",
                "padding": "1em",
                "width": "100%",
            },
        ),
    )


def optional_fields(state: Any, values: dict[str, Any]) -> rx.Component:
    return rx.grid(
        text_field(
            field_id="email",
            label=tx("users.email"),
            name="email",
            input_type="email",
            error=state.errors["email"],
            hint=tx("users.email_hint"),
            default_value=_value(values, "email"),
            # F0.8 while typing, like the username; the save checks again.
            on_change=state.check_email.debounce(350),
        ),
        text_field(
            field_id="mobile",
            label=tx("users.mobile"),
            name="mobile",
            input_type="tel",
            error=state.errors["mobile"],
            hint=tx("users.mobile_hint"),
            default_value=_value(values, "mobile"),
        ),
        text_field(
            field_id="national_id",
            label=tx("users.national_id"),
            name="national_id",
            error=state.errors["national_id"],
            hint=tx("users.national_id_hint", support=state.support_email),
            default_value=_value(values, "national_id"),
        ),
        language_select(
            label=tx("users.language"),
            sv_label=tx("users.language_sv"),
            en_label=tx("users.language_en"),
            error=state.errors["language"],
            default_value=_value(values, "language", "sv"),
        ),
        text_area(
            field_id="notes",
            label=tx("users.notes"),
            name="notes",
            error=state.errors["notes"],
            default_value=_value(values, "notes"),
        ),
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="4",
        width="100%",
    )


def form_error(state: Any) -> rx.Component:
    return rx.cond(
        state.form_error != "",
        rx.callout(
            state.form_error, icon="triangle_alert", color_scheme="red", role="alert", width="100%"
        ),
    )

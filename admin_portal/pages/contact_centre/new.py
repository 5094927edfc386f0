"""Lägg till agent (/kontaktcenter/ny): the seed's fields, Swedish first; no password."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import option, select_field, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.pages.loading import on_load
from admin_portal.state.contact_centre.new import NewAgentState as S
from admin_portal.state.session import SessionState


def _err(name: str) -> rx.Var:
    return S.errors.get(name, "").to(str)


def _numeric_id() -> rx.Component:
    return rx.box(
        rx.el.label(
            tx("contact_centre.numeric_id"),
            html_for="cc-numeric-id",
            style={"fontWeight": "500", "display": "block", "marginBottom": "0.25em"},
        ),
        rx.hstack(
            rx.input(
                id="cc-numeric-id",
                name="numeric_id",
                value=S.numeric_value,
                on_change=S.check_numeric_id.debounce(300),
                inputmode="numeric",
                aria_describedby="cc-numeric-id-error",
                size="3",
            ),
            rx.button(
                tx("contact_centre.see_used_ids"),
                type="button",
                variant="soft",
                on_click=S.show_used_ids,
            ),
            align="center",
        ),
        rx.text(
            rx.cond(_err("numeric_id") != "", _err("numeric_id"), S.numeric_message),
            id="cc-numeric-id-error",
            color_scheme="red",
            size="2",
            role="alert",
        ),
        rx.cond(
            S.used_shown,
            rx.box(
                rx.text(
                    rx.cond(
                        S.used_ranges != "",
                        tx("contact_centre.used_ids", ranges=S.used_ranges),
                        tx("contact_centre.used_ids_none"),
                    ),
                    id="cc-used-ids",
                ),
                rx.hstack(
                    rx.text(tx("contact_centre.next_free", value=S.next_free)),
                    rx.button(
                        tx("contact_centre.use_next_free", value=S.next_free),
                        type="button",
                        size="1",
                        variant="soft",
                        on_click=S.use_next_free,
                    ),
                    align="center",
                ),
                role="status",
            ),
        ),
        width="100%",
    )


def _external_row(index: rx.Var) -> rx.Component:
    n = index.to(str)
    return rx.hstack(
        rx.el.label(
            tx("contact_centre.external_system"),
            rx.input(name="ext_system_" + n, size="2"),
        ),
        rx.el.label(
            tx("contact_centre.external_id"),
            rx.input(name="ext_id_" + n, size="2"),
        ),
        align="end",
    )


def _profile_node(profile: rx.Var, ticked: rx.Var, toggle: rx.EventHandler) -> rx.Component:
    box_id = "cc-profile-" + profile["id"].to(str)
    return rx.el.li(
        rx.el.input(
            type="checkbox",
            id=box_id,
            checked=ticked.contains(profile["id"]),
            on_change=toggle(profile["id"]),
        ),
        " ",
        rx.el.label(profile["name"], html_for=box_id, style={"fontWeight": "500"}),
        rx.el.details(
            rx.el.summary(tx("contact_centre.skills_of", name=profile["name"])),
            rx.el.ul(
                rx.foreach(
                    profile["skills"].to(list[dict[str, str]]),
                    lambda s: rx.el.li(
                        tx("contact_centre.skill_level", skill=s["name"], level=s["level"])
                    ),
                ),
            ),
            style={"paddingLeft": "1.5em"},
        ),
    )


def group_profile_tree(
    profiles: rx.Var, ticked: rx.Var, toggle: rx.EventHandler, empty_key: str
) -> rx.Component:
    """The group's profiles as a tree: a tick per profile, its skills expandable below."""
    return rx.cond(
        profiles.length() == 0,
        rx.text(tx(empty_key)),
        rx.el.ul(
            rx.foreach(profiles, lambda p: _profile_node(p, ticked, toggle)),
            style={"listStyle": "none", "padding": 0},
        ),
    )


def _group_profiles() -> rx.Component:
    return rx.el.details(
        rx.el.summary(tx("contact_centre.group_profiles"), style={"fontWeight": "600"}),
        rx.text(tx("contact_centre.group_profiles_hint"), size="2"),
        rx.cond(
            S.group_id == "",
            rx.text(tx("contact_centre.choose_group_first")),
            group_profile_tree(
                S.group_profiles, S.ticked, S.toggle_profile, "contact_centre.group_profiles_none"
            ),
        ),
        id="cc-group-profiles",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(tx("contact_centre.no_password_note")),
            rx.cond(S.error != "", rx.text(S.error, color_scheme="red", role="alert")),
            rx.grid(
                text_field(
                    field_id="cc-first-name",
                    label=tx("contact_centre.first_name"),
                    name="first_name",
                    error=_err("first_name"),
                ),
                text_field(
                    field_id="cc-last-name",
                    label=tx("contact_centre.last_name"),
                    name="last_name",
                    error=_err("last_name"),
                ),
                text_field(
                    field_id="cc-username",
                    label=tx("contact_centre.username"),
                    name="username",
                    error=_err("username"),
                    required=True,
                ),
                _numeric_id(),
                rx.box(
                    text_field(
                        field_id="cc-email",
                        label=tx("contact_centre.email"),
                        name="email",
                        input_type="email",
                        error=_err("email"),
                    ),
                    rx.el.label(
                        rx.el.input(
                            type="checkbox",
                            checked=S.login_same,
                            on_change=S.set_login_same,
                        ),
                        " ",
                        tx("contact_centre.login_id_is_email"),
                    ),
                ),
                text_field(
                    field_id="cc-mobile",
                    label=tx("contact_centre.mobile"),
                    name="mobile",
                    input_type="tel",
                    error=_err("mobile"),
                    hint=tx("contact_centre.mobile_hint"),
                ),
                select_field(
                    field_id="cc-group",
                    label=tx("contact_centre.group"),
                    name="group_id",
                    options=[
                        option("", tx("contact_centre.choose_group")),
                        rx.foreach(S.groups, lambda g: option(g["id"], g["name"])),
                    ],
                    error=_err("group_id"),
                    value=S.group_id,
                    on_change=S.choose_group,
                    required=True,
                ),
                select_field(
                    field_id="cc-language",
                    label=tx("contact_centre.language"),
                    name="language",
                    options=[option("sv", "Svenska"), option("en", "English")],
                    required=True,
                ),
                text_field(
                    field_id="cc-keywords",
                    label=tx("contact_centre.keywords"),
                    name="keywords",
                    error=_err("keywords"),
                ),
                text_field(
                    field_id="cc-user-type",
                    label=tx("contact_centre.user_type"),
                    name="user_type_shown",
                    value=tx("contact_centre.user_type_value"),
                    read_only=True,
                ),
                rx.cond(
                    S.login_same,
                    rx.fragment(),
                    text_field(
                        field_id="cc-login-id",
                        label=tx("contact_centre.login_id"),
                        name="login_id",
                        error=_err("login_id"),
                    ),
                ),
                columns="3",
                spacing="4",
                width="100%",
            ),
            rx.el.fieldset(
                rx.el.legend(tx("contact_centre.external_ids")),
                rx.vstack(rx.foreach(S.external_rows, _external_row), spacing="2"),
                rx.button(
                    tx("contact_centre.add_external_id"),
                    type="button",
                    variant="soft",
                    on_click=S.add_external_row,
                    aria_label=tx("contact_centre.add_external_id_label"),
                ),
                rx.text(_err("external_ids"), color_scheme="red", size="2"),
            ),
            _group_profiles(),
            rx.hstack(
                rx.button(tx("contact_centre.save_agent"), type="submit", size="3"),
                rx.link(
                    tx("contact_centre.back_to_list"),
                    href=routes.CONTACT_CENTRE,
                    high_contrast=True,
                ),
                align="center",
                spacing="4",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=S.submit,
        key=S.form_version.to_string(),
        aria_label=tx("contact_centre.add_agent"),
        width="100%",
    )


@rx.page(
    route=routes.CONTACT_CENTRE_NEW,
    title="Lägg till agent – Adminportalen",
    on_load=on_load(SessionState.require_admin, S.load),
)
def new_agent_page() -> rx.Component:
    return admin_page("contact_centre.add_agent", _form())

"""The agent page (/kontaktcenter/agent/<id>): settings, profiles, Flytta, Ta bort agent."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import option, select_field, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.pages.contact_centre.new import group_profile_tree
from admin_portal.pages.loading import on_load
from admin_portal.state.contact_centre.agent import AgentState as S
from admin_portal.state.session import SessionState


def _facts() -> rx.Component:
    def fact(key: str, value: rx.Var) -> rx.Component:
        return rx.fragment(rx.el.dt(tx(key), style={"fontWeight": "600"}), rx.el.dd(value))

    return rx.el.dl(
        fact("contact_centre.col_username", S.agent["username"].to(str)),
        fact("contact_centre.numeric_id", S.agent["numeric_id"].to(str)),
        fact("contact_centre.email", S.agent["email"].to(str)),
        fact("contact_centre.mobile", S.agent["mobile"].to(str)),
        fact("contact_centre.login_id", S.agent["login_id"].to(str)),
        fact("contact_centre.keywords", S.agent["keywords"].to(str)),
        fact("contact_centre.col_group", S.agent["group"].to(str)),
        fact("contact_centre.external_ids", S.externals.join(", ")),
    )


def _external_row(row: rx.Var) -> rx.Component:
    n = row["n"].to(str)
    return rx.hstack(
        rx.el.label(
            tx("contact_centre.external_system"),
            rx.input(name="ext_system_" + n, default_value=row["system"].to(str), size="2"),
        ),
        rx.el.label(
            tx("contact_centre.external_id"),
            rx.input(name="ext_id_" + n, default_value=row["id"].to(str), size="2"),
        ),
        align="end",
    )


def _details() -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field(
                field_id="cc-edit-keywords",
                label=tx("contact_centre.keywords"),
                name="keywords",
                default_value=S.agent["keywords"].to(str),
            ),
            text_field(
                field_id="cc-edit-login-id",
                label=tx("contact_centre.login_id"),
                name="login_id",
                default_value=S.agent["login_id"].to(str),
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
            ),
            rx.hstack(
                rx.button(tx("contact_centre.save_details"), type="submit"),
                rx.link(
                    tx("contact_centre.edit_in_users"),
                    href="/anvandare/" + S.agent["id"].to(str),
                    high_contrast=True,
                ),
                align="center",
                spacing="4",
            ),
            align="start",
            width="100%",
        ),
        on_submit=S.save_details,
        key=S.details_version.to_string(),
        aria_label=tx("contact_centre.save_details"),
        width="100%",
    )


def _setting_row(s: rx.Var) -> rx.Component:
    label = s["label"].to(str)
    field_id = "cc-own-" + s["key"].to(str)
    return rx.el.li(
        rx.el.span(
            label,
            ": ",
            s["value"].to(str),
            " (",
            rx.cond(s["own"], tx("contact_centre.own_value"), tx("contact_centre.inherited")),
            ")",
        ),
        rx.form(
            rx.hstack(
                rx.el.input(type="hidden", name="key", value=s["key"].to(str)),
                rx.el.label(tx("contact_centre.own_value_for", setting=label), html_for=field_id),
                rx.input(id=field_id, name="value", type="number", min=0, max=3600, size="1"),
                rx.button(
                    tx("contact_centre.save_own_value"),
                    type="submit",
                    size="1",
                    variant="soft",
                    aria_label=tx("contact_centre.save_own_value_for", setting=label),
                ),
                rx.cond(
                    s["own"],
                    rx.button(
                        tx("contact_centre.inherit"),
                        type="button",
                        size="1",
                        variant="soft",
                        on_click=S.inherit_setting(s["key"].to(str)),
                        aria_label=tx("contact_centre.inherit_for", setting=label),
                    ),
                ),
                align="center",
            ),
            on_submit=S.save_setting,
            reset_on_submit=True,
            aria_label=tx("contact_centre.own_value_for", setting=label),
        ),
    )


def _filter_row(f: rx.Var) -> rx.Component:
    name = f["name"].to(str)
    return rx.el.li(
        rx.el.span(
            name,
            " (",
            rx.cond(f["own"], tx("contact_centre.own_value"), tx("contact_centre.inherited")),
            ")",
        ),
        rx.cond(
            f["own"],
            rx.button(
                tx("contact_centre.delete_profile"),
                size="1",
                variant="soft",
                color_scheme="red",
                margin_left="1em",
                on_click=S.remove_filter(name),
                aria_label=tx("contact_centre.remove_own_filter", name=name),
            ),
        ),
    )


def _settings() -> rx.Component:
    return rx.box(
        rx.heading(tx("contact_centre.settings"), as_="h2", size="4"),
        rx.el.ul(rx.foreach(S.settings, _setting_row), id="cc-settings"),
        rx.heading(tx("contact_centre.resource_filters"), as_="h3", size="3"),
        rx.cond(
            S.filters.length() == 0,
            rx.text(tx("contact_centre.no_filters")),
            rx.el.ul(rx.foreach(S.filters, _filter_row)),
        ),
        rx.form(
            rx.hstack(
                rx.el.label(tx("contact_centre.own_filter"), html_for="cc-own-filter"),
                rx.input(id="cc-own-filter", name="name", size="1"),
                rx.button(
                    tx("contact_centre.add_own_filter"), type="submit", size="1", variant="soft"
                ),
                align="center",
            ),
            on_submit=S.add_filter,
            reset_on_submit=True,
            aria_label=tx("contact_centre.add_own_filter"),
        ),
        rx.text(
            rx.cond(
                S.agent["in_queues"].to(str) != "",
                tx("contact_centre.logged_in_to", queues=S.agent["in_queues"].to(str)),
                tx("contact_centre.not_logged_in"),
            ),
            id="cc-queue-state",
        ),
    )


def _group_profiles() -> rx.Component:
    return rx.el.details(
        rx.el.summary(
            tx("contact_centre.group_profiles"), style={"fontWeight": "600", "fontSize": "1.1em"}
        ),
        rx.text(tx("contact_centre.group_profiles_hint"), size="2"),
        group_profile_tree(
            S.group_profiles, S.ticked, S.toggle_profile, "contact_centre.group_profiles_none"
        ),
        rx.button(tx("contact_centre.save_group_profiles"), on_click=S.save_group_profiles),
        id="cc-group-profiles",
    )


def _skill_row(skill: rx.Var) -> rx.Component:
    box_id = "cc-skill-" + skill["id"].to(str)
    level_id = "cc-level-" + skill["id"].to(str)
    used = S.edit_levels.contains(skill["id"])
    return rx.el.li(
        rx.el.input(
            type="checkbox", id=box_id, checked=used, on_change=S.toggle_skill(skill["id"])
        ),
        " ",
        rx.el.label(skill["name"].to(str), html_for=box_id),
        rx.cond(
            used,
            rx.fragment(
                " ",
                rx.el.label(
                    tx("contact_centre.level_for", skill=skill["name"].to(str)),
                    html_for=level_id,
                    class_name="rt-visually-hidden",
                    style={
                        "position": "absolute",
                        "width": "1px",
                        "height": "1px",
                        "overflow": "hidden",
                        "clipPath": "inset(50%)",
                    },
                ),
                rx.el.select(
                    *[rx.el.option(str(i), value=str(i)) for i in range(1, 10)],
                    id=level_id,
                    value=S.edit_levels[skill["id"].to(str)].to(str),
                    on_change=lambda v: S.set_skill_level(skill["id"], v),
                ),
            ),
        ),
    )


def _editor() -> rx.Component:
    return rx.cond(
        S.editing != "",
        rx.box(
            text_field(
                field_id="cc-profile-name",
                label=tx("contact_centre.profile_name"),
                name="profile_name",
                value=S.edit_name,
                on_change=S.set_edit_name,
            ),
            rx.el.fieldset(
                rx.el.legend(tx("contact_centre.skill") + " / " + tx("contact_centre.level")),
                rx.el.ul(
                    rx.foreach(S.skills, _skill_row), style={"listStyle": "none", "padding": 0}
                ),
            ),
            rx.cond(
                S.unsaved,
                rx.text(
                    tx("contact_centre.unsaved"),
                    color_scheme="amber",
                    high_contrast=True,
                    role="status",
                ),
            ),
            rx.hstack(
                rx.button(tx("contact_centre.save_profile"), on_click=S.save_profile),
                rx.button(tx("contact_centre.cancel"), on_click=S.cancel_profile, variant="soft"),
            ),
            id="cc-profile-editor",
            style={"border": "1px solid var(--gray-6)", "padding": "1em", "borderRadius": "8px"},
        ),
    )


def _personal_row(profile: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(profile["name"].to(str), weight="bold", as_="span"),
        ": ",
        rx.foreach(
            profile["skills"].to(list[dict[str, str]]),
            lambda s: rx.text(
                tx("contact_centre.skill_level", skill=s["name"], level=s["level"]), " ", as_="span"
            ),
        ),
        rx.button(
            tx("contact_centre.edit_profile"),
            size="1",
            variant="soft",
            on_click=S.edit_profile(profile["id"]),
            aria_label=tx("contact_centre.edit_profile_label", name=profile["name"].to(str)),
        ),
        " ",
        rx.button(
            tx("contact_centre.delete_profile"),
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=S.delete_profile(profile["id"]),
            aria_label=tx("contact_centre.delete_profile_label", name=profile["name"].to(str)),
        ),
    )


def _personal_profiles() -> rx.Component:
    return rx.box(
        rx.heading(tx("contact_centre.personal_profiles"), as_="h2", size="4"),
        rx.text(tx("contact_centre.personal_profiles_hint"), size="2"),
        rx.cond(
            S.personal.length() == 0,
            rx.text(tx("contact_centre.personal_profiles_none")),
            rx.el.ul(rx.foreach(S.personal, _personal_row), id="cc-personal-profiles"),
        ),
        rx.button(tx("contact_centre.new_profile"), on_click=S.new_profile, variant="soft"),
        _editor(),
    )


def _names(key: str, raw: rx.Var) -> rx.Component:
    items = raw.to(list[str])
    return rx.box(
        rx.text(tx(key), weight="bold"),
        rx.cond(
            items.length() == 0,
            rx.text(tx("contact_centre.nothing")),
            rx.el.ul(rx.foreach(items, lambda n: rx.el.li(n))),
        ),
    )


def _move() -> rx.Component:
    p = S.preview
    return rx.box(
        rx.heading(tx("contact_centre.move_title"), as_="h2", size="4"),
        rx.form(
            rx.hstack(
                select_field(
                    field_id="cc-move-to",
                    label=tx("contact_centre.move_to"),
                    name="group_id",
                    options=[
                        option("", tx("contact_centre.choose_group")),
                        rx.foreach(S.groups, lambda g: option(g["id"], g["name"])),
                    ],
                ),
                rx.button(tx("contact_centre.move"), type="submit"),
                align="end",
            ),
            on_submit=S.preview_move,
            aria_label=tx("contact_centre.move"),
        ),
        rx.cond(
            S.preview.length() > 0,
            rx.box(
                rx.heading(p["heading"].to(str), as_="h3", size="3"),
                rx.grid(
                    _names("contact_centre.profiles_lost", p["profiles_lost"]),
                    _names("contact_centre.profiles_gained", p["profiles_gained"]),
                    _names("contact_centre.own_values_kept", p["own_kept"]),
                    _names("contact_centre.inherited_changed", p["inherited_changed"]),
                    _names("contact_centre.own_filters_kept", p["own_filters_kept"]),
                    _names("contact_centre.filters_lost", p["filters_lost"]),
                    _names("contact_centre.filters_gained", p["filters_gained"]),
                    columns="2",
                    spacing="3",
                ),
                rx.cond(
                    p["refusal"].to(str) != "",
                    rx.callout.root(
                        rx.callout.text(p["refusal"].to(str)),
                        color_scheme="red",
                        role="alert",
                        high_contrast=True,
                    ),
                    rx.box(
                        rx.callout.root(
                            rx.callout.text(tx("contact_centre.tell_agent")),
                            color_scheme="amber",
                            high_contrast=True,
                        ),
                        rx.hstack(
                            rx.button(tx("contact_centre.confirm_move"), on_click=S.confirm_move),
                            rx.button(
                                tx("contact_centre.cancel"), on_click=S.cancel_move, variant="soft"
                            ),
                        ),
                    ),
                ),
                id="cc-move-preview",
                style={
                    "border": "1px solid var(--gray-6)",
                    "padding": "1em",
                    "borderRadius": "8px",
                },
            ),
        ),
    )


def _page() -> rx.Component:
    return rx.vstack(
        rx.link(tx("contact_centre.back_to_list"), href=routes.CONTACT_CENTRE, high_contrast=True),
        rx.heading(S.agent["name"].to(str), as_="h2", size="6"),
        rx.cond(
            S.notice != "",
            rx.text(S.notice, role="status", color_scheme="green", high_contrast=True),
        ),
        rx.cond(
            S.error != "", rx.text(S.error, role="alert", color_scheme="red", high_contrast=True)
        ),
        _facts(),
        _details(),
        _settings(),
        _group_profiles(),
        _personal_profiles(),
        _move(),
        rx.button(
            tx("contact_centre.remove"), on_click=S.remove, color_scheme="red", variant="soft"
        ),
        spacing="4",
        align="start",
        width="100%",
    )


@rx.page(
    route=routes.CONTACT_CENTRE_AGENT,
    title="Agent – Adminportalen",
    on_load=on_load(SessionState.require_admin, S.load),
)
def agent_page() -> rx.Component:
    return admin_page(
        "contact_centre.agent",
        rx.cond(S.found, _page(), rx.text(tx("error.not_found"))),
    )

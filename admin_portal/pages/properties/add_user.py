"""Lägg till en användare (/boenden/anvandare/lagg-till): Nuvarande användare or Ny användare."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import primary_button, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.components.page_error import page_error
from admin_portal.components.properties_parts import rights_grid
from admin_portal.pages.loading import on_load
from admin_portal.state.properties.add_user import PropertyAddUserState as S


def _kind_choice() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(tx("properties.add.kind")),
        rx.hstack(
            rx.button(
                tx("properties.add.existing"),
                variant=rx.cond(S.kind == "existing", "solid", "soft"),
                on_click=S.choose_kind("existing"),
                aria_pressed=rx.cond(S.kind == "existing", "true", "false"),
            ),
            rx.button(
                tx("properties.add.new"),
                variant=rx.cond(S.kind == "new", "solid", "soft"),
                on_click=S.choose_kind("new"),
                aria_pressed=rx.cond(S.kind == "new", "true", "false"),
            ),
            spacing="3",
        ),
        style={"border": "none", "padding": 0},
    )


def _existing_who() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(tx("properties.add.existing_note"), size="2"),
            text_field(
                field_id="existing-username",
                label=tx("properties.add.username"),
                name="username",
                required=True,
            ),
            text_field(
                field_id="existing-email",
                label=tx("properties.add.email"),
                name="email",
                input_type="email",
                required=True,
            ),
            primary_button(tx("properties.add.see_rights")),
            spacing="3",
            max_width="28em",
            width="100%",
        ),
        on_submit=S.see_rights,
        reset_on_submit=False,
    )


def _new_who() -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field(
                field_id="new-first-name",
                label=tx("properties.add.first_name"),
                name="first_name",
                error=S.first_name_error,
                required=True,
            ),
            text_field(
                field_id="new-last-name",
                label=tx("properties.add.last_name"),
                name="last_name",
                error=S.last_name_error,
                required=True,
            ),
            text_field(
                field_id="new-email",
                label=tx("properties.add.email"),
                name="email",
                input_type="email",
                error=S.email_error,
                required=True,
            ),
            rx.callout(
                tx("properties.add.username_note"), icon="info", size="1", high_contrast=True
            ),
            primary_button(tx("properties.add.next")),
            spacing="3",
            max_width="28em",
            width="100%",
        ),
        on_submit=S.next_step,
        reset_on_submit=False,
    )


def _rights(heading: rx.Component, submit_key: str, handler: rx.EventHandler) -> rx.Component:
    return rx.form(
        rx.vstack(
            heading,
            rights_grid(S.grid),
            primary_button(tx(submit_key)),
            spacing="3",
            max_width="36em",
            width="100%",
        ),
        on_submit=handler,
        reset_on_submit=False,
    )


def _body() -> rx.Component:
    return rx.match(
        S.step,
        (
            "done",
            rx.callout(
                S.done_message,
                icon="check",
                color_scheme="green",
                role="status",
                high_contrast=True,
            ),
        ),
        (
            "rights",
            rx.cond(
                S.kind == "existing",
                _rights(
                    rx.heading(
                        tx(
                            "properties.add.matched",
                            name=S.matched_name,
                            username=S.matched_username,
                        ),
                        as_="h2",
                        size="4",
                    ),
                    "properties.add.save",
                    S.save_existing,
                ),
                _rights(
                    rx.vstack(
                        rx.heading(S.new_name, as_="h2", size="4"),
                        rx.text(S.new_email, size="2"),
                        rx.text(tx("properties.add.username_note"), size="2"),
                    ),
                    "properties.add.send",
                    S.send_invitation,
                ),
            ),
        ),
        rx.match(
            S.kind,
            ("existing", _existing_who()),
            ("new", _new_who()),
            rx.fragment(),
        ),
    )


@rx.page(
    route=routes.PROPERTY_ADD_USER,
    title="Lägg till en användare – Adminportalen",
    on_load=on_load(S.load),
)
def property_add_user_page() -> rx.Component:
    return admin_page(
        "properties.add.title",
        rx.vstack(
            page_error(S.page_error),
            rx.cond(S.step != "done", _kind_choice()),
            _body(),
            rx.link(tx("properties.users.title"), href=routes.PROPERTY_USERS),
            spacing="4",
            width="100%",
        ),
    )

"""Välj lösenord: reached from a welcome or reset mail. Opening does not use the link up."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import primary_button
from admin_portal.components.i18n import tx
from admin_portal.components.layout import plain_page
from admin_portal.components.new_password import dead_link, new_password_fields
from admin_portal.pages.loading import on_load
from admin_portal.state.auth.pages import SetPasswordState


def _dead_link(message_key: str) -> rx.Component:
    return dead_link(
        tx(message_key),
        way_on=rx.link(tx("set_password.request_new"), href=routes.FORGOT_PASSWORD),
    )


def _expired_link() -> rx.Component:
    # A welcome link that ran out: a new one goes to the address on file, no questions asked.
    return rx.vstack(
        rx.callout(
            tx("set_password.link_expired"),
            icon="triangle_alert",
            color_scheme="amber",
            role="alert",
        ),
        rx.cond(
            SetPasswordState.new_link_sent,
            rx.callout(tx("set_password.new_link_sent"), icon="mail", role="status"),
            rx.button(tx("set_password.send_new_link"), on_click=SetPasswordState.send_new_link),
        ),
        rx.link(tx("set_password.request_new"), href=routes.FORGOT_PASSWORD),
    )


def _form() -> rx.Component:
    return rx.vstack(
        rx.text(tx("set_password.intro", username=SetPasswordState.link_username)),
        rx.form(
            rx.vstack(
                *new_password_fields(
                    id_prefix="",
                    password_label=tx("set_password.password"),
                    repeat_label=tx("set_password.repeat"),
                    password_error=SetPasswordState.password_error,
                    repeat_error=SetPasswordState.repeat_error,
                ),
                primary_button(tx("set_password.submit"), width="100%"),
                spacing="3",
                width="100%",
            ),
            on_submit=SetPasswordState.save,
            reset_on_submit=False,
            width="100%",
        ),
        width="100%",
    )


@rx.page(
    route=routes.SET_PASSWORD,
    title="Välj lösenord – Adminportalen",
    on_load=on_load(SetPasswordState.on_open),
)
def set_password_page() -> rx.Component:
    return plain_page(
        tx("set_password.title"),
        rx.cond(
            SetPasswordState.done,
            rx.vstack(
                rx.callout(
                    tx("set_password.done"), icon="check", color_scheme="green", role="status"
                ),
                rx.link(tx("login.title"), href=routes.LOGIN),
            ),
            rx.match(
                SetPasswordState.link_state,
                ("valid", _form()),
                ("expired", _expired_link()),
                ("used", _dead_link("set_password.link_used")),
                ("unknown", _dead_link("set_password.link_unknown")),
                rx.spinner(),
            ),
        ),
    )

"""Logga in."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import primary_button, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import plain_page
from admin_portal.pages.loading import on_load
from admin_portal.state.auth.pages import LoginState


@rx.page(route=routes.LOGIN, title="Logga in – Adminportalen", on_load=on_load(LoginState.on_open))
def login_page() -> rx.Component:
    return plain_page(
        tx("login.title"),
        rx.cond(LoginState.notice != "", rx.callout(LoginState.notice, icon="info")),
        rx.form(
            rx.vstack(
                text_field(
                    field_id="login-username",
                    label=tx("login.username"),
                    name="username",
                    autocomplete="username",
                ),
                text_field(
                    field_id="login-password",
                    label=tx("login.password"),
                    name="password",
                    input_type="password",
                    autocomplete="current-password",
                ),
                rx.cond(
                    LoginState.error != "",
                    rx.callout(
                        LoginState.error, icon="triangle_alert", color_scheme="red", role="alert"
                    ),
                ),
                primary_button(tx("login.submit"), width="100%"),
                spacing="3",
                width="100%",
            ),
            on_submit=LoginState.log_in,
            reset_on_submit=False,
            width="100%",
        ),
        rx.link(tx("login.forgot"), href=routes.FORGOT_PASSWORD),
        # F3.2: agents without a password get a one-time password by e-mail or SMS.
        rx.link(tx("one_time_password.link"), href=routes.ONE_TIME_PASSWORD),
    )

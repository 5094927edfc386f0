"""Engångslösenord (/engangslosenord): "Behöver nytt lösenord?" by e-mail or SMS (F3.2)."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import primary_button, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import plain_page
from admin_portal.pages.loading import on_load
from admin_portal.state.contact_centre.one_time_password import OneTimePasswordState as S


def _channel(value: str, key: str) -> rx.Component:
    box_id = f"otp-channel-{value}"
    return rx.el.label(
        rx.el.input(
            type="radio", name="channel", value=value, id=box_id, default_checked=value == "email"
        ),
        " ",
        tx(key),
        html_for=box_id,
        style={"marginRight": "1.5em"},
    )


def _request_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field(
                field_id="otp-username",
                label=tx("one_time_password.username"),
                name="username",
                autocomplete="username",
            ),
            rx.el.fieldset(
                rx.el.legend(tx("one_time_password.channel")),
                _channel("email", "one_time_password.channel_email"),
                _channel("sms", "one_time_password.channel_sms"),
            ),
            primary_button(tx("one_time_password.send"), width="100%"),
            spacing="3",
            width="100%",
        ),
        on_submit=S.send_code,
        width="100%",
        aria_label=tx("one_time_password.send"),
    )


def _code_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.callout(S.sent_message, icon="mail", role="status"),
            text_field(
                field_id="otp-code",
                label=tx("one_time_password.code"),
                name="code",
                autocomplete="one-time-code",
                inputmode="numeric",
            ),
            primary_button(tx("one_time_password.continue"), width="100%"),
            spacing="3",
            width="100%",
        ),
        on_submit=S.redeem,
        width="100%",
        aria_label=tx("one_time_password.continue"),
    )


@rx.page(
    route=routes.ONE_TIME_PASSWORD,
    title="Engångslösenord – Adminportalen",
    on_load=on_load(S.on_open),
)
def one_time_password_page() -> rx.Component:
    return plain_page(
        tx("one_time_password.title"),
        rx.text(tx("one_time_password.intro")),
        rx.cond(S.error != "", rx.text(S.error, color_scheme="red", role="alert")),
        rx.cond(S.step == "code", _code_form(), _request_form()),
        rx.link(tx("one_time_password.back_to_login"), href=routes.LOGIN),
    )

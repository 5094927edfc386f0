"""Glömt lösenord?"""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import primary_button, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import plain_page
from admin_portal.pages.loading import on_load
from admin_portal.state.auth.pages import ForgotPasswordState


@rx.page(
    route=routes.FORGOT_PASSWORD,
    title="Glömt lösenord? – Adminportalen",
    on_load=on_load(ForgotPasswordState.on_open),
)
def forgot_password_page() -> rx.Component:
    return plain_page(
        tx("forgot.title"),
        rx.text(tx("forgot.intro")),
        rx.cond(
            ForgotPasswordState.done_message != "",
            rx.callout(ForgotPasswordState.done_message, icon="mail", role="status"),
            rx.form(
                rx.vstack(
                    text_field(
                        field_id="forgot-identifier",
                        label=tx("forgot.identifier"),
                        name="identifier",
                        autocomplete="username",
                        error=ForgotPasswordState.error,
                    ),
                    primary_button(tx("forgot.submit"), width="100%"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=ForgotPasswordState.send_link,
                reset_on_submit=False,
                width="100%",
            ),
        ),
        rx.link(tx("forgot.back"), href=routes.LOGIN),
    )

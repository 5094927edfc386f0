"""Verifiera e-postadress (F1.1): confirm, then learn how to create a password."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.components.layout import plain_page
from admin_portal.pages.loading import on_load
from admin_portal.state.verification.email import VerifyEmailState


def _dead_link(message_key: str) -> rx.Component:
    return rx.callout(tx(message_key), icon="triangle_alert", color_scheme="amber", role="alert")


def _confirm() -> rx.Component:
    return rx.vstack(
        rx.text(tx("verify.intro", email=VerifyEmailState.email)),
        rx.button(tx("verify.confirm"), on_click=VerifyEmailState.confirm, size="3"),
        width="100%",
    )


def _done() -> rx.Component:
    # F1.1: the connection is active now; the password is created through "Glömt ditt lösenord?".
    return rx.vstack(
        rx.callout(tx("verify.done"), icon="check", color_scheme="green", role="status"),
        rx.text(tx("verify.next_step")),
        rx.link(tx("verify.forgot_link"), href=routes.FORGOT_PASSWORD),
        width="100%",
    )


@rx.page(
    route=routes.VERIFY_EMAIL,
    title="Verifiera e-postadress – Adminportalen",
    on_load=on_load(VerifyEmailState.on_open),
)
def verify_email_page() -> rx.Component:
    return plain_page(
        tx("verify.title"),
        rx.cond(
            VerifyEmailState.done,
            _done(),
            rx.match(
                VerifyEmailState.link_state,
                ("valid", _confirm()),
                ("expired", _dead_link("verification.link_expired")),
                ("used", _dead_link("verification.link_used")),
                ("unknown", _dead_link("verification.link_unknown")),
                rx.spinner(),
            ),
        ),
    )

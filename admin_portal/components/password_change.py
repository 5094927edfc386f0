"""The Byt lösenord section of Mitt konto."""

from __future__ import annotations

import reflex as rx

from admin_portal.components.forms import primary_button, text_field
from admin_portal.components.i18n import tx
from admin_portal.state.auth.password_change import PasswordChangeState as S


def _password_field(field_id: str, label_key: str, name: str, error: rx.Var, autocomplete: str):
    return text_field(
        field_id=field_id,
        label=tx(label_key),
        name=name,
        input_type="password",
        autocomplete=autocomplete,
        error=error,
    )


def password_change_section() -> rx.Component:
    return rx.el.section(
        rx.heading(tx("password_change.title"), as_="h2", size="4"),
        rx.text(tx("password_change.intro"), size="2"),
        rx.cond(
            S.done,
            rx.callout(
                tx("password_change.done"), icon="check", color_scheme="green", role="status"
            ),
        ),
        rx.form(
            rx.vstack(
                _password_field(
                    "current-password",
                    "password_change.current",
                    "current",
                    S.current_error,
                    "current-password",
                ),
                _password_field(
                    "new-password",
                    "password_change.new",
                    "password",
                    S.password_error,
                    "new-password",
                ),
                _password_field(
                    "repeat-password",
                    "password_change.repeat",
                    "repeat",
                    S.repeat_error,
                    "new-password",
                ),
                primary_button(tx("password_change.submit")),
                spacing="3",
                width="100%",
            ),
            key=S.version,
            on_submit=S.change,
            reset_on_submit=False,
            width="100%",
        ),
        aria_label=tx("password_change.title"),
        style={"display": "grid", "gap": "0.75em", "width": "100%"},
    )

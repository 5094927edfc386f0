"""The confirmation form inside a removal dialog: optional reason, cancel, confirm."""

from __future__ import annotations

from typing import Any

import reflex as rx

from admin_portal.components.forms import text_field
from admin_portal.components.i18n import tx


def remove_confirm_form(*, field_id: str, on_submit: Any, error: rx.Var | str = "") -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field(
                field_id=field_id, label=tx("profile.remove_reason"), name="reason", error=error
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        tx("profile.cancel"), variant="soft", color_scheme="gray", type="button"
                    )
                ),
                rx.button(tx("profile.remove_confirm"), color_scheme="red", type="submit"),
                justify="end",
                width="100%",
            ),
            spacing="3",
        ),
        on_submit=on_submit,
    )

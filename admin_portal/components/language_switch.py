"""Svenska / English: two toggle buttons, remembered in the browser."""

from __future__ import annotations

import reflex as rx

from admin_portal.components.i18n import tx
from admin_portal.state.session import SessionState


def language_switch() -> rx.Component:
    def option(code: str, label: str) -> rx.Component:
        return rx.button(
            label,
            lang=code,
            variant=rx.cond(SessionState.lang == code, "solid", "outline"),
            aria_pressed=rx.cond(SessionState.lang == code, "true", "false"),
            size="1",
            on_click=SessionState.set_language(code),
        )

    return rx.hstack(
        option("sv", "Svenska"),
        option("en", "English"),
        role="group",
        aria_label=tx("header.language"),
        spacing="1",
    )

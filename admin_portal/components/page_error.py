"""The page-level error: one red callout that screen readers announce (role="alert")."""

from __future__ import annotations

import reflex as rx


def error_callout(message: rx.Var | str) -> rx.Component:
    """A red, high-contrast callout announcing `message`."""
    return rx.callout(
        message,
        icon="triangle-alert",
        color_scheme="red",
        role="alert",
        high_contrast=True,
    )


def page_error(message: rx.Var) -> rx.Component:
    """`error_callout(message)` while `message` is not empty; nothing otherwise."""
    return rx.cond(message != "", error_callout(message))

"""Form fields with a visible, bound label and the field's own error right beneath it."""

from __future__ import annotations

from typing import Any

import reflex as rx

_LABEL_STYLE = {"fontWeight": "500", "display": "block", "marginBottom": "0.25em"}
_SELECT_STYLE = {
    "width": "100%",
    "padding": "0.45em 0.5em",
    "borderRadius": "var(--radius-2)",
    "border": "1px solid var(--gray-7)",
    "background": "var(--color-background)",
    "color": "var(--gray-12)",
    "fontSize": "var(--font-size-2)",
}


def _feedback(field_id: str, error: rx.Var | str, hint: rx.Var | str | None) -> list[rx.Component]:
    error_var = rx.Var.create(error)
    parts: list[rx.Component] = []
    if hint is not None:
        parts.append(
            rx.text(hint, id=f"{field_id}-hint", size="1", color_scheme="gray", high_contrast=True)
        )
    parts.append(
        rx.text(
            error_var,
            id=f"{field_id}-error",
            color_scheme="red",
            size="2",
            role=rx.cond(error_var != "", "alert", "none"),
        )
    )
    return parts


def _described_by(field_id: str, hint: object) -> str:
    return f"{field_id}-error" + (f" {field_id}-hint" if hint is not None else "")


def text_field(
    *,
    field_id: str,
    label: rx.Var | str,
    name: str,
    error: rx.Var | str = "",
    input_type: str = "text",
    autocomplete: str = "off",
    required: bool = False,
    hint: rx.Var | str | None = None,
    **input_props: Any,
) -> rx.Component:
    error_var = rx.Var.create(error)
    return rx.box(
        rx.el.label(label, html_for=field_id, style=_LABEL_STYLE),
        rx.input(
            id=field_id,
            name=name,
            type=input_type,
            auto_complete=autocomplete,
            required=required,
            aria_invalid=rx.cond(error_var != "", "true", "false"),
            aria_describedby=_described_by(field_id, hint),
            width="100%",
            size="3",
            **input_props,
        ),
        *_feedback(field_id, error, hint),
        width="100%",
    )


def text_area(
    *, field_id: str, label: rx.Var | str, name: str, error: rx.Var | str = "", **props: Any
) -> rx.Component:
    error_var = rx.Var.create(error)
    return rx.box(
        rx.el.label(label, html_for=field_id, style=_LABEL_STYLE),
        rx.text_area(
            id=field_id,
            name=name,
            aria_invalid=rx.cond(error_var != "", "true", "false"),
            aria_describedby=f"{field_id}-error",
            width="100%",
            **props,
        ),
        *_feedback(field_id, error, None),
        width="100%",
    )


def select_field(
    *,
    field_id: str,
    label: rx.Var | str,
    name: str,
    options: list[rx.Component] | rx.Component,
    error: rx.Var | str = "",
    hint: rx.Var | str | None = None,
    **select_props: Any,
) -> rx.Component:
    """A native <select>: labelled, keyboard-friendly and part of the form's data."""
    error_var = rx.Var.create(error)
    children = options if isinstance(options, list) else [options]
    return rx.box(
        rx.el.label(label, html_for=field_id, style=_LABEL_STYLE),
        rx.el.select(
            *children,
            id=field_id,
            name=name,
            aria_invalid=rx.cond(error_var != "", "true", "false"),
            aria_describedby=_described_by(field_id, hint),
            style=_SELECT_STYLE,
            **select_props,
        ),
        *_feedback(field_id, error, hint),
        width="100%",
    )


def option(value: str | rx.Var, label: rx.Var | str) -> rx.Component:
    return rx.el.option(label, value=value)


def primary_button(label: rx.Var | str, **props: Any) -> rx.Component:
    return rx.button(label, **live_submit(size="3", **props))


def live_submit(**props: Any) -> dict[str, Any]:
    """Props of a submit button that waits until the page is live.

    A page arrives as prerendered HTML before its script connects. A form submitted then is
    sent natively, as a GET to the page itself: every field, a password included, ends up in
    the address bar, the history and the server's log, and the form's handler never runs.
    So the button stays disabled until Reflex has hydrated the page (a password manager's
    click then waits for it; Enter does nothing while the form's only button is disabled).
    """
    waiting = ~rx.State.is_hydrated
    extra = props.pop("disabled", None)
    return {"type": "submit", "disabled": waiting if extra is None else waiting | extra, **props}

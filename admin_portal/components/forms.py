"""Form fields with a visible, bound label and the field's own error right beneath it."""

from __future__ import annotations

import reflex as rx


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
) -> rx.Component:
    error_var = rx.Var.create(error)
    described_by = f"{field_id}-error" + (f" {field_id}-hint" if hint is not None else "")
    return rx.box(
        rx.el.label(label, html_for=field_id, style={"fontWeight": "500", "display": "block"}),
        rx.cond(
            hint is not None,
            rx.text(hint or "", id=f"{field_id}-hint", size="1", color_scheme="gray"),
        ),
        rx.input(
            id=field_id,
            name=name,
            type=input_type,
            auto_complete=autocomplete,
            required=required,
            aria_invalid=rx.cond(error_var != "", "true", "false"),
            aria_describedby=described_by,
            width="100%",
            size="3",
        ),
        rx.text(
            error_var,
            id=f"{field_id}-error",
            color_scheme="red",
            size="2",
            role=rx.cond(error_var != "", "alert", ""),
        ),
        width="100%",
    )


def primary_button(label: rx.Var | str, **props) -> rx.Component:
    return rx.button(label, type="submit", size="3", **props)

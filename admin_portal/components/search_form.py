"""One search form layout: labelled filters in a grid, the search button last, aligned low."""

from __future__ import annotations

from typing import Any

import reflex as rx


def search_form(
    *fields: rx.Component,
    button_label: Any,
    on_submit: Any,
    landmark_name: Any = None,
    columns: str = "4",
) -> rx.Component:
    """A form of search fields that keeps what was typed when it is sent.

    Args:
        *fields: The labelled fields (each brings its own label).
        button_label: The submit button's text, which is also its accessible name.
        on_submit: The handler given the form's data.
        landmark_name: When given, the form is a search landmark with this accessible name.
        columns: How many grid columns from the md breakpoint on (one below it).

    Returns:
        The form.
    """
    landmark = {} if landmark_name is None else {"role": "search", "aria_label": landmark_name}
    return rx.form(
        rx.grid(
            *fields,
            rx.box(rx.button(button_label, type="submit", size="3"), align_self="end"),
            columns=rx.breakpoints(initial="1", md=columns),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        width="100%",
        **landmark,
    )

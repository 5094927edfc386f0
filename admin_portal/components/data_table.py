"""One list table: a header row from a list of columns, a row per item, or a sentence when empty."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx

from admin_portal.components.i18n import tx


def data_table(
    rows: Any,
    render_row: Callable[[Any], rx.Component],
    *,
    header_keys: Sequence[str],
    empty_key: str,
    body_id: str | None = None,
) -> rx.Component:
    """A full-width table of the state's rows, or a sentence where there are none.

    Args:
        rows: The state's list var of rows.
        render_row: Renders one row var as an `rx.table.row`.
        header_keys: The message keys of the column headers, in order.
        empty_key: The message key of the sentence shown instead of an empty table.
        body_id: The table body's id (tests find the rows by it), if any.

    Returns:
        The table or the sentence.
    """
    body_props = {"id": body_id} if body_id else {}
    return rx.cond(
        rows.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(tx(key)) for key in header_keys])
            ),
            rx.table.body(rx.foreach(rows, render_row), **body_props),
            width="100%",
        ),
        rx.text(tx(empty_key)),
    )

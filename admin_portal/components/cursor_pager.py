"""One keyset pager: Föregående, the page number (announced), Nästa."""

from __future__ import annotations

from typing import Any

import reflex as rx

from admin_portal.components.i18n import tx


def cursor_pager(
    *,
    previous_label: Any,
    next_label: Any,
    page_text: Any,
    page_number: Any,
    has_next: Any,
    on_previous: Any,
    on_next: Any,
) -> rx.Component:
    """A pager over a keyset-paged list (the state keeps the cursors and the page number).

    Args:
        previous_label: Text of the previous-page button.
        next_label: Text of the next-page button.
        page_text: What is shown (and announced politely) between the buttons.
        page_number: The state's page number var (1 disables the previous button).
        has_next: The state's var saying a next page exists.
        on_previous: Handler of the previous-page button.
        on_next: Handler of the next-page button.
    """
    return rx.hstack(
        rx.button(previous_label, variant="soft", on_click=on_previous, disabled=page_number <= 1),
        rx.text(page_text, aria_live="polite"),
        rx.button(next_label, variant="soft", on_click=on_next, disabled=~has_next),
        justify="center",
        width="100%",
        align="center",
    )


def list_pager(state: Any) -> rx.Component:
    """The pager of a list state built on `state.cursor_pages.CursorPagesMixin`.

    Args:
        state: The state class (Användare's or Användarbanken's list).
    """
    return cursor_pager(
        previous_label=tx("users.previous"),
        next_label=tx("users.next"),
        page_text=state.page_number.to_string(),
        page_number=state.page_number,
        has_next=state.has_next,
        on_previous=state.previous_page,
        on_next=state.next_page,
    )

"""Keyset paging kept on the server: the list states of Användare and Användarbanken.

The cursors never reach the client (backend vars); the page only asks for "next" or
"previous" and shows the page number (components/cursor_pager.py).
"""

from __future__ import annotations

import reflex as rx


class CursorPagesMixin(rx.State, mixin=True):
    """The cursor of the shown page, the one after it, and the way back."""

    has_next: bool = False
    page_number: int = 1
    _cursor: str | None = None
    _next_cursor: str | None = None
    _previous_cursors: list[str | None] = []

    def _first_page(self) -> None:
        self._cursor, self._previous_cursors, self.page_number = None, [], 1

    def _found_next(self, next_cursor: str | None) -> None:
        """After reading a page: where the next one starts (None: this is the last)."""
        self._next_cursor = next_cursor
        self.has_next = next_cursor is not None

    def _to_next_page(self) -> bool:
        """Step forward; False (nothing changed) when there is no next page."""
        if self._next_cursor is None:
            return False
        self._previous_cursors = [*self._previous_cursors, self._cursor]
        self._cursor = self._next_cursor
        self.page_number += 1
        return True

    def _to_previous_page(self) -> bool:
        """Step back; False (nothing changed) on the first page."""
        if not self._previous_cursors:
            return False
        self._cursor = self._previous_cursors[-1]
        self._previous_cursors = self._previous_cursors[:-1]
        self.page_number = max(1, self.page_number - 1)
        return True

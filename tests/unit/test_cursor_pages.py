"""One keyset pager for Användare and Användarbanken: forward, back, and never below page 1."""

from __future__ import annotations

import pytest
import reflex as rx

from admin_portal.state.user_bank import UserBankState
from admin_portal.state.users.listing import UsersListState


@pytest.mark.parametrize("cls", [UserBankState, UsersListState])
def test_the_pager_walks_forward_and_back_over_the_server_kept_cursors(
    cls: type[rx.State], monkeypatch: pytest.MonkeyPatch
) -> None:
    searched: list[str | None] = []
    monkeypatch.setattr(cls, "_authorized", lambda self, need="admin": object())
    monkeypatch.setattr(cls, "_search", lambda self, actor=None: searched.append(self._cursor))
    state = rx.State(_reflex_internal_init=True).get_substate(cls.get_full_name().split(".")[1:])

    state._found_next("c2")
    cls.next_page.fn(state)
    assert (state.page_number, state._cursor, searched) == (2, "c2", ["c2"])

    state._found_next(None)
    cls.next_page.fn(state)  # the last page: nothing moves, nothing is read
    assert (state.page_number, searched) == (2, ["c2"])

    cls.previous_page.fn(state)
    assert (state.page_number, state._cursor, searched) == (1, None, ["c2", None])
    cls.previous_page.fn(state)  # the first page: nothing moves
    assert (state.page_number, searched) == (1, ["c2", None])

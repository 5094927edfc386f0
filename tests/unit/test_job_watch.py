"""A.9: one watcher per bulk job and tab, whatever reloads and second clicks ask for."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import reflex as rx

from admin_portal.state.job_watch import STALE_AFTER_SECONDS, WatchClaim
from admin_portal.state.spreadsheets import user_import
from admin_portal.state.spreadsheets.user_import import UserImportState
from admin_portal.state.users.listing import UsersListState
from admin_portal.state.verification import bulk as bulk_verification


def _state(cls: type[rx.State]) -> rx.State:
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(cls.get_full_name().split(".")[1:])


_ADMIN = SimpleNamespace(is_admin=True)
_WHO = SimpleNamespace(actor=_ADMIN)


class _Vars:
    _w_owner = ""
    _w_beat = 0.0


def test_a_live_watcher_keeps_the_claim() -> None:
    tab = _Vars()
    first, second = WatchClaim(tab, "_w"), WatchClaim(tab, "_w")
    assert first.claim(now=100.0)
    assert not second.claim(now=101.0)
    assert first.beat(now=110.0)
    assert not second.claim(now=110.0 + STALE_AFTER_SECONDS - 1)


def test_a_dead_watcher_is_replaced_and_the_old_loop_stops() -> None:
    # A server restart leaves the claim in the state store with an old heartbeat.
    tab = _Vars()
    old, new = WatchClaim(tab, "_w"), WatchClaim(tab, "_w")
    assert old.claim(now=100.0)
    assert new.claim(now=100.0 + STALE_AFTER_SECONDS + 1)
    assert not old.beat()  # the old loop, if it was only slow, ends at its next look
    old.release()  # and cannot free the new one's claim
    assert tab._w_owner == new.token


def test_a_released_claim_lets_the_next_watcher_start_at_once() -> None:
    tab = _Vars()
    first = WatchClaim(tab, "_w")
    assert first.claim(now=100.0)
    first.release()
    assert WatchClaim(tab, "_w").claim(now=100.5)


@pytest.fixture
def no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    @contextmanager
    def scope() -> Iterator[None]:
        yield None

    monkeypatch.setattr(bulk_verification, "session_scope", scope)
    monkeypatch.setattr(bulk_verification, "POLL_SECONDS", 0.001)
    monkeypatch.setattr(user_import, "POLL_SECONDS", 0.001)


def test_a_reload_or_second_click_starts_no_second_bulk_watcher(
    no_database: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    polls: list[int] = []

    def get_job(_session: object, *, actor: object, job_id: int) -> SimpleNamespace:
        polls.append(job_id)
        return SimpleNamespace(finished=len(polls) >= 6)

    monkeypatch.setattr(bulk_verification, "get_job", get_job)
    monkeypatch.setattr(UsersListState, "_authorized", lambda self, need="admin": _ADMIN)
    monkeypatch.setattr(UsersListState, "_signed_in", lambda self: _WHO)
    monkeypatch.setattr(UsersListState, "_show_job", lambda self, progress: None)
    state = _state(UsersListState)
    state.bulk_job_id = 7
    watch = UsersListState.watch_bulk_job.fn

    async def page_then_reload_then_click() -> None:
        await asyncio.gather(watch(state), watch(state), watch(state))

    asyncio.run(page_then_reload_then_click())
    assert polls == [7] * 6  # one loop polled until the job finished; the others never did
    assert state._bulk_watch_owner == ""  # released: a later job gets a watcher at once
    asyncio.run(watch(state))
    assert len(polls) == 7


def test_a_reload_or_second_click_starts_no_second_import_watcher(
    no_database: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    refreshes: list[int] = []

    def refresh(self: UserImportState, actor: object) -> bool:
        refreshes.append(1)
        return len(refreshes) < 5  # still running for four looks

    monkeypatch.setattr(UserImportState, "_refresh", refresh)
    monkeypatch.setattr(UserImportState, "_load_rows", lambda self, actor: None)
    monkeypatch.setattr(UserImportState, "_authorized", lambda self, need="admin": _ADMIN)
    monkeypatch.setattr(UserImportState, "_signed_in", lambda self: _WHO)
    state = _state(UserImportState)
    watch = UserImportState.watch_job.fn

    async def twice() -> None:
        await asyncio.gather(watch(state), watch(state))

    asyncio.run(twice())
    assert len(refreshes) == 5
    assert state._watch_owner == ""


def test_a_watcher_left_behind_by_a_restart_does_not_block_the_next(
    no_database: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    refreshes: list[int] = []

    def refresh(self: UserImportState, actor: object) -> bool:
        refreshes.append(1)
        return False

    monkeypatch.setattr(UserImportState, "_refresh", refresh)
    monkeypatch.setattr(UserImportState, "_load_rows", lambda self, actor: None)
    monkeypatch.setattr(UserImportState, "_authorized", lambda self, need="admin": _ADMIN)
    state = _state(UserImportState)
    # What the state store kept from a watcher that died with the server, long ago.
    state._watch_owner, state._watch_beat = "dead-watcher", 1.0
    asyncio.run(UserImportState.watch_job.fn(state))
    assert refreshes == [1]

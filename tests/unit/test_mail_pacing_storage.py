"""The Resend ceiling counts in the storage its owner hands it, never a process-wide one.

Before, every `memory://` limiter in a process shared one cached window: a test that
travelled in time left slots stamped in its future, and the next limiter waited for them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from limits.storage import MemoryStorage

from admin_portal.config import get_settings
from admin_portal.mail.pacing import SharedRateLimiter, mail_rate_limiter


class _Sleeps:
    def __init__(self) -> None:
        self.total = 0.0

    def __call__(self, seconds: float) -> None:
        self.total += seconds


def test_the_limiter_counts_in_the_storage_it_is_given() -> None:
    given = MemoryStorage()
    limiter = mail_rate_limiter(get_settings(), limit_storage=given)

    limiter.wait()

    assert limiter.item is not None
    assert given.get_moving_window(limiter.item.key_for(*limiter.KEY), 100, 1)[1] == 1


def test_two_limiters_over_one_storage_share_the_window() -> None:
    shared = MemoryStorage()
    sleeps = _Sleeps()
    first = SharedRateLimiter(1.0, shared)
    second = SharedRateLimiter(1.0, shared, sleep=sleeps)

    first.wait()
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        # The second must wait for the first's slot: let its sleeps move the clock.
        second._sleep = lambda seconds: (sleeps(seconds), traveller.shift(seconds))
        second.wait()

    assert sleeps.total > 0


def test_slots_taken_in_the_future_do_not_reach_a_new_limiter() -> None:
    with time_machine.travel(datetime(2030, 1, 1, tzinfo=UTC), tick=False):
        travelled = mail_rate_limiter(get_settings())
        travelled.wait()
        travelled.wait()  # the second slot of the second: the window is full until 2030
    sleeps = _Sleeps()
    fresh = mail_rate_limiter(get_settings())
    fresh._sleep = sleeps

    fresh.wait()

    assert sleeps.total == 0

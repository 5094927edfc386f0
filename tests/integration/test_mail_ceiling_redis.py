"""The Resend ceiling holds for all workers together when the limit store is Redis.

Two `SharedRateLimiter`s with separate Redis connections (what two worker processes build)
call as fast as they may for a few seconds. Together they stay at 2 calls per moving second
and still use the ceiling; the same two over `memory://` (one count per process) exceed it,
which is what each worker alone did before.
"""

from __future__ import annotations

import threading
import time

from limits import storage

from admin_portal.mail.pacing import SharedRateLimiter, window_for
from tests.support.redis_server import redis_url  # noqa: F401  (fixture)

RATE = 2.0
SECONDS = 3.0


def _race(urls: tuple[str, str]) -> list[list[float]]:
    """Each limiter in its own thread waits-and-calls until SECONDS are up."""
    stamps: list[list[float]] = [[], []]
    # Built before the threads start: `limits` checks its redis dependency lazily, and that
    # check is not thread-safe.
    limiters = [SharedRateLimiter(RATE, storage.storage_from_string(url)) for url in urls]
    start = time.time()

    def run(index: int) -> None:
        limiter = limiters[index]
        while True:
            limiter.wait()
            now = time.time()
            if now - start > SECONDS:
                return
            stamps[index].append(now)

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 10)
    return stamps


def _most_in_one_second(stamps: list[float]) -> int:
    ordered = sorted(stamps)
    # Stamps are taken just after the slot was granted, so allow a little scheduling slack.
    return max(
        sum(1 for t in ordered[i:] if t < first + 1.0 - 0.05) for i, first in enumerate(ordered)
    )


def test_two_workers_share_the_resend_ceiling_through_redis(redis_url: str) -> None:  # noqa: F811
    first, second = _race((redis_url, redis_url))
    together = first + second

    assert _most_in_one_second(together) <= RATE
    # The ceiling is used, not undershot: about RATE * SECONDS calls in all (the first
    # second's two come at once), and both workers got some of them.
    assert RATE * SECONDS - 1 <= len(together) <= RATE * SECONDS + RATE
    assert first and second


def test_per_process_memory_counts_would_exceed_the_ceiling() -> None:
    # The control: without a shared store each worker keeps the ceiling alone.
    first, second = _race(("memory://", "memory://"))

    assert _most_in_one_second(first + second) > RATE


def test_window_for_rates() -> None:
    two = window_for(2.0)
    half = window_for(0.5)
    odd = window_for(2.5)
    assert two is not None and (two.amount, two.multiples) == (2, 1)
    assert half is not None and (half.amount, half.multiples) == (1, 2)
    assert odd is not None and (odd.amount, odd.multiples) == (5, 2)
    assert window_for(0) is None

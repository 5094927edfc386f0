"""How fast mail goes out: the rate limit on calls to Resend, and the backoff of a retry."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

BACKOFF_BASE_SECONDS = 30.0
BACKOFF_CAP_SECONDS = 3600.0


class RateLimiter:
    """Spaces calls at least 1/rate seconds apart; shared across dispatch runs.

    Args:
        per_second: Allowed calls per second; 0 or less disables the limit.
        clock: Monotonic seconds (injectable for tests).
        sleep: How to wait (injectable for tests).
    """

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next_at: float | None = None

    def wait(self) -> None:
        """Block until the next call is allowed, then reserve the slot after it."""
        if self.interval <= 0:
            return
        now = self._clock()
        if self._next_at is not None and now < self._next_at:
            self._sleep(self._next_at - now)
            now = self._next_at
        self._next_at = now + self.interval


def backoff_seconds(
    attempts: int,
    *,
    base: float = BACKOFF_BASE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
    rng: Callable[[], float] = random.random,
) -> float:
    """Exponential backoff with jitter: between half and all of min(cap, base * 2**(n-1)).

    The jitter spreads retries of many mails that failed together (e.g. during an outage);
    keeping at least half the delay keeps the growth visible.

    Args:
        attempts: Attempts made so far (1 after the first failure).
        base: Delay after the first failure before jitter.
        cap: Upper bound for any delay.
        rng: Uniform [0, 1) source (injectable for tests).
    """
    exponent = min(max(attempts - 1, 0), 30)  # 2**30 * base is far above any cap
    ceiling = min(cap, base * 2**exponent)
    return ceiling / 2 + rng() * ceiling / 2

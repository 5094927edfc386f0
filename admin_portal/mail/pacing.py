"""How fast mail goes out: the rate limit on calls to Resend, and the backoff of a retry.

Resend's ceiling (2 requests/s by default) is per account, not per process: with several
workers the limit must be counted where all of them see it. `SharedRateLimiter` counts in
the `limits` storage named by ADMIN_PORTAL_RATE_LIMIT_STORAGE_URL (the sign-in limits' store:
`redis://…` shares one count across workers and machines, `memory://` counts per process).
`RateLimiter` spaces one process's calls evenly; tests and benchmarks use it.

The limiter never picks its storage itself: whoever builds it passes one (`mail_rate_limiter`
builds one from the settings). A process-wide cache of storages made every `memory://`
limiter in a process share one window, so a test that travelled in time left slots stamped
in its future for the next test; an owned storage lives exactly as long as its owner.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from typing import Protocol

from limits import RateLimitItem, RateLimitItemPerSecond, storage, strategies
from limits.storage import Storage

from admin_portal.config import Settings, get_settings

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30.0
BACKOFF_CAP_SECONDS = 3600.0
# How long one pause may be: the window's reset time is re-read after it (another worker
# may have taken the slot meanwhile), and a storage outage is retried this often.
_MAX_PAUSE_SECONDS = 1.0
_MIN_PAUSE_SECONDS = 0.005


class Pacer(Protocol):
    """Anything that blocks until the next call to the mail service is allowed."""

    def wait(self) -> None:
        """Block until the next call is allowed, and count it."""


class RateLimiter:
    """Spaces one process's calls at least 1/rate seconds apart (tests, benchmarks).

    The worker uses `SharedRateLimiter` instead: this one knows nothing of other workers.

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


def window_for(per_second: float) -> RateLimitItem | None:
    """The `limits` item for a rate: "2/s" -> 2 per 1 second, 0.5/s -> 1 per 2 seconds.

    A moving window of N per S seconds never lets more than N calls into any S seconds.
    Rates that fit no whole window within a minute are rounded down (never over the ceiling).

    Returns:
        None when the rate is 0 or less (no limit).
    """
    if per_second <= 0:
        return None
    for seconds in range(1, 61):
        amount = per_second * seconds
        if amount >= 1 and math.isclose(amount, round(amount), abs_tol=1e-9):
            return RateLimitItemPerSecond(round(amount), seconds)
    return RateLimitItemPerSecond(max(1, math.floor(per_second * 60)), 60)


class SharedRateLimiter:
    """Calls to Resend by every worker together, counted in a moving window in `limits`.

    Args:
        per_second: Allowed calls per second for all workers together; 0 or less: no limit.
        storage: Where the window is counted. A `RedisStorage` shared by every worker holds
            the account-wide ceiling; a `MemoryStorage` counts for its owner only (one
            process, one test).
        clock: Wall-clock seconds, the clock `limits` stamps its window entries with.
        sleep: How to wait (injectable for tests).
    """

    KEY = ("mail", "resend")

    def __init__(
        self,
        per_second: float,
        storage: Storage,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.item = window_for(per_second)
        self._strategy = strategies.MovingWindowRateLimiter(storage)
        self._clock = clock
        self._sleep = sleep
        self._last_complaint = -math.inf

    def wait(self) -> None:
        """Block until the shared window has room, then take one slot in it.

        While the storage cannot be reached nothing is sent: the ceiling is an account-wide
        promise, and a mail that waits is only late.
        """
        if self.item is None:
            return
        while True:
            try:
                if self._strategy.hit(self.item, *self.KEY):
                    return
                reset_at = self._strategy.get_window_stats(self.item, *self.KEY).reset_time
                pause = reset_at - self._clock()
            except Exception:  # redis errors, limits.errors.StorageError: all mean "not now"
                self._complain()
                pause = _MAX_PAUSE_SECONDS
            self._sleep(min(max(pause, _MIN_PAUSE_SECONDS), _MAX_PAUSE_SECONDS))

    def _complain(self) -> None:
        # One line a minute: an outage must not become a flood of log lines.
        now = time.monotonic()
        if now - self._last_complaint >= 60.0:
            self._last_complaint = now
            log.exception("mail rate limit storage unreachable; mail waits until it is back")


def mail_rate_limiter(
    settings: Settings | None = None, *, limit_storage: Storage | None = None
) -> SharedRateLimiter:
    """The Resend ceiling (ADMIN_PORTAL_MAIL_REQUESTS_PER_SECOND) in the shared limit store.

    Args:
        settings: Defaults to the process's settings.
        limit_storage: Where to count; defaults to a new storage for
            `settings.rate_limit_storage_url` (Redis: the one window every worker shares;
            `memory://`: a window of this limiter's own). A worker builds its limiter once
            and keeps it, so its own calls are always counted together.
    """
    settings = settings or get_settings()
    if limit_storage is None:
        built = storage.storage_from_string(settings.rate_limit_storage_url)
        if not isinstance(built, Storage):  # an `async+…` URL: the worker waits synchronously
            raise ValueError("ADMIN_PORTAL_RATE_LIMIT_STORAGE_URL must name a synchronous storage")
        limit_storage = built
    return SharedRateLimiter(settings.mail_requests_per_second, limit_storage)


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

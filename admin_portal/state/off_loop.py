"""Blocking work of the entrances (argon2 hashing and its database transaction) off the loop.

Every connected tab is served by one asyncio loop. An argon2id hash takes a quarter of a
second of CPU; done inside a handler it would stall every other admin's events meanwhile.
argon2-cffi releases the GIL while hashing (a cffi call), so a thread really runs beside the
loop. The pool is our own and small: by default one core is left to the loop, so a login
flood queues here (each hash also takes 64 MiB) instead of starving everyone's events.
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from admin_portal.config import get_settings

P = ParamSpec("P")
R = TypeVar("R")

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def pool_size() -> int:
    """ADMIN_PORTAL_PASSWORD_HASH_THREADS, or (0, the default) the usable cores less one."""
    configured = get_settings().password_hash_threads
    if configured > 0:
        return configured
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 2) - 1)


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=pool_size(), thread_name_prefix="off-loop")
        return _pool


async def run_off_loop(fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `fn` in the pool and await its result. Open any DB session inside `fn`.

    A SQLAlchemy session belongs to one thread: `fn` opens, uses and closes its own, and
    hands back plain values, never ORM objects.
    """
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(), functools.partial(fn, *args, **kwargs))

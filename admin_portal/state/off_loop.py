"""Blocking work of the entrances (argon2 hashing and its database transaction) off the loop.

Every connected tab is served by one asyncio loop. An argon2id hash takes a quarter of a
second of CPU; done inside a handler it would stall every other admin's events meanwhile.
argon2-cffi releases the GIL while hashing (a cffi call), so a thread really runs beside the
loop. The pool is small and our own: a login flood queues here (each hash also takes 64 MiB)
instead of filling the loop's default executor.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_POOL_SIZE = 4
_pool = ThreadPoolExecutor(max_workers=_POOL_SIZE, thread_name_prefix="off-loop")


async def run_off_loop(fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `fn` in the pool and await its result. Open any DB session inside `fn`.

    A SQLAlchemy session belongs to one thread: `fn` opens, uses and closes its own, and
    hands back plain values, never ORM objects.
    """
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool, functools.partial(fn, *args, **kwargs))

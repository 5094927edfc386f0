"""A tab keeps its client token when the app worker holding its socket is gone.

Two `LivenessTokenManager`s over one real Redis stand for two app workers. Reflex alone
(`RedisTokenManager`) hands a reconnecting tab a new token, i.e. empty state, whenever a
socket record for its token is left in Redis; a SIGKILLed worker leaves one for every tab.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import pickle
from collections.abc import Awaitable, Callable

import pytest
from redis.asyncio import Redis
from reflex.utils.token_manager import RedisTokenManager

from admin_portal.cluster import sessions
from admin_portal.cluster.sessions import LIVENESS_PREFIX, LivenessTokenManager
from tests.support.redis_server import redis_url  # noqa: F401  (fixture)

TOKEN = "tab-token-1"


class Worker:
    """One app worker's token manager, and whether the test lets its process live."""

    def __init__(self, url: str, alive: dict[int, bool]) -> None:
        self.manager = LivenessTokenManager(
            Redis.from_url(url), process_alive=lambda pid, _start: alive.get(pid, True)
        )

    async def die(self) -> None:
        """SIGKILL: its tasks stop, and nothing of what it wrote in Redis is removed."""
        for name in ("_heartbeat_task", "_socket_record_task", "_lost_and_found_task"):
            task = getattr(self.manager, name, None)
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def owner_of(self, token: str) -> str:
        raw = await self.manager.redis.get(self.manager._get_redis_key(token))
        return str(pickle.loads(raw).instance_id)  # noqa: S301 (the test's own Redis)


def _run(url: str, scenario: Callable[[Worker, Worker, dict[int, bool]], Awaitable[None]]) -> None:
    async def main() -> None:
        alive: dict[int, bool] = {}
        first, second = Worker(url, alive), Worker(url, alive)
        try:
            await scenario(first, second, alive)
        finally:
            for worker in (first, second):
                await worker.die()
                await worker.manager.redis.aclose()

    asyncio.run(main())


def test_a_tab_whose_worker_process_died_keeps_its_token(redis_url: str) -> None:  # noqa: F811
    async def scenario(first: Worker, second: Worker, alive: dict[int, bool]) -> None:
        assert await first.manager.link_token_to_sid(TOKEN, "sid-on-first") is None
        await first.die()
        liveness = await first.manager.redis.get(LIVENESS_PREFIX + first.manager.instance_id)
        alive[json.loads(liveness)["pid"]] = False  # the process is gone, its key not yet

        assert await second.manager.link_token_to_sid(TOKEN, "sid-on-second") is None
        assert await second.owner_of(TOKEN) == second.manager.instance_id

    _run(redis_url, scenario)


def test_a_tab_whose_worker_stopped_beating_keeps_its_token(redis_url: str) -> None:  # noqa: F811
    async def scenario(first: Worker, second: Worker, alive: dict[int, bool]) -> None:
        await first.manager.link_token_to_sid(TOKEN, "sid-on-first")
        await first.die()
        await first.manager.redis.delete(LIVENESS_PREFIX + first.manager.instance_id)  # expired

        assert await second.manager.link_token_to_sid(TOKEN, "sid-on-second") is None
        assert await second.owner_of(TOKEN) == second.manager.instance_id

    _run(redis_url, scenario)


def test_a_tab_duplicated_beside_a_live_worker_gets_a_new_token(redis_url: str) -> None:  # noqa: F811
    async def scenario(first: Worker, second: Worker, alive: dict[int, bool]) -> None:
        await first.manager.link_token_to_sid(TOKEN, "sid-on-first")

        new_token = await second.manager.link_token_to_sid(TOKEN, "sid-of-the-copy")

        assert new_token not in (None, TOKEN)
        assert await second.owner_of(TOKEN) == first.manager.instance_id

    _run(redis_url, scenario)


def test_a_live_worker_on_another_host_is_waited_for_then_kept(
    redis_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sessions, "LIVENESS_TTL_SECONDS", 1)
    monkeypatch.setattr(sessions, "HEARTBEAT_SECONDS", 0.2)

    async def scenario(first: Worker, second: Worker, alive: dict[int, bool]) -> None:
        first.manager._namespace = "another-machine/pid:[1]"
        await first.manager.link_token_to_sid(TOKEN, "sid-on-first")

        assert await second.manager.link_token_to_sid(TOKEN, "sid-of-the-copy") is not None

    _run(redis_url, scenario)


def test_a_dead_worker_on_another_host_is_reclaimed_once_its_key_expires(
    redis_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sessions, "LIVENESS_TTL_SECONDS", 1)

    async def scenario(first: Worker, second: Worker, alive: dict[int, bool]) -> None:
        first.manager._namespace = "another-machine/pid:[1]"
        await first.manager.link_token_to_sid(TOKEN, "sid-on-first")
        await first.die()  # its key (TTL 1 s) runs out while the second waits

        assert await second.manager.link_token_to_sid(TOKEN, "sid-on-second") is None

    _run(redis_url, scenario)


def test_a_workers_own_leftover_record_does_not_make_a_duplicate(redis_url: str) -> None:  # noqa: F811
    async def scenario(first: Worker, second: Worker, alive: dict[int, bool]) -> None:
        await first.manager.link_token_to_sid(TOKEN, "old-sid")
        # The socket went; its Redis delete was lost (the local mapping is dropped first).
        await RedisTokenManager.__mro__[1].disconnect_token(first.manager, TOKEN, "old-sid")

        assert await first.manager.link_token_to_sid(TOKEN, "new-sid") is None

    _run(redis_url, scenario)


def test_reflex_alone_would_hand_the_tab_a_new_token(redis_url: str) -> None:  # noqa: F811
    # The control: what a reconnecting tab got before (fresh token, fresh state).
    async def main() -> None:
        first = RedisTokenManager(Redis.from_url(redis_url))
        second = RedisTokenManager(Redis.from_url(redis_url))
        try:
            await first.link_token_to_sid(TOKEN, "sid-on-first")
            assert await second.link_token_to_sid(TOKEN, "sid-on-second") is not None
        finally:
            for manager in (first, second):
                await manager.close()

    asyncio.run(main())

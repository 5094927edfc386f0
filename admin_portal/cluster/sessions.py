"""A tab keeps its client token, and so its state, when the app worker holding it dies.

Reflex 0.10 (reflex/utils/token_manager.py, `RedisTokenManager`) records each connected tab
in Redis as `token_manager_socket_record_<token>` = (worker instance id, socket id), and
takes a connect whose token already has a record for a duplicate tab: it hands the tab a
new token, i.e. an empty state. A worker removes its records when a socket disconnects;
one that is SIGKILLed (or OOM-killed) never does, so every tab it served came back as a
"duplicate" on another worker and lost what the server held for it.

`LivenessTokenManager` keeps Reflex's rule for live owners and adds what it lacks: each
worker keeps a liveness key `admin_portal_app_worker_alive_<instance id>` in the same Redis,
refreshed every HEARTBEAT_SECONDS with a TTL of LIVENESS_TTL_SECONDS, naming its process
(pid namespace, pid and start time). Before Reflex's duplicate check, a record whose owner
is gone is removed (only if it is still that same record), so the tab links under its own
token and finds its state in Redis. The owner is gone when
  - it is this worker, but the record's socket is no longer connected here (a leftover), or
  - its liveness key is missing (expired: no heartbeat for LIVENESS_TTL_SECONDS), or
  - it lives in this pid namespace and that process is no longer running (known at once), or
  - it lives elsewhere and its liveness key expires within LIVENESS_TTL_SECONDS (the
    connect waits that long at most; a live owner on another host keeps refreshing it,
    and the tab is then a real duplicate and gets a new token, as in Reflex).

Records written by a worker without this adapter (a rolling upgrade from plain Reflex)
have no liveness key and count as orphaned: the worst case is that a genuinely duplicated
tab shares its token with the original, which is what Reflex did before duplicate
detection existed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reflex.utils.tasks import ensure_task
from reflex.utils.token_manager import RedisTokenManager, SocketRecord

log = logging.getLogger(__name__)

LIVENESS_PREFIX = "admin_portal_app_worker_alive_"
HEARTBEAT_SECONDS = 2.0
LIVENESS_TTL_SECONDS = 10  # five heartbeats missed (a loop stalled by load is not dead)
_POLL_SECONDS = 0.25

# Delete the record only if it is still the orphan we judged (a live worker may have
# claimed the token meanwhile).
_DELETE_IF_UNCHANGED = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def pid_namespace() -> str | None:
    """This process's pid namespace, unique across machines and boots (None off Linux)."""
    boot = _read("/proc/sys/kernel/random/boot_id")
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return None
    return f"{boot}/{namespace}" if boot else None


def process_start(pid: int) -> str | None:
    """The start time of a running process (clock ticks since boot); None if not running."""
    stat = _read(f"/proc/{pid}/stat")
    if stat is None:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):  # a zombie is dead, only not yet reaped by its parent
        return None
    return fields[19]  # field 22 of stat: starttime


class LivenessTokenManager(RedisTokenManager):
    """Reflex's Redis token manager, which lets a tab reclaim its token from a dead worker.

    Args:
        redis: Reflex's asyncio Redis client (the state manager's Redis).
        process_alive: Whether a process of this pid namespace with that pid and start time
            still runs (injectable for tests); defaults to reading /proc.
    """

    def __init__(
        self,
        redis: Any,
        *,
        process_alive: Callable[[int, str], bool] | None = None,
    ) -> None:
        super().__init__(redis)
        self._namespace = pid_namespace()
        self._pid = os.getpid()
        self._process_alive = process_alive or (lambda pid, start: process_start(pid) == start)
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._beat_for: str | None = None  # the instance id the last heartbeat announced

    # -- this worker's liveness ------------------------------------------------------------

    def _liveness_key(self, instance_id: str) -> str:
        return f"{LIVENESS_PREFIX}{instance_id}"

    async def _beat(self) -> None:
        # Read at every beat: Granian forks the workers after the import, and Reflex gives
        # each worker a fresh instance id (and this object a new pid) at its start.
        self._pid = os.getpid()
        me = {"ns": self._namespace, "pid": self._pid, "start": process_start(self._pid)}
        await self.redis.set(
            self._liveness_key(self.instance_id), json.dumps(me), ex=LIVENESS_TTL_SECONDS
        )
        self._beat_for = self.instance_id

    async def _heartbeat_forever(self) -> None:
        while True:
            await self._beat()
            await asyncio.sleep(HEARTBEAT_SECONDS)

    async def _ensure_heartbeat(self) -> None:
        # The first beat is awaited: no record of ours may exist in Redis before the key
        # that says we are alive, or another worker could take it for an orphan.
        if self._beat_for != self.instance_id:
            await self._beat()
        ensure_task(
            owner=self,
            task_attribute="_heartbeat_task",
            coro_function=self._heartbeat_forever,
            suppress_exceptions=[Exception],
        )

    # -- reclaiming a dead worker's records ------------------------------------------------

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        """Link as Reflex does, after removing the token's record if its owner is gone."""
        try:
            await self._ensure_heartbeat()
            await self._remove_orphaned_record(token)
        except Exception:  # Redis trouble: Reflex's own handling decides, as before
            log.exception("checking the socket record of a reconnecting tab failed")
        return await super().link_token_to_sid(token, sid)

    async def _remove_orphaned_record(self, token: str) -> None:
        key = self._get_redis_key(token)
        raw = await self.redis.get(key)
        if not raw:
            return
        record: SocketRecord = pickle.loads(raw)  # noqa: S301 (written by Reflex into our Redis)
        if await self._owner_is_gone(token, record):
            removed = await self.redis.eval(_DELETE_IF_UNCHANGED, 1, key, raw)  # type: ignore[misc]
            if removed:
                log.info("tab %s reclaims its token from gone worker %s", token, record.instance_id)

    async def _owner_is_gone(self, token: str, record: SocketRecord) -> bool:
        if record.instance_id == self.instance_id:
            # Ours: live only while that socket is still linked to this token here.
            return self.sid_to_token.get(record.sid) != token
        liveness_key = self._liveness_key(record.instance_id)
        raw = await self.redis.get(liveness_key)
        if raw is None:
            return True
        owner = json.loads(raw)
        if self._namespace is not None and owner.get("ns") == self._namespace:
            return not self._process_alive(int(owner["pid"]), str(owner.get("start")))
        # Another host: wait, at most one TTL, for its liveness key to expire.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LIVENESS_TTL_SECONDS + _POLL_SECONDS
        while loop.time() < deadline:
            await asyncio.sleep(_POLL_SECONDS)
            if not await self.redis.exists(liveness_key):
                return True
        return False

    async def close(self) -> None:
        """Say this worker is gone (a clean stop), then release what Reflex holds."""
        task, self._heartbeat_task = self._heartbeat_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        with contextlib.suppress(Exception):
            await self.redis.delete(self._liveness_key(self.instance_id))
        await super().close()


def keep_tabs_across_worker_deaths(app: Any) -> None:
    """Put `LivenessTokenManager` in the app's event namespace when Redis is in use.

    Without Redis (the embedded topology) there is one worker and nothing to do.
    """
    namespace = getattr(app, "_event_namespace", None)
    current = getattr(namespace, "_token_manager", None)
    if namespace is None or not isinstance(current, RedisTokenManager):
        return
    if isinstance(current, LivenessTokenManager):
        return
    namespace._token_manager = LivenessTokenManager(current.redis)

"""One watcher per job and tab: a reload or a second click must not start a second poll loop.

A background watcher claims the job in backend-only vars of its tab's state (an owner token
and a heartbeat time); another watcher of the same tab sees a fresh heartbeat and ends at
once. The heartbeat, rather than a plain flag, lets a new watcher take over when the old one
died without cleaning up (a server restart leaves the state store as it was), and the owner
token makes the old loop stop if it was only slow.

Two tabs each keep their own state, so each may watch: one cheap read of the job row per
poll and tab, bounded by the tabs a person opens, and each tab shows live progress.
"""

from __future__ import annotations

import secrets
import time

# A watcher writes its heartbeat every poll (0.5-1 s); this long without one means it died.
STALE_AFTER_SECONDS = 15.0


class WatchClaim:
    """Owner and heartbeat of one tab's watcher, kept as two backend-only vars of a state.

    Args:
        state: the state (or its proxy, inside `async with self`).
        prefix: names the vars: ``{prefix}_owner`` (str) and ``{prefix}_beat`` (float).
    """

    def __init__(self, state: object, prefix: str) -> None:
        self._state = state
        self._owner = f"{prefix}_owner"
        self._beat = f"{prefix}_beat"
        self.token = ""

    def claim(self, now: float | None = None) -> bool:
        """Become the tab's watcher, unless a live one is already there."""
        now = time.time() if now is None else now
        owner = getattr(self._state, self._owner)
        beat = getattr(self._state, self._beat)
        if owner and now - beat < STALE_AFTER_SECONDS:
            return False
        self.token = secrets.token_hex(8)
        setattr(self._state, self._owner, self.token)
        setattr(self._state, self._beat, now)
        return True

    def beat(self, now: float | None = None) -> bool:
        """Still this tab's watcher? Then refresh the heartbeat; otherwise stop."""
        if not self.token or getattr(self._state, self._owner) != self.token:
            return False
        setattr(self._state, self._beat, time.time() if now is None else now)
        return True

    def release(self) -> None:
        """Let the next watcher start at once (only the owner may)."""
        if self.token and getattr(self._state, self._owner) == self.token:
            setattr(self._state, self._owner, "")
            setattr(self._state, self._beat, 0.0)

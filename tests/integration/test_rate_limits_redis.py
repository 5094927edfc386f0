"""With several app workers the counters must be shared: ADMIN_PORTAL_RATE_LIMIT_STORAGE_URL
pointing at Redis makes two workers (two separate limiters here) count as one.

Starts its own throwaway redis-server on loopback (Debian's `redis-server`); skips, saying
so, where it is not installed.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest
from limits import storage, strategies

from admin_portal.config import get_settings
from admin_portal.services.auth import rate_limits
from admin_portal.services.auth.rate_limits import RateLimited, check_login_attempt

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(REDIS),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def apply(**values: object) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"ADMIN_PORTAL_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()
    rate_limits._limiter.cache_clear()


def _allowed(address: str) -> bool:
    try:
        check_login_attempt(client_address=address)
    except RateLimited:
        return False
    return True


def test_two_workers_share_one_count_through_redis(
    redis_url: str, settings_env: Callable[..., None]
) -> None:
    settings_env(
        rate_limit_storage_url=redis_url,
        login_rate_limit_per_address="4/minute",
        login_rate_limit_global="1000/minute",
    )
    # Worker one counts two attempts.
    assert _allowed("203.0.113.7") and _allowed("203.0.113.7")
    # Worker two: a limiter of its own over the same Redis (what another process builds).
    rate_limits._limiter.cache_clear()
    other = strategies.MovingWindowRateLimiter(storage.storage_from_string(redis_url))
    item = rate_limits._parsed("4/minute")[0]
    assert other.hit(item, "login", "address", "203.0.113.7")
    assert other.hit(item, "login", "address", "203.0.113.7")
    assert not _allowed("203.0.113.7")  # 4 counted across both: the fifth is refused

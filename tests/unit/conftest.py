"""Unit fixtures: change settings for one test and put them back afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from admin_portal.config import get_settings


@pytest.fixture
def configure() -> Iterator[Callable[..., None]]:
    """Set ADMIN_PORTAL_* variables for this test: ``configure(mail_max_attempts=3)``."""
    with pytest.MonkeyPatch.context() as mp:

        def apply(**values: object) -> None:
            for name, value in values.items():
                env = f"ADMIN_PORTAL_{name.upper()}"
                if value is None:
                    mp.delenv(env, raising=False)
                else:
                    mp.setenv(env, str(value))
            get_settings.cache_clear()

        yield apply
    get_settings.cache_clear()  # the environment is restored: forget what this test saw


@pytest.fixture
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Still argon2id, with tiny costs: for tests about flows, not about the work factor."""
    from argon2 import PasswordHasher

    from admin_portal.auth import passwords

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    passwords._dummy_hash.cache_clear()
    yield
    passwords._dummy_hash.cache_clear()  # the next test makes its dummy with the real hasher

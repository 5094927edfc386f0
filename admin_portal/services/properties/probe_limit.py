"""Nuvarande användare (F2.6) is a lookup by username + e-mail: limit it so it cannot be
used to probe accounts. Over the `limits` library, in the same storage as the login limits
(ADMIN_PORTAL_RATE_LIMIT_STORAGE_URL), per signed-in person and per client address."""

from __future__ import annotations

from functools import lru_cache

from limits import RateLimitItem, parse_many, storage, strategies

from admin_portal.config import get_settings
from admin_portal.services.auth.rate_limits import RateLimited, client_key


@lru_cache(maxsize=4)
def _limiter(storage_url: str) -> strategies.RateLimiter:
    return strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_url))


@lru_cache(maxsize=8)
def _parsed(notation: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(notation))


def check_user_lookup(*, user_id: int, client_address: str | None) -> None:
    """Count one lookup; raise RateLimited ("För många försök…") when over either limit."""
    settings = get_settings()
    limiter = _limiter(settings.rate_limit_storage_url)
    for item in _parsed(settings.property_user_lookup_rate_limit):
        if not limiter.hit(item, "property_user_lookup", "user", str(user_id)):
            raise RateLimited()
        if not limiter.hit(item, "property_user_lookup", "address", client_key(client_address)):
            raise RateLimited()


def reset_lookup_limits() -> None:
    """Forget every lookup counter (tests)."""
    _limiter(get_settings().rate_limit_storage_url).storage.reset()

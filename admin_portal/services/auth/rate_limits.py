"""Anti-automation for the signed-out forms: per-address and global limits over `limits`.

"Logga in" costs an argon2 verification and "Glömt lösenord?" may queue a mail, so both are
limited before any of that work starts: per client address (one machine hammering) and
globally (many addresses together). The per-username lockout in `services/auth/login.py` stays;
it protects one account, these protect the server and the mail budget.

The counters live in the storage named by ADMIN_PORTAL_RATE_LIMIT_STORAGE_URL: `memory://`
counts inside one process, so with several app workers it must be `redis://…`.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from limits import RateLimitItem, parse_many, storage, strategies
from sqlmodel import Session, col, select

from admin_portal.config import get_settings
from admin_portal.models import Token, TokenPurpose, utcnow
from admin_portal.services.errors import ServiceError

log = logging.getLogger(__name__)

_UNKNOWN_ADDRESS = "unknown"


class LimitedAction(StrEnum):
    LOGIN = "login"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (an action name, not a secret)


class RateLimited(ServiceError):
    """Too many attempts: the caller shows one message and does no work at all."""

    def __init__(self) -> None:
        super().__init__("rate_limit.too_many")


@lru_cache(maxsize=4)
def _limiter(storage_url: str) -> strategies.RateLimiter:
    # A moving window: a burst straddling a window edge cannot get twice the limit through.
    return strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_url))


@lru_cache(maxsize=32)
def _parsed(notation: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(notation))


def _limits_for(action: LimitedAction) -> tuple[str, str]:
    settings = get_settings()
    if action is LimitedAction.LOGIN:
        return settings.login_rate_limit_per_address, settings.login_rate_limit_global
    return settings.reset_rate_limit_per_address, settings.reset_rate_limit_global


def client_key(client_address: str | None) -> str:
    """The bucket of a client address: IPv6 by its /64 (one subscriber's whole network).

    An IPv4-mapped IPv6 address counts as the IPv4 address. Anything unparsable shares one
    bucket, so a missing address is limited too rather than let through.
    """
    try:
        address = ipaddress.ip_address((client_address or "").strip())
    except ValueError:
        return _UNKNOWN_ADDRESS
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def check_attempt(action: LimitedAction, *, client_address: str | None) -> None:
    """Count one attempt at `action` from `client_address`; raise RateLimited when over.

    Call it before any costly work (hashing, queueing mail). The per-address limit is counted
    first, so an address already over its own limit no longer eats the global budget.

    Raises:
        RateLimited: the address or everyone together made too many attempts recently.
    """
    per_address, global_ = _limits_for(action)
    limiter = _limiter(get_settings().rate_limit_storage_url)
    key = client_key(client_address)
    for item in _parsed(per_address):
        if not limiter.hit(item, action.value, "address", key):
            _log_refusal(action, "for one address", item)
            raise RateLimited()
    for item in _parsed(global_):
        if not limiter.hit(item, action.value, "global"):
            _log_refusal(action, "globally", item)
            raise RateLimited()


_last_logged: dict[tuple[str, str], float] = {}


def _log_refusal(action: LimitedAction, scope: str, item: RateLimitItem) -> None:
    # One line a minute per kind: a flood must not become a flood of log lines. The address
    # is left out (personal data; the proxy's access log has it).
    now = time.monotonic()
    if now - _last_logged.get((action.value, scope), -60.0) >= 60.0:
        _last_logged[(action.value, scope)] = now
        log.warning("rate limit: %s refused %s (%s)", action.value, scope, item)


def check_login_attempt(*, client_address: str | None) -> None:
    """One "Logga in" attempt. Raises RateLimited before any password is hashed."""
    check_attempt(LimitedAction.LOGIN, client_address=client_address)


def check_password_reset_request(*, client_address: str | None) -> None:
    """One "Glömt lösenord?" request. Raises RateLimited before anything is looked up or queued."""
    check_attempt(LimitedAction.PASSWORD_RESET, client_address=client_address)


def reset_mail_in_cooldown(session: Session, *, user_id: int, now: datetime | None = None) -> bool:
    """True when this person was sent a reset link within ADMIN_PORTAL_RESET_MAIL_COOLDOWN_MINUTES.

    Counted per account in the database (the reset token's creation time), so it holds
    whatever identifier was typed, from any address, across workers and restarts. The
    earlier link stays valid: a skipped request does not replace it.
    """
    minutes = get_settings().reset_mail_cooldown_minutes
    if minutes <= 0:
        return False
    since = (now or utcnow()) - timedelta(minutes=minutes)
    recent = session.exec(
        select(Token.id)
        .where(
            col(Token.user_id) == user_id,
            col(Token.purpose) == TokenPurpose.RESET_PASSWORD.value,
            col(Token.created_at) > since,
        )
        .limit(1)
    ).first()
    return recent is not None


def reset_rate_limits() -> None:
    """Forget every counter in the configured storage (tests, and an operator's escape hatch)."""
    _limiter(get_settings().rate_limit_storage_url).storage.reset()

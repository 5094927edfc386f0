"""Random tokens stored only as keyed hashes; single use, expiring, consumed atomically."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, select

from admin_portal.config import get_settings
from admin_portal.models import Token, utcnow


class TokenState(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"  # consumed, or voided by a newer link
    UNKNOWN = "unknown"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(raw: str) -> str:
    """HMAC with the server key: a leaked table cannot be replayed or brute-forced offline."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()


def issue_token(
    session: Session,
    *,
    user_id: int,
    purpose: str,
    lifetime: timedelta,
    email: str | None = None,
    void_earlier: bool = True,
) -> str:
    """Store a new token and return its raw value (for the link). Earlier unused ones die."""
    now = utcnow()
    if void_earlier:
        void_tokens(session, user_id=user_id, purposes=[purpose], now=now)
    raw = new_secret()
    session.add(
        Token(
            user_id=user_id,
            purpose=purpose,
            token_hash=hash_secret(raw),
            email=email,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return raw


def void_tokens(
    session: Session,
    *,
    user_id: int,
    purposes: list[str] | None = None,
    now: datetime | None = None,
) -> int:
    """Kill every unused token of the user (all purposes unless named). Returns how many."""
    stmt = (
        update(Token)
        .where(
            col(Token.user_id) == user_id,
            col(Token.used_at).is_(None),
            col(Token.voided_at).is_(None),
        )
        .values(voided_at=now or utcnow())
    )
    if purposes:
        stmt = stmt.where(col(Token.purpose).in_(purposes))
    return session.execute(stmt).rowcount or 0  # type: ignore[attr-defined]


def inspect_token(
    session: Session, raw: str, purposes: str | tuple[str, ...]
) -> tuple[TokenState, Token | None]:
    """Look without consuming: opening a link must not use it up."""
    if not raw or len(raw) > 200:
        return TokenState.UNKNOWN, None
    wanted = (purposes,) if isinstance(purposes, str) else purposes
    token = session.exec(
        select(Token).where(Token.token_hash == hash_secret(raw), col(Token.purpose).in_(wanted))
    ).first()
    if token is None:
        return TokenState.UNKNOWN, None
    if token.used_at is not None or token.voided_at is not None:
        return TokenState.USED, token
    if token.expires_at <= utcnow():
        return TokenState.EXPIRED, token
    return TokenState.VALID, token


def consume_token(
    session: Session, raw: str, purposes: str | tuple[str, ...]
) -> tuple[TokenState, Token | None]:
    """Use the token once. A conditional UPDATE makes two concurrent consumers yield one winner."""
    state, token = inspect_token(session, raw, purposes)
    if state is not TokenState.VALID or token is None:
        return state, token
    now = utcnow()
    result = session.execute(
        update(Token)
        .where(
            col(Token.id) == token.id,
            col(Token.used_at).is_(None),
            col(Token.voided_at).is_(None),
            col(Token.expires_at) > now,
        )
        .values(used_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return TokenState.USED, token
    session.refresh(token)
    return TokenState.VALID, token

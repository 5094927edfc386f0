"""Server-side login sessions, single-use tokens and login throttling."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class LoginSession(SQLModel, table=True):
    __tablename__ = "login_sessions"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    # Only a keyed hash of the cookie value is stored: a database leak yields no sessions.
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    last_seen_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class TokenPurpose(StrEnum):
    SET_PASSWORD = "set_password"  # welcome mail / restore from the user bank
    RESET_PASSWORD = "reset_password"  # "Glömt lösenord?"
    LOGIN_TICKET = "login_ticket"  # swapped for the session cookie right after login
    VERIFY_EMAIL = "verify_email"
    # Password verified, the two-factor code (or the forced enrolment) still due.
    SECOND_FACTOR = "second_factor"
    # Enrolled during login: the recovery codes are on screen, the session not yet issued.
    SECOND_FACTOR_PASSED = "second_factor_passed"


class Token(SQLModel, table=True):
    __tablename__ = "tokens"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    purpose: str = Field(max_length=30)
    token_hash: str = Field(max_length=64, unique=True)
    # A token may be bound to one exact address (e-mail verification).
    email: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    voided_at: datetime | None = None


class LoginThrottle(SQLModel, table=True):
    """Failed logins per normalised username, known or not (so lockout reveals nothing)."""

    __tablename__ = "login_throttles"
    username_key: str = Field(primary_key=True, max_length=400)
    failures: int = 0
    first_failure_at: datetime = Field(default_factory=utcnow)
    locked_until: datetime | None = None

"""Two-factor sign-in (TOTP) for administrators: the encrypted secret and recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class TotpCredential(SQLModel, table=True):
    """One authenticator app per user. Unconfirmed until a first code proves the scan worked."""

    __tablename__ = "totp_credentials"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", unique=True)
    # Fernet ciphertext under a key derived from the app secret: codes need the secret back,
    # so it cannot be hashed, and a database copy alone must not yield it.
    secret_encrypted: str = Field(max_length=500)
    confirmed_at: datetime | None = None
    # The last accepted time step: a code for that step or an earlier one is a replay.
    last_used_step: int | None = None
    # Wrong codes (and wrong passwords when turning it off) lock the second step for a while.
    failures: int = 0
    first_failure_at: datetime | None = None
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class RecoveryCode(SQLModel, table=True):
    """A single-use code for a lost phone. Only a keyed hash is stored."""

    __tablename__ = "recovery_codes"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    code_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    used_at: datetime | None = None

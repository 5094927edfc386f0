"""Organisation -> Company -> Unit: one tree per customer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import false
from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class Organisation(SQLModel, table=True):
    __tablename__ = "organisations"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # How long removed users stay in the user bank before they are purged.
    user_bank_retention_days: int = Field(default=365)
    # Head admins may require two-factor sign-in (TOTP) of every administrator.
    require_admin_two_factor: bool = Field(
        default=False, sa_column_kwargs={"server_default": false()}
    )
    created_at: datetime = Field(default_factory=utcnow)


class Company(SQLModel, table=True):
    __tablename__ = "companies"
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    name: str = Field(max_length=200)
    # Swedish organisationsnummer, stored as 10 digits without a dash.
    organisation_number: str = Field(max_length=10, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class Unit(SQLModel, table=True):
    __tablename__ = "units"
    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="companies.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="units.id", index=True)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)

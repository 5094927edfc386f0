"""Boenden (seed 002): partner agreements, properties, primary accounts and access rights.

A primary account's reach is never stored per property: it is derived from the agreement
it is bound to (F2.2), so a property registered later is included without any copy. The
only per-property rows a primary account has are the recorded exceptions of F2.9.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class PropertyRight(StrEnum):
    """The catalogue of per-property rights, in the order the pages show them."""

    BOOKINGS = "bookings"  # Bokningar
    PRICES = "prices"  # Priser och tillgänglighet
    FINANCE = "finance"  # Ekonomi
    MESSAGES = "messages"  # Meddelanden
    USER_ADMIN = "user_admin"  # Användarhantering: manage the property's users


ALL_RIGHTS: tuple[str, ...] = tuple(r.value for r in PropertyRight)


class ExceptionReason(StrEnum):
    """F2.9: why a property outside the agreement is linked to a primary account."""

    SUPPORT_ADDED = "support_added"  # "läggs till internt av oss"
    LEGACY_PARTNER = "legacy_partner"  # a partner from before the legal-entity-id rule


class RequestKind(StrEnum):
    PRIMARY_ACCOUNT = "primary_account"  # Begär primärt konto
    OWNERSHIP_CHANGE = "ownership_change"  # Begär ägarbyte
    TERMINATE_AGREEMENT = "terminate_agreement"  # Säg upp avtal


class RequestStatus(StrEnum):
    OPEN = "open"  # Mottagen
    APPROVED = "approved"  # Genomförd
    REJECTED = "rejected"  # Avslagen
    WITHDRAWN = "withdrawn"  # Återkallad av den som begärde


class PartnerAgreement(SQLModel, table=True):
    """An avtals-id: the agreement of one legal entity, owned by a company."""

    __tablename__ = "partner_agreements"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    company_id: int = Field(foreign_key="companies.id", index=True)
    # "AVT-1001": shown to people and support; unique across the platform.
    agreement_number: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=200)
    terminated_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Property(SQLModel, table=True):
    __tablename__ = "properties"
    __table_args__ = (
        # Registration rejects a second property of the same name within one agreement.
        UniqueConstraint("agreement_id", "name_key", name="uq_properties_agreement_name_key"),
        # Hem (gruppkonto): name-ordered keyset pages within an agreement.
        Index("ix_properties_agreement_name", "agreement_id", "name_key", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    # Normally set; None only for a property support holds outside any agreement.
    agreement_id: int | None = Field(default=None, foreign_key="partner_agreements.id")
    name: str = Field(max_length=200)
    # NFKC + casefold of the name: uniqueness, ordering and search.
    name_key: str = Field(max_length=800)
    address: str = Field(max_length=300)
    property_type: str = Field(max_length=40)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class PrimaryAccount(SQLModel, table=True):
    """F2.1: this user is the primary account of exactly one agreement."""

    __tablename__ = "primary_accounts"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    agreement_id: int = Field(foreign_key="partner_agreements.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class PrimaryPropertyException(SQLModel, table=True):
    """F2.9: a property outside the agreement linked to a primary account, with who and when."""

    __tablename__ = "primary_property_exceptions"
    __table_args__ = (
        UniqueConstraint("user_id", "property_id", name="uq_primary_property_exceptions_pair"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="primary_accounts.user_id", index=True)
    property_id: int = Field(foreign_key="properties.id", index=True)
    reason: str = Field(max_length=30)
    note: str = Field(default="", max_length=500)
    created_by_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class PropertyAccess(SQLModel, table=True):
    """An ordinary account's rights on one property (primary accounts never have rows)."""

    __tablename__ = "property_access"
    __table_args__ = (UniqueConstraint("property_id", "user_id", name="uq_property_access_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    property_id: int = Field(foreign_key="properties.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    bookings: bool = False
    prices: bool = False
    finance: bool = False
    messages: bool = False
    user_admin: bool = False
    granted_by_id: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime = Field(default_factory=utcnow)


class PropertyInvitation(SQLModel, table=True):
    """Ny användare (F2.7): a person invited to create an ordinary account with these rights."""

    __tablename__ = "property_invitations"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    company_id: int = Field(foreign_key="companies.id")
    invited_by_id: int = Field(foreign_key="users.id")
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    email: str = Field(max_length=254)
    language: str = Field(default="sv", max_length=2)
    # {"<property id>": ["bookings", ...]}: checked against the inviter when sent and again
    # when accepted (the inviter may have lost rights meanwhile).
    rights_json: str = Field(default="{}", max_length=20000)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime
    accepted_at: datetime | None = None
    user_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class PropertyRequest(SQLModel, table=True):
    """F2.8: a request to support, with a status its requester sees."""

    __tablename__ = "property_requests"
    __table_args__ = (Index("ix_property_requests_status", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    kind: str = Field(max_length=30)
    status: str = Field(default=RequestStatus.OPEN, max_length=20)
    requester_id: int = Field(foreign_key="users.id", index=True)
    property_id: int | None = Field(default=None, foreign_key="properties.id")
    # The requester's agreement at the time (ownership change: the property's old one).
    agreement_id: int | None = Field(default=None, foreign_key="partner_agreements.id")
    # Ownership change: the agreement the property goes to (typed as an avtals-id).
    target_agreement_number: str = Field(default="", max_length=40)
    # Set when support approves an ownership change: where the property went.
    moved_to_agreement_id: int | None = Field(default=None, foreign_key="partner_agreements.id")
    message: str = Field(default="", max_length=2000)
    handled_by_id: int | None = Field(default=None, foreign_key="users.id")
    handled_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)

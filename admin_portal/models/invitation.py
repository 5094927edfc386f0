"""Min organisation (F4): invitations with a role, and the services ordered with them.

An invitation is its own record, not a half-made user: the person does not exist as a user
until they accept and choose a username (global rules, F0.3) and a password. The link's
token is stored only as a keyed hash on the invitation; a resend rotates it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

from admin_portal.models.base import utcnow


class InvitationRole(StrEnum):
    STANDARD = "standard"  # Standardroll: belongs to one unit
    ADMIN = "admin"  # Adminroll: administers the chosen units (only top-level admins give it)


class InvitationStatus(StrEnum):
    CREATED = "created"  # saved, mail queued
    SENT = "sent"  # accepted by the mail provider
    DELIVERED = "delivered"  # the provider reported delivery (when known)
    BOUNCED = "bounced"  # the provider rejected the address
    ACCEPTED = "accepted"  # the person created their account: now under "Registrerade"
    EXPIRED = "expired"  # the link ran out before it was used
    REVOKED = "revoked"  # an admin withdrew it ("Återkalla")


# Statuses of an invitation that still waits for its person (expired ones too: they are
# renewed with "Skicka igen", not by inviting again).
OPEN_INVITATION_SQL = "status IN ('created', 'sent', 'delivered', 'bounced', 'expired')"


class Service(SQLModel, table=True):
    """One entry of an organisation's service catalogue (F4.5)."""

    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("organisation_id", "code", name="uq_services_org_code"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    code: str = Field(max_length=50)
    name_sv: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    credits: int = Field(default=1)  # credits one order of the service costs
    # Digital behandling and Terapisamtal: support contacts the person (F4.8).
    notifies_support: bool = Field(default=False)
    # Extra fields the order must carry, as JSON: [{"key", "label_sv", "label_en"}, ...].
    required_fields: str = Field(default="[]")
    sort_order: int = Field(default=0)
    active: bool = Field(default=True)
    # F4.5: the employee chooses a therapist, who alone reads the order's required fields.
    needs_therapist: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class CostCentre(SQLModel, table=True):
    """Kostnadsställe: where an order's credits are invoiced (F4.7)."""

    __tablename__ = "cost_centres"
    __table_args__ = (UniqueConstraint("organisation_id", "code", name="uq_cost_centres_org_code"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    code: str = Field(max_length=50)
    name: str = Field(max_length=200)
    active: bool = Field(default=True)


class Invitation(SQLModel, table=True):
    __tablename__ = "invitations"
    __table_args__ = (
        # The unit's Inbjudna tab, newest first.
        Index("ix_invitations_unit_status", "unit_id", "status", "id"),
        # One open invitation per address and unit: the service checks first, and this
        # decides between two admins inviting the same person at the same moment.
        Index(
            "uq_invitations_open_per_unit",
            "unit_id",
            "email_key",
            unique=True,
            sqlite_where=text(OPEN_INVITATION_SQL),
            postgresql_where=text(OPEN_INVITATION_SQL),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    company_id: int = Field(foreign_key="companies.id")
    unit_id: int = Field(foreign_key="units.id")  # the unit the person belongs to
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    email: str = Field(max_length=254)
    email_key: str = Field(max_length=1000)
    phone: str | None = Field(default=None, max_length=20)  # E.164
    language: str = Field(default="sv", max_length=2)
    role: str = Field(default=InvitationRole.STANDARD, max_length=20)
    status: str = Field(default=InvitationStatus.CREATED, max_length=20)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime
    invited_by_id: int = Field(foreign_key="users.id")
    # The latest invitation mail, for its delivery state.
    outbox_message_id: int | None = Field(default=None, foreign_key="outbox_messages.id")
    user_id: int | None = Field(default=None, foreign_key="users.id")  # once accepted
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    accepted_at: datetime | None = None
    revoked_at: datetime | None = None


class InvitationAdminUnit(SQLModel, table=True):
    """Adminroll: one row per unit the invited person will administer."""

    __tablename__ = "invitation_admin_units"
    __table_args__ = (
        UniqueConstraint("invitation_id", "unit_id", name="uq_invitation_admin_units"),
    )

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitations.id", index=True)
    unit_id: int = Field(foreign_key="units.id")


class ServiceOrder(SQLModel, table=True):
    """A service ordered for an invited person (F4.5-F4.7), with its credits."""

    __tablename__ = "service_orders"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    invitation_id: int = Field(foreign_key="invitations.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    service_id: int = Field(foreign_key="services.id")
    cost_centre_id: int = Field(foreign_key="cost_centres.id")
    credits: int  # the total: the first order plus every addition
    # The service's required fields as filled in, as JSON {key: text}; read by the therapist
    # the employee chose (services/therapists), and by nobody else.
    details: str = Field(default="{}")
    # F4.5: the therapist (platform staff) the employee chose in Mina tjänster.
    therapist_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    therapist_chosen_at: datetime | None = None
    created_by_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class CreditEntry(SQLModel, table=True):
    """Every grant of credits on an order: the first one, and those added later (F4.6)."""

    __tablename__ = "credit_entries"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="service_orders.id", index=True)
    credits: int
    cost_centre_id: int = Field(foreign_key="cost_centres.id")
    added_by_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow)


class SupportNotification(SQLModel, table=True):
    """The support inbox (Kundtjänst): a new case for digital treatment or therapy (F4.8)."""

    __tablename__ = "support_notifications"
    __table_args__ = (Index("ix_support_notifications_open", "handled_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    order_id: int = Field(foreign_key="service_orders.id")
    created_at: datetime = Field(default_factory=utcnow)
    handled_at: datetime | None = None
    handled_by_id: int | None = Field(default=None, foreign_key="users.id")

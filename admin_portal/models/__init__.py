"""Every table, imported here so SQLModel.metadata (Alembic, tests) sees them all."""

from admin_portal.models.api_client import ApiClient, ApiScope, ProvisionedUser
from admin_portal.models.api_usage import ApiClientReadWindow
from admin_portal.models.audit import AuditEvent
from admin_portal.models.base import require_id, utcnow
from admin_portal.models.care import CareLink
from admin_portal.models.invitation import (
    CostCentre,
    CreditEntry,
    Invitation,
    InvitationAdminUnit,
    InvitationRole,
    InvitationStatus,
    Service,
    ServiceOrder,
    SupportNotification,
)
from admin_portal.models.jobs import BackgroundJob, JobKind, JobStatus
from admin_portal.models.outbox import OutboxMessage, OutboxStatus
from admin_portal.models.property import (
    ALL_RIGHTS,
    ExceptionReason,
    PartnerAgreement,
    PrimaryAccount,
    PrimaryPropertyException,
    Property,
    PropertyAccess,
    PropertyInvitation,
    PropertyRequest,
    PropertyRight,
    RequestKind,
    RequestStatus,
)
from admin_portal.models.security import LoginSession, LoginThrottle, Token, TokenPurpose
from admin_portal.models.tenancy import Company, Organisation, Unit
from admin_portal.models.two_factor import RecoveryCode, TotpCredential
from admin_portal.models.user import (
    USER_TYPE_CHOICES,
    Language,
    Role,
    RoleAssignment,
    User,
    UserStatus,
    UserType,
)
from admin_portal.models.user_import import (
    APPLYING_OUTCOMES,
    ImportOutcome,
    ImportStatus,
    UserImport,
    UserImportRow,
)

__all__ = [
    "ApiClient",
    "ApiClientReadWindow",
    "ApiScope",
    "ProvisionedUser",
    "ALL_RIGHTS",
    "ExceptionReason",
    "PartnerAgreement",
    "PrimaryAccount",
    "PrimaryPropertyException",
    "Property",
    "PropertyAccess",
    "PropertyInvitation",
    "PropertyRequest",
    "PropertyRight",
    "RequestKind",
    "RequestStatus",
    "USER_TYPE_CHOICES",
    "CostCentre",
    "CreditEntry",
    "Invitation",
    "InvitationAdminUnit",
    "InvitationRole",
    "InvitationStatus",
    "Service",
    "ServiceOrder",
    "SupportNotification",
    "APPLYING_OUTCOMES",
    "BackgroundJob",
    "ImportOutcome",
    "ImportStatus",
    "JobKind",
    "JobStatus",
    "UserImport",
    "UserImportRow",
    "AuditEvent",
    "CareLink",
    "Company",
    "Language",
    "LoginSession",
    "LoginThrottle",
    "Organisation",
    "OutboxMessage",
    "OutboxStatus",
    "RecoveryCode",
    "Role",
    "RoleAssignment",
    "Token",
    "TokenPurpose",
    "TotpCredential",
    "Unit",
    "User",
    "UserStatus",
    "UserType",
    "require_id",
    "utcnow",
]

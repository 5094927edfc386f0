"""Every table, imported here so SQLModel.metadata (Alembic, tests) sees them all."""

from sqlmodel import SQLModel

# Named constraints on every database, so later migrations can drop or alter them portably.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from admin_portal.models.audit import AuditEvent
from admin_portal.models.base import require_id, utcnow
from admin_portal.models.outbox import OutboxMessage, OutboxStatus
from admin_portal.models.security import LoginSession, LoginThrottle, Token, TokenPurpose
from admin_portal.models.tenancy import Company, Organisation, Unit
from admin_portal.models.user import Language, Role, RoleAssignment, User, UserStatus, UserType

__all__ = [
    "AuditEvent",
    "Company",
    "Language",
    "LoginSession",
    "LoginThrottle",
    "Organisation",
    "OutboxMessage",
    "OutboxStatus",
    "Role",
    "RoleAssignment",
    "Token",
    "TokenPurpose",
    "Unit",
    "User",
    "UserStatus",
    "UserType",
    "require_id",
    "utcnow",
]

"""The local SMS outbox (/dev/sms): SMS kept on the machine when no SMS provider is set.

Like /dev/mail: outside production only, for head administrators, their organisation's
messages only (a body may hold a live one-time password until it expires).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.config import get_settings
from admin_portal.models import SmsMessage
from admin_portal.services.errors import NotFound, PermissionDenied


@dataclass(frozen=True)
class SmsRow:
    id: int
    created_at: str
    to_number: str
    status: str
    body: str


def local_sms_enabled() -> bool:
    """SMS stay on the machine: outside production and without an SMS provider."""
    settings = get_settings()
    return not settings.is_production and not settings.sms_via_provider


def list_local_sms(session: Session, *, actor: Actor | None, limit: int = 100) -> list[SmsRow]:
    """The head administrator's organisation's SMS, latest first.

    Raises:
        NotFound: in production, or when SMS go out through a provider.
        PermissionDenied: anyone but a head administrator.
    """
    if not local_sms_enabled():
        raise NotFound()
    if actor is None or not actor.is_head_admin or actor.api_client_id is not None:
        raise PermissionDenied()
    rows = session.exec(
        select(SmsMessage)
        .where(SmsMessage.organisation_id == actor.organisation_id)
        .order_by(col(SmsMessage.id).desc())
        .limit(max(1, min(limit, 500)))
    ).all()
    return [
        SmsRow(
            id=row.id or 0,
            created_at=row.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            to_number=row.to_number,
            status=row.status,
            body=row.body,
        )
        for row in rows
    ]

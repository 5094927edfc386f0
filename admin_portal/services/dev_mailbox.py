"""The local mailbox: outbox rows shown on /dev/mail when no Resend key is configured."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.config import get_settings
from admin_portal.models import OutboxMessage
from admin_portal.services.errors import NotFound

_LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class MailboxRow:
    id: int
    created_at: str
    to_address: str
    subject: str
    status: str
    text_body: str
    links: list[str]


def list_local_mail(session: Session, *, limit: int = 100) -> list[MailboxRow]:
    """Latest mail first. Refused in production: the outbox holds live links there."""
    if get_settings().is_production:
        raise NotFound()
    rows = session.exec(
        select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(max(1, min(limit, 500)))
    ).all()
    return [
        MailboxRow(
            id=row.id or 0,
            created_at=row.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            to_address=row.to_address,
            subject=row.subject,
            status=row.status,
            text_body=row.text_body,
            links=_LINK.findall(row.text_body),
        )
        for row in rows
    ]

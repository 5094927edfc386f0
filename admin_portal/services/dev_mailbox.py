"""The local mailbox: outbox rows shown on /dev/mail when no Resend key is configured.

The outbox holds live set-password and invitation links, so the mailbox is a head
administrator's tool of a development or test deployment, and shows only their own
organisation's mail: another tenant's links are never theirs to follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.config import get_settings
from admin_portal.models import OutboxMessage
from admin_portal.services.errors import NotFound, PermissionDenied

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


def list_local_mail(session: Session, *, actor: Actor | None, limit: int = 100) -> list[MailboxRow]:
    """The head administrator's organisation's mail, latest first.

    Args:
        session: Database session.
        actor: The signed-in person; None for nobody.
        limit: Most rows returned (1 to 500).

    Raises:
        NotFound: In production, or when mail goes out through Resend: there is no local
            mailbox then, whoever asks.
        PermissionDenied: Anyone but a head administrator.
    """
    if not get_settings().local_mailbox_enabled:
        raise NotFound()
    if actor is None or not actor.is_head_admin:
        raise PermissionDenied()
    rows = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.organisation_id == actor.organisation_id)
        .order_by(col(OutboxMessage.id).desc())
        .limit(max(1, min(limit, 500)))
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

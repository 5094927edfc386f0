"""Kundtjänst's inbox (F4.8): new digital-treatment and therapy cases of every organisation.

Only support staff see it. To everyone else it does not exist (NotFound, never
PermissionDenied), whatever a client sends: page numbers and ids are client input.
The case text is personal (F4.5): it goes to the therapist the employee chooses
(services/catalogue/therapists.py) and nobody else. Support sees that a case exists, who
it is for and whether a therapist has been chosen, never the text (nor in the mail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import (
    Invitation,
    Organisation,
    Service,
    ServiceOrder,
    SupportNotification,
    User,
    utcnow,
)
from admin_portal.services.audit.events import record_event
from admin_portal.services.errors import NotFound

PAGE_SIZE = 25
_MAX_PAGE = 100_000  # far beyond any real inbox; bounds the OFFSET a client can ask for

Show = Literal["open", "all"]


@dataclass(frozen=True)
class SupportRow:
    id: int
    organisation: str
    person: str
    email: str
    phone: str
    service_sv: str
    service_en: str
    needs_therapist: bool
    therapist: str  # the chosen therapist's name; "" while none is chosen
    created_at: str
    handled: bool
    handled_at: str
    handled_by: str


@dataclass(frozen=True)
class SupportPage:
    rows: list[SupportRow]
    page: int
    pages: int
    total: int


def _require_support(actor: Actor | None) -> Actor:
    if actor is None or not actor.is_support:
        raise NotFound()
    return actor


def _page_number(page: object) -> int:
    if isinstance(page, bool) or not isinstance(page, int | str):
        return 1
    text = str(page).strip()
    if not text.isdigit() or len(text) > 9:
        return 1
    return max(1, min(int(text), _MAX_PAGE))


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else ""


def list_support_notifications(
    session: Session,
    *,
    actor: Actor | None,
    page: object = 1,
    show: object = "open",
) -> SupportPage:
    """One page of the inbox, open cases first then newest first; `show="all"` adds handled ones."""
    _require_support(actor)
    number = _page_number(page)
    person, handler, therapist = aliased(User), aliased(User), aliased(User)
    # SQLAlchemy's own select: sqlmodel's is typed for at most four entities.
    base = (
        sa_select(
            SupportNotification,
            ServiceOrder,
            Invitation,
            Service,
            Organisation,
            person,
            handler,
            therapist,
        )
        .join(ServiceOrder, col(ServiceOrder.id) == SupportNotification.order_id)
        .join(Invitation, col(Invitation.id) == ServiceOrder.invitation_id)
        .join(Service, col(Service.id) == ServiceOrder.service_id)
        .join(Organisation, col(Organisation.id) == SupportNotification.organisation_id)
        .join(person, col(person.id) == ServiceOrder.user_id, isouter=True)
        .join(handler, col(handler.id) == SupportNotification.handled_by_id, isouter=True)
        .join(therapist, col(therapist.id) == ServiceOrder.therapist_id, isouter=True)
    )
    counted = select(func.count()).select_from(SupportNotification)
    if show != "all":
        base = base.where(col(SupportNotification.handled_at).is_(None))
        counted = counted.where(col(SupportNotification.handled_at).is_(None))
    total = session.exec(counted).one()
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(number, pages)
    found = session.execute(
        base.order_by(
            col(SupportNotification.handled_at).is_not(None),
            col(SupportNotification.id).desc(),
        )
        .offset((number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    rows = []
    for notice, _order, invitation, service, organisation, user, by, chosen in found:
        # Once the person has an account, its data is the current truth; before, the invitation's.
        rows.append(
            SupportRow(
                id=notice.id or 0,
                organisation=organisation.name,
                person=user.full_name
                if user
                else f"{invitation.first_name} {invitation.last_name}",
                email=(user.email if user else invitation.email) or "",
                phone=(user.mobile if user else invitation.phone) or "",
                service_sv=service.name_sv,
                service_en=service.name_en,
                needs_therapist=service.needs_therapist,
                therapist=chosen.full_name if chosen else "",
                created_at=_when(notice.created_at),
                handled=notice.handled_at is not None,
                handled_at=_when(notice.handled_at),
                handled_by=by.full_name if by else "",
            )
        )
    return SupportPage(rows=rows, page=number, pages=pages, total=total)


def mark_handled(session: Session, *, actor: Actor | None, notification_id: object) -> bool:
    """ "Markera som hanterad". Returns False if someone else already had; NotFound for bad ids."""
    who = _require_support(actor)
    text = str(notification_id).strip() if isinstance(notification_id, int | str) else ""
    if isinstance(notification_id, bool) or not text.isdigit() or len(text) > 12:
        raise NotFound()
    notice = session.get(SupportNotification, int(text))
    if notice is None:
        raise NotFound()
    # Conditional: two colleagues clicking at once record one handling, not two.
    result = session.execute(
        update(SupportNotification)
        .where(
            col(SupportNotification.id) == notice.id,
            col(SupportNotification.handled_at).is_(None),
        )
        .values(handled_at=utcnow(), handled_by_id=who.user_id)
    )
    changed = result.rowcount == 1  # type: ignore[attr-defined]
    record_event(
        session,
        action="support_notification_handled",
        organisation_id=notice.organisation_id,
        actor_user_id=who.user_id,
        target_type="support_notification",
        target_id=notice.id,
        outcome="ok" if changed else "already_handled",
    )
    return changed

"""The two tabs of Min organisation (F4.2) and a person's orders, for one unit in scope.

Inbjudna: invitations not yet accepted nor revoked, newest first, an overdue one shown as
expired (computed here, so no job has to run for the mark to be right). Registrerade:
the unit's active users, with their role and ordered services. A person moves from the
first to the second by accepting (services.invitation_acceptance); no admin action.

Both tabs page by keyset, so a unit of any size costs one index walk per page: Inbjudna
along (unit_id, status, id), Registrerade along (unit_id, status, last_name, first_name,
id). A cursor is the id of the previous page's last row; the row's sort key is read back
from the database *within the same unit and tab*, so a forged or stale cursor (another
unit's row, a removed person) finds nothing and the tab starts over at its first page.
The count on each tab is a COUNT over the same index, for the unit, not the search.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, func, or_, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import (
    Invitation,
    InvitationStatus,
    OutboxMessage,
    Role,
    RoleAssignment,
    Service,
    ServiceOrder,
    User,
    UserStatus,
    utcnow,
)
from admin_portal.search.text import case_variants, clean_text, like_contains, user_text_condition
from admin_portal.services.errors import ServiceError
from admin_portal.services.invitations.delivery import delivery_label
from admin_portal.services.invitations.invite import (
    OPEN_STATUSES,
    get_invitation_in_scope,
    get_order_in_scope,
)
from admin_portal.services.invitations.unit_switcher import get_unit_in_scope
from admin_portal.services.users.manage import get_user_in_scope

PAGE_SIZE = 50
_SEARCH_MAX = 100  # characters of search text kept
_MAX_SPELLINGS = 64

T = TypeVar("T")


@dataclass(frozen=True)
class TabPage(Generic[T]):
    """One page of a tab: its rows, the cursor of the next page (None: last page), and how
    many rows the whole tab holds for the unit (the search does not narrow the count)."""

    rows: list[T]
    next_cursor: str | None
    total: int


@dataclass(frozen=True)
class InvitedRow:
    id: int
    name: str
    email: str
    role: str  # InvitationRole
    status: str  # InvitationStatus, EXPIRED when overdue
    delivery: str  # the latest mail's word: delivery.delivery_label ("" when none)
    sent_at: datetime | None  # when the latest mail was accepted (else queued)
    expires_at: datetime
    invited_by: str
    services: str  # e.g. "Terapisamtal (6)"


@dataclass(frozen=True)
class RegisteredRow:
    id: int
    name: str
    username: str
    email: str
    role: str  # "admin" | "standard"
    services: str


@dataclass(frozen=True)
class OrderRow:
    id: int
    service_sv: str
    service_en: str
    credits: int


def effective_status(invitation: Invitation, now: datetime | None = None) -> str:
    """The stored status, except that an open invitation past its expiry is EXPIRED."""
    if invitation.status in OPEN_STATUSES and invitation.expires_at <= (now or utcnow()):
        return InvitationStatus.EXPIRED
    return invitation.status


def _orders_text(rows: list[tuple[ServiceOrder, Service]], lang: str) -> str:
    return ", ".join(f"{(s.name_en if lang == 'en' else s.name_sv)} ({o.credits})" for o, s in rows)


def _cursor_id(cursor: object) -> int | None:
    """The cursor as a row id; anything else (forged, wrong type) means "first page"."""
    text = cursor.strip() if isinstance(cursor, str) else ""
    return int(text) if text.isdigit() and len(text) <= 12 else None


def _search_text(query: object) -> str:
    return clean_text(query)[:_SEARCH_MAX].casefold()


def _invitation_text_condition(folded: str) -> ColumnElement[bool]:
    """Substring over the invited person's name and e-mail, case-insensitive also for å, ä, ö.

    The unit's index narrows the rows first; SQLite's LIKE folds ASCII only, so each case
    spelling of the non-ASCII letters is tried (as users.user_text_condition does).
    """
    full_name = col(Invitation.first_name) + " " + col(Invitation.last_name)
    spellings = case_variants(folded, _MAX_SPELLINGS) or [folded]
    return or_(
        *[full_name.ilike(like_contains(spelling), escape="\\") for spelling in spellings],
        col(Invitation.email_key).like(like_contains(folded), escape="\\"),
    )


def invited_page(
    session: Session,
    *,
    actor: Actor,
    unit_id: object,
    query: object = "",
    cursor: object = None,
    lang: str = "sv",
    page_size: int = PAGE_SIZE,
) -> TabPage[InvitedRow]:
    """One page of Inbjudna for a unit in scope, newest first, optionally searched.

    Args:
        session: An open database session.
        actor: The signed-in admin.
        unit_id: The unit (client input: checked against the actor's scope).
        query: Search text, matched as a substring of name or e-mail.
        cursor: `next_cursor` of the previous page; None, "" or anything forged: page one.
        lang: Language of the service names.
        page_size: Rows per page.

    Returns:
        The page, with the tab's count for the unit.

    Raises:
        NotFound: the unit is not in the actor's scope.
    """
    unit, _company = get_unit_in_scope(session, actor=actor, unit_id=unit_id)
    in_tab = (Invitation.unit_id == unit.id, col(Invitation.status).in_(OPEN_STATUSES))
    total = session.exec(select(func.count(col(Invitation.id))).where(*in_tab)).one()
    inviter = aliased(User)
    statement = (
        select(Invitation, OutboxMessage, inviter)
        .join(OutboxMessage, col(OutboxMessage.id) == Invitation.outbox_message_id, isouter=True)
        .join(inviter, col(inviter.id) == Invitation.invited_by_id, isouter=True)
        .where(*in_tab)
    )
    after = _cursor_id(cursor)
    if after is not None:
        statement = statement.where(col(Invitation.id) < after)
    folded = _search_text(query)
    if folded:
        statement = statement.where(_invitation_text_condition(folded))
    rows = session.exec(statement.order_by(col(Invitation.id).desc()).limit(page_size + 1)).all()
    more, rows = len(rows) > page_size, rows[:page_size]
    orders = _orders_of(session, "invitation_id", [i.id for i, _, _ in rows])
    now = utcnow()
    result = [
        InvitedRow(
            id=invitation.id or 0,
            name=f"{invitation.first_name} {invitation.last_name}",
            email=invitation.email,
            role=invitation.role,
            status=effective_status(invitation, now),
            delivery=delivery_label(invitation.status, mail),
            sent_at=(mail.sent_at or mail.created_at) if mail else invitation.sent_at,
            expires_at=invitation.expires_at,
            invited_by=who.full_name if who else "",
            services=_orders_text(orders.get(invitation.id or 0, []), lang),
        )
        for invitation, mail, who in rows
    ]
    next_cursor = str(result[-1].id) if more and result else None
    return TabPage(rows=result, next_cursor=next_cursor, total=total)


def list_invited(
    session: Session, *, actor: Actor, unit_id: object, lang: str = "sv"
) -> list[InvitedRow]:
    """The first page of Inbjudna (see invited_page)."""
    return invited_page(session, actor=actor, unit_id=unit_id, lang=lang).rows


def _orders_of(
    session: Session, owner: str, ids: list[int | None]
) -> dict[int, list[tuple[ServiceOrder, Service]]]:
    """Orders grouped by `owner` ("invitation_id" or "user_id"): one query for the whole tab."""
    wanted = [i for i in ids if i is not None]
    result: dict[int, list[tuple[ServiceOrder, Service]]] = {}
    if not wanted:
        return result
    column = col(getattr(ServiceOrder, owner))
    rows = session.exec(
        select(ServiceOrder, Service)
        .join(Service, col(Service.id) == ServiceOrder.service_id)
        .where(column.in_(wanted))
        .order_by(col(ServiceOrder.id))
    ).all()
    for order, service in rows:
        result.setdefault(getattr(order, owner) or 0, []).append((order, service))
    return result


def registered_page(
    session: Session,
    *,
    actor: Actor,
    unit_id: object,
    query: object = "",
    cursor: object = None,
    lang: str = "sv",
    page_size: int = PAGE_SIZE,
) -> TabPage[RegisteredRow]:
    """One page of Registrerade for a unit in scope, by last name, first name and id.

    Args:
        session: An open database session.
        actor: The signed-in admin.
        unit_id: The unit (client input: checked against the actor's scope).
        query: Search text, matched as a substring of name, username or e-mail.
        cursor: `next_cursor` of the previous page; None, "" or anything forged: page one.
        lang: Language of the service names.
        page_size: Rows per page.

    Returns:
        The page, with the tab's count for the unit.

    Raises:
        NotFound: the unit is not in the actor's scope.
    """
    unit, _company = get_unit_in_scope(session, actor=actor, unit_id=unit_id)
    in_tab = (User.unit_id == unit.id, User.status == UserStatus.ACTIVE)
    total = session.exec(select(func.count(col(User.id))).where(*in_tab)).one()
    statement = select(User).where(*in_tab)
    after_id = _cursor_id(cursor)
    # The cursor row's sort key, read within this unit and tab: a forged id finds nothing.
    after = (
        session.exec(
            select(User.last_name, User.first_name, User.id).where(*in_tab, User.id == after_id)
        ).first()
        if after_id is not None
        else None
    )
    if after is not None:
        key = tuple_(col(User.last_name), col(User.first_name), col(User.id))
        statement = statement.where(key > tuple_(*after))
    folded = _search_text(query)
    if folded:
        statement = statement.where(user_text_condition(folded))
    users = session.exec(
        statement.order_by(col(User.last_name), col(User.first_name), col(User.id)).limit(
            page_size + 1
        )
    ).all()
    more, users = len(users) > page_size, list(users[:page_size])
    ids = [u.id for u in users]
    admins = set(
        session.exec(
            select(RoleAssignment.user_id).where(
                col(RoleAssignment.user_id).in_(ids),
                col(RoleAssignment.role).in_((Role.ADMIN, Role.HEAD_ADMIN)),
            )
        ).all()
    )
    orders = _orders_of(session, "user_id", ids)
    rows = [
        RegisteredRow(
            id=u.id or 0,
            name=u.full_name,
            username=u.username,
            email=u.email or "",
            role="admin" if u.id in admins else "standard",
            services=_orders_text(orders.get(u.id or 0, []), lang),
        )
        for u in users
    ]
    next_cursor = str(rows[-1].id) if more and rows else None
    return TabPage(rows=rows, next_cursor=next_cursor, total=total)


def list_registered(
    session: Session, *, actor: Actor, unit_id: object, lang: str = "sv"
) -> list[RegisteredRow]:
    """The first page of Registrerade (see registered_page)."""
    return registered_page(session, actor=actor, unit_id=unit_id, lang=lang).rows


def list_orders(
    session: Session, *, actor: Actor, invitation_id: object = None, user_id: object = None
) -> list[OrderRow]:
    """The orders of one person (an invitation or a registered user) in scope, for "add credits"."""
    if user_id is not None:
        user = get_user_in_scope(session, actor=actor, user_id=user_id)
        where = col(ServiceOrder.user_id) == user.id
    else:
        invitation = get_invitation_in_scope(session, actor=actor, invitation_id=invitation_id)
        where = col(ServiceOrder.invitation_id) == invitation.id
    rows = session.exec(
        select(ServiceOrder, Service)
        .join(Service, col(Service.id) == ServiceOrder.service_id)
        .where(where, ServiceOrder.organisation_id == actor.organisation_id)
        .order_by(col(ServiceOrder.id))
    ).all()
    # Each order is re-checked the same way add_credits will check it.
    return [
        OrderRow(id=o.id or 0, service_sv=s.name_sv, service_en=s.name_en, credits=o.credits)
        for o, s in rows
        if _in_scope(session, actor, o.id)
    ]


def _in_scope(session: Session, actor: Actor, order_id: int | None) -> bool:
    try:
        get_order_in_scope(session, actor=actor, order_id=order_id)
    except ServiceError:  # out of scope or revoked: simply not offered
        return False
    return True

"""The two tabs of Min organisation (F4.2) and a person's orders, for one unit in scope.

Inbjudna: invitations not yet accepted nor revoked, newest first, an overdue one shown as
expired (computed here, so no job has to run for the mark to be right). Registrerade:
the unit's active users, with their role and ordered services. A person moves from the
first to the second by accepting (services.invitation_acceptance); no admin action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
from admin_portal.services.errors import ServiceError
from admin_portal.services.invitations.delivery import delivery_label
from admin_portal.services.invitations.invite import (
    OPEN_STATUSES,
    get_invitation_in_scope,
    get_order_in_scope,
)
from admin_portal.services.invitations.unit_switcher import get_unit_in_scope
from admin_portal.services.users.manage import get_user_in_scope

LIST_LIMIT = 500  # a unit is a team; a longer tab would need paging, not a bigger number


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


def list_invited(
    session: Session, *, actor: Actor, unit_id: object, lang: str = "sv"
) -> list[InvitedRow]:
    unit, _company = get_unit_in_scope(session, actor=actor, unit_id=unit_id)
    inviter = aliased(User)
    rows = session.exec(
        select(Invitation, OutboxMessage, inviter)
        .join(OutboxMessage, col(OutboxMessage.id) == Invitation.outbox_message_id, isouter=True)
        .join(inviter, col(inviter.id) == Invitation.invited_by_id, isouter=True)
        .where(Invitation.unit_id == unit.id, col(Invitation.status).in_(OPEN_STATUSES))
        .order_by(col(Invitation.id).desc())
        .limit(LIST_LIMIT)
    ).all()
    orders = _orders_of(session, "invitation_id", [i.id for i, _, _ in rows])
    now = utcnow()
    return [
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


def list_registered(
    session: Session, *, actor: Actor, unit_id: object, lang: str = "sv"
) -> list[RegisteredRow]:
    unit, _company = get_unit_in_scope(session, actor=actor, unit_id=unit_id)
    users = session.exec(
        select(User)
        .where(User.unit_id == unit.id, User.status == UserStatus.ACTIVE)
        .order_by(col(User.last_name), col(User.first_name), col(User.id))
        .limit(LIST_LIMIT)
    ).all()
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
    return [
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

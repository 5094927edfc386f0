"""Mina tjänster: the services ordered for the signed-in person (F4.8: where they land)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import Service, ServiceOrder
from admin_portal.services.errors import NotFound


@dataclass(frozen=True)
class MyService:
    order_id: int
    name_sv: str
    name_en: str
    credits: int
    ordered_on: str  # YYYY-MM-DD
    # Digital behandling and Terapisamtal: support will call, so the page says so.
    support_contacts_you: bool


def has_ordered_services(session: Session, *, actor: Actor) -> bool:
    """Has anything been ordered for the actor themself? (Where a standard user lands.)"""
    found = session.exec(
        select(ServiceOrder.id).where(ServiceOrder.user_id == actor.user_id).limit(1)
    ).first()
    return found is not None


def list_my_services(session: Session, *, actor: Actor | None) -> list[MyService]:
    """Only the actor's own orders: the person is taken from the session, never from input."""
    if actor is None:
        raise NotFound()
    rows = session.exec(
        select(ServiceOrder, Service)
        .join(Service, col(Service.id) == ServiceOrder.service_id)
        .where(ServiceOrder.user_id == actor.user_id)
        .order_by(col(ServiceOrder.created_at).desc(), col(ServiceOrder.id).desc())
    ).all()
    return [
        MyService(
            order_id=order.id or 0,
            name_sv=service.name_sv,
            name_en=service.name_en,
            credits=order.credits,
            ordered_on=order.created_at.strftime("%Y-%m-%d"),
            support_contacts_you=service.notifies_support,
        )
        for order, service in rows
    ]

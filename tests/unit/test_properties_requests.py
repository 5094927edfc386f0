"""Boenden requests (F2.8) and recorded exceptions (F2.9): support handles, the requester sees."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import AuditEvent, PrimaryPropertyException, PropertyRequest
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError
from admin_portal.services.properties import (
    approve_request,
    link_property_exception,
    link_property_exception_by_names,
    list_my_requests,
    list_properties,
    reject_request,
    request_ownership_change,
    request_primary_account,
    request_termination,
)
from tests.unit import test_properties_service as base
from tests.unit.test_properties_service import World

world = base.world  # the same fixture: one partner organisation with two agreements


def _names(session: Session, actor: Actor) -> list[str]:
    return [r.name for r in list_properties(session, actor=actor).rows]


# --- F2.8 requests and the ownership change ---------------------------------------------------


def test_ownership_change_moves_the_property_and_keeps_its_history(
    session: Session, world: World
) -> None:
    request_id = request_ownership_change(
        session,
        actor=world.primary,
        property_id=world.hostel.id,
        target_agreement_number="avt-2002",
    )
    assert [r.status for r in list_my_requests(session, actor=world.primary)] == ["open"]
    with pytest.raises(NotFound):
        approve_request(session, actor=world.primary, request_id=request_id)  # not support
    approve_request(session, actor=world.support, request_id=request_id)
    session.refresh(world.hostel)
    assert world.hostel.agreement_id == world.cabin.agreement_id
    assert "Vandrarhem Strömstad" not in _names(session, world.primary)
    # Same row: the ordinary account's access stays with the property.
    assert "Vandrarhem Strömstad" in _names(session, world.ordinary)
    assert [r.status for r in list_my_requests(session, actor=world.primary)] == ["approved"]
    moved = session.exec(select(AuditEvent).where(AuditEvent.action == "property_moved")).one()
    assert moved.actor_user_id == world.support.user_id
    with pytest.raises(ServiceError):
        approve_request(session, actor=world.support, request_id=request_id)  # handled once


def test_ownership_change_only_for_the_own_agreements_property(
    session: Session, world: World
) -> None:
    for forged in (world.cabin.id, world.other_org_property.id):
        with pytest.raises(NotFound):
            request_ownership_change(
                session, actor=world.primary, property_id=forged, target_agreement_number="AVT-1001"
            )
    with pytest.raises(PermissionDenied):
        request_ownership_change(
            session,
            actor=world.ordinary,
            property_id=world.hostel.id,
            target_agreement_number="AVT-2002",
        )


def test_primary_account_request_is_tracked_and_approved_by_support(
    session: Session, world: World
) -> None:
    request_id = request_primary_account(session, actor=world.ordinary, message="Vi äger AVT-2002")
    with pytest.raises(ServiceError):
        request_primary_account(session, actor=world.ordinary)  # one open at a time
    with pytest.raises(ServiceError):
        request_primary_account(session, actor=world.primary)  # already one
    with pytest.raises(ServiceError):
        approve_request(
            session, actor=world.support, request_id=request_id, agreement_number="AVT-9"
        )
    approve_request(
        session, actor=world.support, request_id=request_id, agreement_number="AVT-2002"
    )
    assert list_properties(session, actor=world.ordinary).is_primary


def test_termination_request_and_rejection(session: Session, world: World) -> None:
    request_id = request_termination(session, actor=world.primary)
    reject_request(session, actor=world.support, request_id=request_id)
    assert [r.status for r in list_my_requests(session, actor=world.primary)] == ["rejected"]
    with pytest.raises(PermissionDenied):
        request_termination(session, actor=world.ordinary)
    assert session.exec(select(PropertyRequest)).one().handled_by_id == world.support.user_id


# --- F2.9 recorded exceptions ---------------------------------------------------------------


def test_support_links_a_property_outside_the_agreement_with_who_and_when(
    session: Session, world: World
) -> None:
    with pytest.raises(NotFound):
        link_property_exception(
            session,
            actor=world.primary,
            user_id=world.primary.user_id,
            property_id=world.cabin.id,
            reason="support_added",
        )
    with pytest.raises(NotFound):  # nothing crosses an organisation boundary
        link_property_exception(
            session,
            actor=world.support,
            user_id=world.primary.user_id,
            property_id=world.other_org_property.id,
            reason="legacy_partner",
        )
    link_property_exception(
        session,
        actor=world.support,
        user_id=world.primary.user_id,
        property_id=world.cabin.id,
        reason="legacy_partner",
    )
    row = session.exec(select(PrimaryPropertyException)).one()
    assert row.created_by_id == world.support.user_id and row.created_at is not None
    assert "Stuga Hemavan" in _names(session, world.primary)


def test_support_links_by_username_and_agreement_and_name(session: Session, world: World) -> None:
    with pytest.raises(NotFound):
        link_property_exception_by_names(
            session,
            actor=world.support,
            username="primarkonto",
            agreement_number="AVT-2002",
            property_name="Okänt boende",
            reason="support_added",
        )
    link_property_exception_by_names(
        session,
        actor=world.support,
        username="PRIMARKONTO",
        agreement_number="avt-2002",
        property_name="stuga hemavan",
        reason="support_added",
        note="Avtalsbyte pågår",
    )
    assert "Stuga Hemavan" in _names(session, world.primary)

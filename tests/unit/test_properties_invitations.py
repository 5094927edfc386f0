"""Ny användare (F2.7): invite with rights, accept into a new ordinary account."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, col, select

from admin_portal.models import OutboxMessage, PropertyAccess, User
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from admin_portal.services.properties import (
    accept_property_invitation,
    describe_property_invitation,
    invite_property_user,
    list_properties,
)
from tests.unit import test_properties_service as base
from tests.unit.test_properties_service import World

world = base.world  # the same fixture: one partner organisation with two agreements

PASSWORD = "Lingonsylt-och-kanelbulle-7"


def _token(session: Session) -> str:
    mail = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc())).first()
    assert mail is not None
    found = re.search(r"token=([A-Za-z0-9_\-]+)", mail.text_body)
    assert found is not None
    return found.group(1)


def test_invite_then_accept_creates_an_ordinary_account_with_the_rights(
    session: Session, world: World, cheap_argon2: None
) -> None:
    invite_property_user(
        session,
        actor=world.primary,
        first_name="Nina",
        last_name="Ny",
        email="nina@example.se",
        rights={str(world.hotel.id): ["bookings", "messages"]},
    )
    raw = _token(session)
    view = describe_property_invitation(session, raw_token=raw)
    assert view.properties == ["Hotell Fjällbacka"]
    accepted = accept_property_invitation(
        session, raw_token=raw, username="nina.ny", password=PASSWORD, repeat=PASSWORD
    )
    user = session.get(User, accepted.user_id)
    assert user is not None and user.organisation_id == world.primary.organisation_id
    row = session.exec(select(PropertyAccess).where(col(PropertyAccess.user_id) == user.id)).one()
    assert row.bookings and row.messages and not row.user_admin
    with pytest.raises(ServiceError):  # single use
        accept_property_invitation(
            session, raw_token=raw, username="nina2", password=PASSWORD, repeat=PASSWORD
        )


def test_a_clash_with_the_invitees_primary_username_is_explained(
    session: Session, world: World, cheap_argon2: None
) -> None:
    # The primary account's holder is invited to a new ordinary login at their own address.
    invite_property_user(
        session,
        actor=world.ordinary,
        first_name="Pia",
        last_name="Primär",
        email="p@example.se",
        rights={str(world.hostel.id): ["bookings"]},
    )
    raw = _token(session)
    with pytest.raises(ValidationFailed) as clash:
        accept_property_invitation(
            session, raw_token=raw, username="PrimarKonto", password=PASSWORD, repeat=PASSWORD
        )
    assert clash.value.errors["username"] == "properties.accept.username_is_primary"
    # Someone else's username: the global rule's generic answer, nothing about whose it is.
    with pytest.raises(ValidationFailed) as taken:
        accept_property_invitation(
            session, raw_token=raw, username="ordinarie", password=PASSWORD, repeat=PASSWORD
        )
    assert taken.value.errors["username"] == "acceptance.username_taken"


def test_invitation_rights_are_bounded_by_the_inviter(session: Session, world: World) -> None:
    with pytest.raises(PermissionDenied):
        invite_property_user(
            session,
            actor=world.ordinary,
            first_name="A",
            last_name="B",
            email="ab@example.se",
            rights={str(world.hostel.id): ["finance"]},
        )
    for forged in (world.hotel.id, world.cabin.id, world.other_org_property.id):
        with pytest.raises(NotFound):
            invite_property_user(
                session,
                actor=world.ordinary,
                first_name="A",
                last_name="B",
                email="ab@example.se",
                rights={str(forged): ["bookings"]},
            )


def test_rights_lost_before_acceptance_are_not_passed_on(
    session: Session, world: World, cheap_argon2: None
) -> None:
    invite_property_user(
        session,
        actor=world.ordinary,
        first_name="Olle",
        last_name="Sen",
        email="olle@example.se",
        rights={str(world.hostel.id): ["bookings"]},
    )
    raw = _token(session)
    for row in session.exec(
        select(PropertyAccess).where(col(PropertyAccess.user_id) == world.ordinary.user_id)
    ):
        session.delete(row)
    session.flush()
    accepted = accept_property_invitation(
        session, raw_token=raw, username="olle.sen", password=PASSWORD, repeat=PASSWORD
    )
    from tests.support.property_factories import actor_of

    user = session.get(User, accepted.user_id)
    assert user is not None
    assert list_properties(session, actor=actor_of(session, user)).rows == []

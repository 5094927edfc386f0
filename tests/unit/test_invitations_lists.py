"""Inbjudna / Registrerade (F4.2): what each tab shows for a unit in scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from admin_portal.auth.permissions import load_actor
from admin_portal.models import Invitation, InvitationStatus, Service, ServiceOrder, utcnow
from admin_portal.services.demo.catalogue import seed_catalogue
from admin_portal.services.errors import NotFound
from admin_portal.services.invitations.input import InvitationInput
from admin_portal.services.invitations.invite import create_invitation, revoke_invitation
from admin_portal.services.invitations.lists import list_invited, list_orders, list_registered
from admin_portal.services.invitations.unit_switcher import administered_units, choose_unit
from tests.support.factories import Role, grant, make_company, make_org, make_unit, make_user


@pytest.fixture
def w(session: Session):  # type: ignore[no-untyped-def]
    org = make_org(session)
    company = make_company(session, org, "Omsorg AB")
    a, b, c = (make_unit(session, company, n) for n in ("Centrum", "Väster", "Öster"))
    seed_catalogue(session, organisation=org)
    chief = make_user(session, company, unit=a, username="chef", first_name="Olivia", last_name="O")
    grant(session, chief, Role.ADMIN, unit=a)
    grant(session, chief, Role.ADMIN, unit=b)
    actor = load_actor(session, chief.id or 0)
    digital = session.exec(select(Service).where(Service.code == "digital_treatment")).one()

    def invite(email: str, unit=a) -> int:  # type: ignore[no-untyped-def]
        return create_invitation(
            session,
            actor=actor,
            data=InvitationInput(
                first_name="Per",
                last_name="Son",
                email=email,
                unit_id=unit.id,
                service_ids=[digital.id],
                cost_centre_id=1,
            ),
        )

    return {"a": a, "b": b, "c": c, "actor": actor, "invite": invite, "company": company}


def test_the_switcher_offers_exactly_the_units_administered(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    names = [u.name for u in administered_units(session, actor=w["actor"])]
    assert names == ["Centrum", "Väster"]
    assert choose_unit(session, actor=w["actor"], requested=str(w["b"].id)).name == "Väster"  # type: ignore[union-attr]
    assert choose_unit(session, actor=w["actor"], requested=str(w["c"].id)).name == "Centrum"  # type: ignore[union-attr]


def test_invited_tab_marks_expired_and_hides_revoked_and_accepted(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    fresh, old, gone, done = (
        w["invite"](f"{n}@example.se") for n in ("ny", "gammal", "borta", "klar")
    )
    old_row = session.get(Invitation, old)
    old_row.expires_at = utcnow() - timedelta(minutes=1)  # type: ignore[union-attr]
    revoke_invitation(session, actor=w["actor"], invitation_id=gone)
    done_row = session.get(Invitation, done)
    done_row.status = InvitationStatus.ACCEPTED  # type: ignore[union-attr]
    session.flush()
    rows = {r.id: r for r in list_invited(session, actor=w["actor"], unit_id=w["a"].id)}
    assert set(rows) == {fresh, old}
    assert (
        rows[old].status == InvitationStatus.EXPIRED
        and rows[fresh].status == InvitationStatus.CREATED
    )
    assert rows[fresh].invited_by == "Olivia O" and rows[fresh].delivery == "pending"
    assert rows[fresh].services == "Digital behandling (4)"


def test_registered_tab_shows_people_with_role_and_services(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    invitation_id = w["invite"]("anna@example.se")
    person = make_user(
        session, w["company"], unit=w["a"], username="anna", first_name="Anna", last_name="A"
    )
    # What acceptance does (services.invitation_acceptance): the orders become the person's.
    for order in session.exec(
        select(ServiceOrder).where(ServiceOrder.invitation_id == invitation_id)
    ):
        order.user_id = person.id
        session.add(order)
    session.flush()
    rows = {r.name: r for r in list_registered(session, actor=w["actor"], unit_id=w["a"].id)}
    assert rows["Anna A"].services == "Digital behandling (4)" and rows["Anna A"].role == "standard"
    assert rows["Olivia O"].role == "admin"
    assert [o.credits for o in list_orders(session, actor=w["actor"], user_id=person.id)] == [4]


def test_tabs_of_a_unit_outside_scope_are_not_found(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    for lister in (list_invited, list_registered):
        with pytest.raises(NotFound):
            lister(session, actor=w["actor"], unit_id=w["c"].id)

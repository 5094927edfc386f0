"""F4.5 (issue 14): the text of a service's required fields reaches the therapist the
employee chose, and nobody else. Support sees that the case exists; every read is audited."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import AuditEvent, Role, Service, ServiceOrder, SupportNotification, User
from admin_portal.services.catalogue.therapists import (
    choose_therapist,
    list_my_cases,
    list_my_choices,
    list_therapists,
    read_case,
)
from admin_portal.services.errors import NotFound, ServiceError
from admin_portal.services.invitations.acceptance import accept_invitation
from admin_portal.services.support_inbox import list_support_notifications
from admin_portal.state.session import THERAPIST, holds
from tests.support.factories import grant, make_company, make_org, make_user
from tests.unit.test_invitation_acceptance import PASSWORD, make_invitation

CASE = "Behöver stöd"


def _actor(session: Session, user) -> Actor:  # type: ignore[no-untyped-def]
    actor = load_actor(session, user.id)
    assert actor is not None
    return actor


@pytest.fixture
def w(session: Session):  # type: ignore[no-untyped-def]
    invited = make_invitation(session)
    order = invited.orders[0]
    service = session.get(Service, order.service_id)
    assert service is not None
    service.needs_therapist = True
    service.required_fields = (
        '[{"key": "case_description", "label_sv": "Beskrivning", "label_en": "Description"}]'
    )
    session.add(service)
    accepted = accept_invitation(
        session, raw_token=invited.raw, username="sara.s", password=PASSWORD, repeat=PASSWORD
    )
    staff = make_company(session, make_org(session, "Plattformen"))
    people = {
        "chosen": make_user(session, staff, username="tora", first_name="Tora", last_name="T"),
        "other_therapist": make_user(session, staff, username="tage", first_name="Tage"),
        "support": make_user(session, staff, username="kim"),
        "head": make_user(session, invited.company, username="chefen"),
        "colleague": make_user(session, invited.company, unit=invited.unit, username="kollega"),
    }
    grant(session, people["chosen"], Role.THERAPIST)
    grant(session, people["other_therapist"], Role.THERAPIST)
    grant(session, people["support"], Role.SUPPORT)
    grant(session, people["head"], Role.HEAD_ADMIN)
    actors = {name: _actor(session, user) for name, user in people.items()}
    actors["employee"] = _actor(session, session.get(User, accepted.user_id))
    session.add(SupportNotification(organisation_id=order.organisation_id, order_id=order.id))
    session.flush()
    return {"order": order, "people": people, "actors": actors}


def _choose(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    choose_therapist(
        session,
        actor=w["actors"]["employee"],
        order_id=str(w["order"].id),
        therapist_id=str(w["people"]["chosen"].id),
    )


def test_therapists_are_platform_staff_not_admins(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    therapist = w["actors"]["chosen"]
    assert therapist.is_therapist and not therapist.is_admin and not therapist.is_support
    assert holds(therapist, THERAPIST) and not holds(w["actors"]["support"], THERAPIST)
    names = [t.name for t in list_therapists(session, actor=w["actors"]["employee"])]
    assert set(names) == {"Tora T", w["people"]["other_therapist"].full_name}
    assert w["people"]["support"].full_name not in names


def test_the_employee_chooses_a_therapist_for_their_own_order(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    employee = w["actors"]["employee"]
    (choice,) = list_my_choices(session, actor=employee)
    assert (choice.order_id, choice.therapist) == (w["order"].id, "")
    _choose(session, w)
    (choice,) = list_my_choices(session, actor=employee)
    assert choice.therapist == "Tora T"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "therapist_chosen")).one()
    assert event.detail == f"therapist={w['people']['chosen'].id}"
    assert event.target_id == str(w["order"].id) and CASE not in (event.detail or "")


def test_nobody_chooses_for_someone_else_nor_a_non_therapist(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    order, people = w["order"], w["people"]
    for name in ("colleague", "head", "support", "chosen"):
        with pytest.raises(NotFound):
            choose_therapist(
                session,
                actor=w["actors"][name],
                order_id=order.id,
                therapist_id=people["chosen"].id,
            )
    for forged in (people["support"].id, people["head"].id, "1 OR 1=1", None, True, 10**12):
        with pytest.raises(ServiceError) as refused:
            choose_therapist(
                session, actor=w["actors"]["employee"], order_id=order.id, therapist_id=forged
            )
        assert refused.value.key == "therapist.choose_one"
    assert session.get(ServiceOrder, order.id).therapist_id is None  # type: ignore[union-attr]


def test_a_service_that_needs_no_therapist_offers_no_choice(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    service = session.get(Service, w["order"].service_id)
    service.needs_therapist = False  # type: ignore[union-attr]
    session.add(service)
    session.flush()
    assert list_my_choices(session, actor=w["actors"]["employee"]) == []
    with pytest.raises(NotFound):
        _choose(session, w)


def test_only_the_chosen_therapist_reads_the_text_and_each_read_is_audited(
    session: Session,
    w,  # type: ignore[no-untyped-def]
) -> None:
    _choose(session, w)
    order, chosen = w["order"], w["actors"]["chosen"]
    (case,) = list_my_cases(session, actor=chosen)
    assert (case.order_id, case.person, case.service_sv) == (
        order.id,
        "Sara Svensson",
        "Terapisamtal",
    )
    assert CASE not in repr(case)  # the list carries no text
    for lang, label in (("sv", "Beskrivning"), ("en", "Description")):
        text = read_case(session, actor=chosen, order_id=str(order.id), lang=lang)
        assert text.fields == [(label, CASE)]
    reads = session.exec(select(AuditEvent).where(AuditEvent.action == "therapist_case_read")).all()
    assert len(reads) == 2
    assert all(
        (e.actor_user_id, e.target_type, e.target_id, e.organisation_id)
        == (chosen.user_id, "service_order", str(order.id), order.organisation_id)
        for e in reads
    )
    assert all(CASE not in (e.detail or "") for e in reads)


@pytest.mark.parametrize("who", ["other_therapist", "support", "head", "colleague", "employee"])
def test_nobody_else_reads_the_text(session: Session, w, who: str) -> None:  # type: ignore[no-untyped-def]
    _choose(session, w)
    actor = w["actors"][who]
    with pytest.raises(NotFound):
        read_case(session, actor=actor, order_id=w["order"].id)
    if who == "other_therapist":
        assert list_my_cases(session, actor=actor) == []
    else:
        with pytest.raises(NotFound):
            list_my_cases(session, actor=actor)
    assert not session.exec(
        select(AuditEvent).where(AuditEvent.action == "therapist_case_read")
    ).all()


def test_support_sees_that_the_case_exists_and_who_was_chosen_never_the_text(
    session: Session,
    w,  # type: ignore[no-untyped-def]
) -> None:
    support = w["actors"]["support"]
    (row,) = list_support_notifications(session, actor=support).rows
    assert (row.person, row.needs_therapist, row.therapist) == ("Sara Svensson", True, "")
    _choose(session, w)
    page = list_support_notifications(session, actor=support)
    assert page.rows[0].therapist == "Tora T"
    assert CASE not in repr(page)


def test_a_changed_choice_moves_the_case(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    _choose(session, w)
    choose_therapist(
        session,
        actor=w["actors"]["employee"],
        order_id=w["order"].id,
        therapist_id=w["people"]["other_therapist"].id,
    )
    with pytest.raises(NotFound):
        read_case(session, actor=w["actors"]["chosen"], order_id=w["order"].id)
    assert read_case(session, actor=w["actors"]["other_therapist"], order_id=w["order"].id).fields
    assert list_my_cases(session, actor=w["actors"]["chosen"]) == []


@pytest.mark.parametrize("forged", ["1 OR 1=1", None, True, -1, 10**12, {"id": 1}])
def test_forged_case_ids_are_not_found(session: Session, w, forged: object) -> None:  # type: ignore[no-untyped-def]
    _choose(session, w)
    with pytest.raises(NotFound):
        read_case(session, actor=w["actors"]["chosen"], order_id=forged)


def test_therapists_land_on_their_cases(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    from admin_portal import routes
    from admin_portal.state.session import home_path

    assert home_path(session, w["actors"]["chosen"]) == routes.THERAPIST_CASES


def test_the_demo_has_therapists_who_sign_in_with_the_demo_password(session: Session) -> None:
    from admin_portal.auth.passwords import verify_password
    from admin_portal.services.demo.seed import seed_demo

    assert seed_demo(session, password="en lång demofras för testerna") is True
    therapist = session.exec(select(User).where(User.username == "terapeut")).one()
    actor = _actor(session, therapist)
    assert actor.is_therapist and not actor.is_admin and not actor.is_support
    assert verify_password(therapist.password_hash, "en lång demofras för testerna")
    needs = {
        s.code
        for s in session.exec(select(Service).where(Service.needs_therapist == True))  # noqa: E712
    }
    assert needs == {"therapy", "workplace_rehab", "work_capacity"}

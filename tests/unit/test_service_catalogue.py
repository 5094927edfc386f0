"""Tjänstekatalog (issue 14): support staff manage the services; admins only order them."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from admin_portal.auth.permissions import load_actor
from admin_portal.models import AuditEvent, Service
from admin_portal.services.catalogue.manage import (
    list_catalogue,
    list_organisations,
    save_service,
    set_service_active,
)
from admin_portal.services.demo.catalogue import seed_catalogue
from admin_portal.services.errors import NotFound, ValidationFailed
from admin_portal.services.invitations.catalogue import list_services, services_by_id
from tests.support.factories import Role, grant, make_company, make_org, make_unit, make_user

FORM = {
    "name_sv": "Samtalsstöd",
    "name_en": "Counselling",
    "credits": "3",
    "required_fields": "Bakgrund | Background\nMål med insatsen | Goal of the support",
    "notifies_support": "on",
    "needs_therapist": "on",
}


@pytest.fixture
def w(session: Session):  # type: ignore[no-untyped-def]
    org = make_org(session, "Kund AB")
    company = make_company(session, org)
    unit = make_unit(session, company)
    seed_catalogue(session, organisation=org)
    head = make_user(session, company, username="huvud")
    grant(session, head, Role.HEAD_ADMIN)
    staff_org = make_org(session, "Plattformen")
    staff_company = make_company(session, staff_org)
    support = make_user(session, staff_company, username="stod")
    grant(session, support, Role.SUPPORT)
    therapist = make_user(session, staff_company, username="terapeut")
    grant(session, therapist, Role.THERAPIST)
    worker = make_user(session, company, unit=unit, username="anstalld")
    actors = {
        name: load_actor(session, person.id or 0)
        for name, person in (
            ("head", head),
            ("support", support),
            ("therapist", therapist),
            ("worker", worker),
        )
    }
    return {"org": org, "actors": actors}


def test_support_creates_a_service_admins_then_order_it(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    support, head = w["actors"]["support"], w["actors"]["head"]
    service_id = save_service(
        session, actor=support, organisation_id=str(w["org"].id), service_id="", form=FORM
    )
    service = session.get(Service, service_id)
    assert service is not None and service.code == "samtalsstod"
    assert (service.credits, service.notifies_support, service.needs_therapist) == (3, True, True)
    fields = json.loads(service.required_fields)
    assert [(f["key"], f["label_sv"], f["label_en"]) for f in fields] == [
        ("bakgrund", "Bakgrund", "Background"),
        ("mal_med_insatsen", "Mål med insatsen", "Goal of the support"),
    ]
    offered = {s.id: s for s in list_services(session, actor=head)}
    assert offered[service_id].name_sv == "Samtalsstöd"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "service_created")).one()
    assert (event.organisation_id, event.actor_user_id) == (w["org"].id, support.user_id)
    assert event.target_id == str(service_id) and event.detail == "code=samtalsstod"
    # Another service of the same name gets its own code.
    again = save_service(
        session, actor=support, organisation_id=w["org"].id, service_id=None, form=FORM
    )
    assert session.get(Service, again).code == "samtalsstod_2"  # type: ignore[union-attr]


def test_an_edit_keeps_the_keys_of_fields_whose_swedish_label_stays(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    support = w["actors"]["support"]
    service_id = save_service(
        session, actor=support, organisation_id=w["org"].id, service_id="", form=FORM
    )
    edited = {
        **FORM,
        "name_en": "Counselling sessions",
        "credits": "5",
        "required_fields": "Bakgrund | Background story\nNytt fält | New field",
        "notifies_support": "",
    }
    save_service(
        session, actor=support, organisation_id=w["org"].id, service_id=service_id, form=edited
    )
    service = session.get(Service, service_id)
    assert service is not None and service.code == "samtalsstod"  # the code never changes
    fields = json.loads(service.required_fields)
    assert [(f["key"], f["label_en"]) for f in fields] == [
        ("bakgrund", "Background story"),
        ("nytt_falt", "New field"),
    ]
    assert (service.credits, service.notifies_support) == (5, False)
    entry = next(
        e
        for e in list_catalogue(session, actor=support, organisation_id=w["org"].id)
        if e.id == service_id
    )
    assert entry.fields_text == "Bakgrund | Background story\nNytt fält | New field"
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "service_changed")).one()


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"name_sv": "  "}, {"name_sv": "catalogue.name_required"}),
        ({"name_en": "x" * 201}, {"name_en": "catalogue.name_too_long"}),
        ({"credits": "0"}, {"credits": "catalogue.credits_range"}),
        ({"credits": "1001"}, {"credits": "catalogue.credits_range"}),
        ({"credits": "1 OR 1=1"}, {"credits": "catalogue.credits_range"}),
        ({"credits": True}, {"credits": "catalogue.credits_range"}),
        ({"required_fields": "Bara svenska"}, {"required_fields": "catalogue.field_line"}),
        ({"required_fields": "A | B\na | C"}, {"required_fields": "catalogue.field_twice"}),
        (
            {"required_fields": "\n".join(f"F{i} | E{i}" for i in range(11))},
            {"required_fields": "catalogue.too_many_fields"},
        ),
    ],
)
def test_wrong_values_are_refused_at_their_field(session: Session, w, change, errors) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        save_service(
            session,
            actor=w["actors"]["support"],
            organisation_id=w["org"].id,
            service_id="",
            form={**FORM, **change},
        )
    assert refused.value.errors == errors


def test_only_support_staff_manage_the_catalogue(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    service = session.exec(select(Service).where(Service.code == "therapy")).one()
    for name in ("head", "therapist", "worker"):
        actor = w["actors"][name]
        with pytest.raises(NotFound):
            list_organisations(session, actor=actor)
        with pytest.raises(NotFound):
            list_catalogue(session, actor=actor, organisation_id=w["org"].id)
        with pytest.raises(NotFound):
            save_service(
                session, actor=actor, organisation_id=w["org"].id, service_id=service.id, form=FORM
            )
        with pytest.raises(NotFound):
            set_service_active(session, actor=actor, service_id=service.id, active=False)
    with pytest.raises(NotFound):
        list_organisations(session, actor=None)
    assert session.get(Service, service.id).name_sv == "Terapisamtal"  # type: ignore[union-attr]


def test_a_service_is_edited_only_through_its_own_organisation(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    support = w["actors"]["support"]
    other = make_org(session, "Annan kund")
    service = session.exec(select(Service).where(Service.code == "therapy")).one()
    for org_id, service_id in (
        (other.id, service.id),
        ("1 OR 1=1", service.id),
        (w["org"].id, 10**9),
        (w["org"].id, "abc"),
        (w["org"].id, True),
    ):
        with pytest.raises(NotFound):
            save_service(
                session, actor=support, organisation_id=org_id, service_id=service_id, form=FORM
            )
    assert session.get(Service, service.id).name_sv == "Terapisamtal"  # type: ignore[union-attr]


def test_a_deactivated_service_can_no_longer_be_ordered(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    support, head = w["actors"]["support"], w["actors"]["head"]
    service = session.exec(select(Service).where(Service.code == "therapy")).one()
    assert (
        set_service_active(session, actor=support, service_id=str(service.id), active=False)
        is False
    )
    assert service.id not in {s.id for s in list_services(session, actor=head)}
    assert services_by_id(session, actor=head, ids=[service.id or 0]) == {}
    entries = list_catalogue(session, actor=support, organisation_id=w["org"].id)
    assert next(e for e in entries if e.id == service.id).active is False  # still listed
    # Anything but a real True from the client deactivates, never activates.
    assert set_service_active(session, actor=support, service_id=service.id, active="yes") is False
    assert set_service_active(session, actor=support, service_id=service.id, active=True) is True
    assert service.id in {s.id for s in list_services(session, actor=head)}
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.target_type == "service")
    ).all()
    assert actions == ["service_deactivated", "service_deactivated", "service_activated"]
    assert [o.name for o in list_organisations(session, actor=support)] == [
        "Kund AB",
        "Plattformen",
    ]

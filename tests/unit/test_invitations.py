"""Min organisation (F4.3-F4.8): invite with a role, services, credits and a cost centre.

Every refusal leaves nothing behind; every forged id (another organisation, another unit)
is a field error or NotFound; the save is one transaction with both mails in the outbox.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.auth.tokens import hash_secret
from admin_portal.config import get_settings
from admin_portal.i18n import EN, SV
from admin_portal.models import (
    AuditEvent,
    CostCentre,
    CreditEntry,
    Invitation,
    InvitationAdminUnit,
    InvitationStatus,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Service,
    ServiceOrder,
    SupportNotification,
    Unit,
    User,
    utcnow,
)
from admin_portal.services.demo.catalogue import seed_catalogue
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from admin_portal.services.invitations import invite as invitations
from admin_portal.services.invitations.input import InvitationInput, detail_field_name
from admin_portal.services.invitations.invite import (
    add_credits,
    can_give_admin_role,
    create_invitation,
    resend_invitation,
    revoke_invitation,
)
from tests.support.factories import make_unit, make_user
from tests.support.world import add_unit_admin, build_care_world

LINK = re.compile(r"https?://\S+/inbjudan\?token=([A-Za-z0-9_-]+)")
TABLES: tuple[type[SQLModel], ...] = (
    Invitation,
    InvitationAdminUnit,
    ServiceOrder,
    CreditEntry,
    SupportNotification,
    OutboxMessage,
    AuditEvent,
)


def counts(session: Session) -> dict[str, int]:
    return {m.__name__: session.exec(select(func.count()).select_from(m)).one() for m in TABLES}


@dataclass
class World:
    org: Organisation
    unit_a: Unit
    unit_a_child: Unit
    unit_b: Unit
    other_unit: Unit  # another organisation
    head: Actor
    company_admin: Actor
    unit_admin: Actor  # admin of unit_a only
    services: dict[str, Service]  # by code
    centre: CostCentre
    other_service: Service
    other_centre: CostCentre
    colleague_email: str


def _actor(session: Session, user: User) -> Actor:
    found = load_actor(session, user.id or 0)
    assert found is not None
    return found


@pytest.fixture
def w(session: Session) -> World:
    base = build_care_world(session, head_username="huvud")
    org, company, unit_a, unit_b = base.org, base.company, base.unit_a, base.unit_b
    unit_a_child = make_unit(session, company, "Centrum natt", parent=unit_a)
    other_org = base.other_org
    other_unit = make_unit(session, base.other_company, "Främmande enhet")
    seed_catalogue(session, organisation=org)
    seed_catalogue(session, organisation=other_org)
    head, company_admin = base.head, base.company_admin
    unit_admin = add_unit_admin(session, base, username="enhet")
    make_user(session, company, unit=unit_a, username="kollega", email="kollega@example.se")
    services = {
        s.code: s for s in session.exec(select(Service).where(Service.organisation_id == org.id))
    }
    centre = session.exec(select(CostCentre).where(CostCentre.organisation_id == org.id)).first()
    other_service = session.exec(
        select(Service).where(Service.organisation_id == other_org.id)
    ).first()
    other_centre = session.exec(
        select(CostCentre).where(CostCentre.organisation_id == other_org.id)
    ).first()
    assert centre and other_service and other_centre
    return World(
        org=org,
        unit_a=unit_a,
        unit_a_child=unit_a_child,
        unit_b=unit_b,
        other_unit=other_unit,
        head=_actor(session, head),
        company_admin=_actor(session, company_admin),
        unit_admin=_actor(session, unit_admin),
        services=services,
        centre=centre,
        other_service=other_service,
        other_centre=other_centre,
        colleague_email="kollega@example.se",
    )


def therapy_input(w: World, **changes: object) -> InvitationInput:
    therapy = w.services["therapy"]
    data = InvitationInput(
        first_name="  Sara ",
        last_name="Svensson",
        email="Sara.Svensson@Example.se",
        phone="070-123 45 67",
        language="en",
        role="standard",
        unit_id=w.unit_a.id,
        service_ids=[therapy.id],
        details={therapy.id: {"case_description": "Sömnproblem sedan i våras."}},
        cost_centre_id=w.centre.id,
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def refused(session: Session, actor: Actor, data: InvitationInput) -> dict[str, str]:
    before = counts(session)
    with pytest.raises(ValidationFailed) as caught:
        create_invitation(session, actor=actor, data=data)
    assert counts(session) == before, "a refused invitation leaves nothing behind"
    for key in caught.value.errors.values():
        assert key in SV and key in EN
    return caught.value.errors


# --------------------------------------------------------------------------- save (F4.8)


def test_save_creates_invitation_order_credits_support_notice_and_both_mails(
    session: Session, w: World
) -> None:
    invitation_id = create_invitation(session, actor=w.unit_admin, data=therapy_input(w))
    invitation = session.get(Invitation, invitation_id)
    assert invitation is not None
    assert (invitation.first_name, invitation.email, invitation.phone) == (
        "Sara",
        "Sara.Svensson@example.se",
        "+46701234567",
    )
    assert invitation.status == InvitationStatus.CREATED and invitation.language == "en"
    hours = get_settings().invitation_link_hours
    assert abs(invitation.expires_at - (utcnow() + timedelta(hours=hours))) < timedelta(minutes=1)
    order = session.exec(
        select(ServiceOrder).where(ServiceOrder.invitation_id == invitation_id)
    ).one()
    assert order.credits == w.services["therapy"].credits and order.cost_centre_id == w.centre.id
    assert json.loads(order.details) == {"case_description": "Sömnproblem sedan i våras."}
    entry = session.exec(select(CreditEntry).where(CreditEntry.order_id == order.id)).one()
    assert entry.credits == order.credits
    assert session.exec(select(SupportNotification)).one().order_id == order.id
    mails = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    invite_mail = session.get(OutboxMessage, invitation.outbox_message_id)
    assert invite_mail is not None and invite_mail.language == "en"
    assert invite_mail.to_address == "Sara.Svensson@example.se" and invite_mail.user_id is None
    raw = LINK.search(invite_mail.text_body)
    assert raw and hash_secret(raw.group(1)) == invitation.token_hash
    assert "Therapy sessions" in invite_mail.text_body  # the chosen language
    support = [m for m in mails if m.kind == "support_case"]
    assert [m.to_address for m in support] == [get_settings().support_email]
    assert "Sömnproblem" not in support[0].text_body, "the case text stays in the portal"
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "invitation_created")).one()


def test_a_service_without_support_notice_queues_no_support_mail(
    session: Session, w: World
) -> None:
    rehab = w.services["workplace_rehab"]
    create_invitation(
        session,
        actor=w.head,
        data=therapy_input(
            w, service_ids=[rehab.id], details={rehab.id: {"case_description": "Ryggbesvär"}}
        ),
    )
    assert session.exec(select(SupportNotification)).all() == []
    assert [m.kind for m in session.exec(select(OutboxMessage))] == ["invitation"]


def test_credits_are_summed_per_service_and_in_total(session: Session, w: World) -> None:
    digital, therapy = w.services["digital_treatment"], w.services["therapy"]
    invitation_id = create_invitation(
        session,
        actor=w.head,
        data=therapy_input(w, service_ids=[digital.id, therapy.id]),
    )
    orders = session.exec(
        select(ServiceOrder).where(ServiceOrder.invitation_id == invitation_id)
    ).all()
    assert sorted(o.credits for o in orders) == sorted([digital.credits, therapy.credits])
    assert len(session.exec(select(SupportNotification)).all()) == 2
    # One support mail per invitation, naming both services.
    assert len([m for m in session.exec(select(OutboxMessage)) if m.kind == "support_case"]) == 1


# --------------------------------------------------------------------------- fields


def test_names_email_and_phone_are_validated_at_their_fields(session: Session, w: World) -> None:
    errors = refused(
        session,
        w.head,
        therapy_input(
            w, first_name=" ", last_name=None, email="inte-en-adress", phone="08-123 456 78"
        ),
    )
    assert errors == {
        "first_name": "name.required",
        "last_name": "name.required",
        "email": "email.invalid",
        "phone": "phone.not_mobile",
    }


def test_phone_is_recommended_not_required(session: Session, w: World) -> None:
    invitation_id = create_invitation(session, actor=w.head, data=therapy_input(w, phone=""))
    assert session.get(Invitation, invitation_id).phone is None  # type: ignore[union-attr]


def test_required_service_fields_must_be_filled(session: Session, w: World) -> None:
    therapy = w.services["therapy"]
    for details in ({}, {therapy.id: {"case_description": "   \n "}}, "forged", {"x": 1}):
        errors = refused(session, w.head, therapy_input(w, details=details))
        assert errors == {
            detail_field_name(therapy.id or 0, "case_description"): "invitations.detail_required"
        }
    too_long = {therapy.id: {"case_description": "x" * 4001}}
    assert refused(session, w.head, therapy_input(w, details=too_long)) == {
        detail_field_name(therapy.id or 0, "case_description"): "invitations.detail_too_long"
    }


def test_standard_role_needs_a_service_and_a_cost_centre(session: Session, w: World) -> None:
    assert refused(session, w.head, therapy_input(w, service_ids=[])) == {
        "service_ids": "invitations.service_required"
    }
    assert refused(session, w.head, therapy_input(w, cost_centre_id=None)) == {
        "cost_centre_id": "invitations.cost_centre_required"
    }


def test_email_already_pending_in_the_unit_or_a_user_in_the_company(
    session: Session, w: World
) -> None:
    create_invitation(session, actor=w.head, data=therapy_input(w))
    assert refused(session, w.head, therapy_input(w, email="SARA.svensson@example.se")) == {
        "email": "invitations.email_already_invited"
    }
    assert refused(session, w.head, therapy_input(w, email=w.colleague_email)) == {
        "email": "invitations.email_is_user"
    }
    # Another unit is another team: the same person may be invited there.
    create_invitation(session, actor=w.head, data=therapy_input(w, unit_id=w.unit_b.id))


def test_two_admins_inviting_the_same_person_at_once_save_one_invitation(
    session: Session, w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = create_invitation(session, actor=w.head, data=therapy_input(w))
    session.commit()
    # The second admin's check ran before the first one saved: only the index is left.
    monkeypatch.setattr(invitations, "_check_email", lambda *args, **kwargs: None)
    with pytest.raises(ValidationFailed) as lost:
        create_invitation(
            session, actor=w.unit_admin, data=therapy_input(w, email="sara.SVENSSON@example.se")
        )
    assert lost.value.errors == {"email": "invitations.email_already_invited"}
    assert [i.id for i in session.exec(select(Invitation))] == [first]
    assert session.exec(select(func.count()).select_from(ServiceOrder)).one() == 1
    # A revoked invitation no longer blocks a new one.
    revoke_invitation(session, actor=w.head, invitation_id=first)
    create_invitation(session, actor=w.head, data=therapy_input(w))


# --------------------------------------------------------------------------- roles and scope (F4.4)


def test_who_is_a_top_level_admin(w: World) -> None:
    assert can_give_admin_role(w.head) and can_give_admin_role(w.company_admin)
    assert not can_give_admin_role(w.unit_admin)


def test_a_unit_admin_cannot_give_adminroll(session: Session, w: World) -> None:
    data = therapy_input(w, role="admin", admin_unit_ids=[w.unit_a.id])
    assert refused(session, w.unit_admin, data) == {"role": "invitations.admin_role_not_allowed"}


def test_a_top_level_admin_gives_adminroll_for_units_in_scope(session: Session, w: World) -> None:
    data = therapy_input(w, role="admin", admin_unit_ids=[w.unit_a.id, w.unit_b.id], service_ids=[])
    invitation_id = create_invitation(session, actor=w.company_admin, data=data)
    units = session.exec(
        select(InvitationAdminUnit.unit_id).where(
            InvitationAdminUnit.invitation_id == invitation_id
        )
    ).all()
    assert sorted(units) == sorted([w.unit_a.id, w.unit_b.id])
    assert refused(
        session,
        w.company_admin,
        replace(data, email="x@example.se", admin_unit_ids=[w.other_unit.id]),
    ) == {"admin_unit_ids": "invitations.unit_outside_scope"}
    assert refused(session, w.head, replace(data, email="y@example.se", admin_unit_ids=[])) == {
        "admin_unit_ids": "invitations.admin_units_required"
    }


@pytest.mark.parametrize("forged", ["unit_b", "other_unit", "missing", "text", "bool"])
def test_a_unit_admin_cannot_invite_into_another_unit(
    session: Session, w: World, forged: str
) -> None:
    unit_id = {
        "unit_b": w.unit_b.id,
        "other_unit": w.other_unit.id,
        "missing": 999_999,
        "text": "1; drop table",
        "bool": True,
    }[forged]
    errors = refused(session, w.unit_admin, therapy_input(w, unit_id=unit_id))
    assert errors == {
        "unit_id": "invitations.unit_required"
        if forged in {"text", "bool"}
        else "invitations.unit_outside_scope"
    }


def test_a_unit_admin_may_invite_into_a_unit_nested_below_theirs(
    session: Session, w: World
) -> None:
    create_invitation(session, actor=w.unit_admin, data=therapy_input(w, unit_id=w.unit_a_child.id))


def test_forged_service_and_cost_centre_of_another_organisation(session: Session, w: World) -> None:
    assert refused(session, w.head, therapy_input(w, service_ids=[w.other_service.id])) == {
        "service_ids": "invitations.service_not_found"
    }
    assert refused(session, w.head, therapy_input(w, cost_centre_id=w.other_centre.id)) == {
        "cost_centre_id": "invitations.cost_centre_not_found"
    }


def test_a_standard_user_cannot_invite(session: Session, w: World) -> None:
    nobody = Actor(
        user_id=w.head.user_id, organisation_id=w.org.id or 0, full_name="x", language="sv"
    )
    with pytest.raises(PermissionDenied):
        create_invitation(session, actor=nobody, data=therapy_input(w))


# --------------------------------------------------------------------------- lifecycle


def _mail_token(session: Session, invitation: Invitation) -> str:
    mail = session.get(OutboxMessage, invitation.outbox_message_id)
    assert mail is not None
    found = LINK.search(mail.text_body)
    assert found
    return found.group(1)


def test_resend_rotates_the_token_resets_expiry_and_voids_the_old_mail(
    session: Session, w: World
) -> None:
    invitation_id = create_invitation(session, actor=w.head, data=therapy_input(w))
    invitation = session.get(Invitation, invitation_id)
    assert invitation is not None
    old_raw, old_mail_id = _mail_token(session, invitation), invitation.outbox_message_id
    invitation.expires_at = utcnow() - timedelta(hours=1)  # it had expired
    session.add(invitation)
    session.flush()
    resend_invitation(session, actor=w.head, invitation_id=invitation_id)
    session.refresh(invitation)
    new_raw = _mail_token(session, invitation)
    assert new_raw != old_raw and invitation.token_hash == hash_secret(new_raw)
    assert (
        session.exec(
            select(Invitation).where(Invitation.token_hash == hash_secret(old_raw))
        ).first()
        is None
    )
    assert invitation.expires_at > utcnow() + timedelta(hours=1)
    assert invitation.outbox_message_id != old_mail_id
    old_mail = session.get(OutboxMessage, old_mail_id)
    assert old_mail is not None and old_mail.status == OutboxStatus.CANCELLED


def test_revoke_kills_the_link_and_a_revoked_invitation_cannot_be_resent(
    session: Session, w: World
) -> None:
    invitation_id = create_invitation(session, actor=w.head, data=therapy_input(w))
    revoke_invitation(session, actor=w.head, invitation_id=invitation_id)
    invitation = session.get(Invitation, invitation_id)
    assert invitation is not None and invitation.status == InvitationStatus.REVOKED
    assert session.get(OutboxMessage, invitation.outbox_message_id).status == OutboxStatus.CANCELLED  # type: ignore[union-attr]
    with pytest.raises(ServiceError) as caught:
        resend_invitation(session, actor=w.head, invitation_id=invitation_id)
    assert caught.value.key == "invitations.already_revoked"
    # The same address may be invited again once the old invitation is withdrawn.
    create_invitation(session, actor=w.head, data=therapy_input(w))


def test_an_accepted_invitation_cannot_be_resent_or_revoked(session: Session, w: World) -> None:
    invitation_id = create_invitation(session, actor=w.head, data=therapy_input(w))
    invitation = session.get(Invitation, invitation_id)
    assert invitation is not None
    invitation.status = InvitationStatus.ACCEPTED
    session.add(invitation)
    session.flush()
    for action in (resend_invitation, revoke_invitation):
        with pytest.raises(ServiceError) as caught:
            action(session, actor=w.head, invitation_id=invitation_id)
        assert caught.value.key == "invitations.already_accepted"


@pytest.mark.parametrize("action", [resend_invitation, revoke_invitation])
def test_resend_and_revoke_outside_scope_are_not_found(session: Session, w: World, action) -> None:  # type: ignore[no-untyped-def]
    in_b = create_invitation(session, actor=w.head, data=therapy_input(w, unit_id=w.unit_b.id))
    for forged in (in_b, 999_999, "x", None, True):
        with pytest.raises(NotFound):
            action(session, actor=w.unit_admin, invitation_id=forged)


# --------------------------------------------------------------------------- credits later (F4.6)


def test_credits_can_be_added_later_with_a_cost_centre(session: Session, w: World) -> None:
    invitation_id = create_invitation(session, actor=w.unit_admin, data=therapy_input(w))
    order = session.exec(
        select(ServiceOrder).where(ServiceOrder.invitation_id == invitation_id)
    ).one()
    first = order.credits
    total = add_credits(
        session, actor=w.unit_admin, order_id=order.id, credits="4", cost_centre_id=w.centre.id
    )
    assert total == first + 4
    entries = session.exec(
        select(CreditEntry.credits).where(CreditEntry.order_id == order.id)
    ).all()
    assert sorted(entries) == sorted([first, 4])


@pytest.mark.parametrize("credits", [0, -3, 1001, "abc", "2.5", True, None, 2.0])
def test_added_credits_must_be_a_positive_bounded_whole_number(
    session: Session, w: World, credits: object
) -> None:
    invitation_id = create_invitation(session, actor=w.head, data=therapy_input(w))
    order = session.exec(
        select(ServiceOrder).where(ServiceOrder.invitation_id == invitation_id)
    ).one()
    with pytest.raises(ValidationFailed) as caught:
        add_credits(
            session, actor=w.head, order_id=order.id, credits=credits, cost_centre_id=w.centre.id
        )
    assert caught.value.errors == {"credits": "invitations.credits_invalid"}


def test_added_credits_need_a_cost_centre_of_the_organisation(session: Session, w: World) -> None:
    invitation_id = create_invitation(session, actor=w.head, data=therapy_input(w))
    order = session.exec(
        select(ServiceOrder).where(ServiceOrder.invitation_id == invitation_id)
    ).one()
    for centre, key in (
        (None, "invitations.cost_centre_required"),
        (w.other_centre.id, "invitations.cost_centre_not_found"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            add_credits(session, actor=w.head, order_id=order.id, credits=1, cost_centre_id=centre)
        assert caught.value.errors == {"cost_centre_id": key}


def test_credits_on_an_order_outside_scope_are_not_found(session: Session, w: World) -> None:
    invitation_id = create_invitation(
        session, actor=w.head, data=therapy_input(w, unit_id=w.unit_b.id)
    )
    order = session.exec(
        select(ServiceOrder).where(ServiceOrder.invitation_id == invitation_id)
    ).one()
    with pytest.raises(NotFound):
        add_credits(
            session, actor=w.unit_admin, order_id=order.id, credits=1, cost_centre_id=w.centre.id
        )


# --------------------------------------------------------------------------- delivery state


def test_the_invitation_follows_its_latest_mail_sent_then_bounced(
    engine: Engine, session: Session, w: World
) -> None:
    from admin_portal.mail.dispatcher import dispatch_due
    from tests.support.memory_sender import MemorySender

    first = create_invitation(session, actor=w.unit_admin, data=therapy_input(w))
    second = create_invitation(
        session, actor=w.unit_admin, data=therapy_input(w, email="bo@example.se", first_name="Bo")
    )
    session.commit()
    sender = MemorySender(reject={"bo@example.se"})
    while dispatch_due(engine, sender, batch_size=1).busy:  # one mail per request
        pass
    session.expire_all()
    sent = session.get(Invitation, first)
    assert sent is not None and sent.status == InvitationStatus.SENT and sent.sent_at is not None
    bounced = session.get(Invitation, second)
    assert bounced is not None and bounced.status == InvitationStatus.BOUNCED

"""F4.8, the invitee's side: open the link, choose a username and a password, land signed in.

Invitations are written straight into the tables here (a tiny factory below), so these
tests do not depend on how the admin side creates them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from admin_portal.auth.passwords import verify_password
from admin_portal.auth.permissions import load_actor
from admin_portal.auth.tokens import hash_secret, new_secret
from admin_portal.models import (
    AuditEvent,
    Company,
    CostCentre,
    Invitation,
    InvitationAdminUnit,
    InvitationRole,
    InvitationStatus,
    Role,
    RoleAssignment,
    Service,
    ServiceOrder,
    Token,
    TokenPurpose,
    Unit,
    User,
    UserType,
    utcnow,
)
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.services.invitations.acceptance import (
    LinkState,
    accept_invitation,
    describe_invitation,
)
from tests.support.factories import make_company, make_org, make_unit, make_user

PASSWORD = "en ganska lång lösenfras till kontot"


@dataclass
class Invited:
    raw: str
    invitation: Invitation
    company: Company
    unit: Unit
    orders: list[ServiceOrder]


def make_invitation(
    session: Session,
    *,
    company: Company | None = None,
    unit: Unit | None = None,
    role: str = InvitationRole.STANDARD,
    admin_units: list[Unit] | None = None,
    status: str = InvitationStatus.SENT,
    expires_in: timedelta = timedelta(hours=72),
    email: str = "sara.svensson@example.se",
    language: str = "sv",
) -> Invited:
    """An invitation as the admin side leaves it: hashed token, orders, admin units."""
    if company is None:
        company = make_company(session, make_org(session, "Inbjudarorg"))
    unit = unit or make_unit(session, company, "Hemtjänst Öst")
    inviter = make_user(session, company, user_type=UserType.ADMINISTRATOR)
    service = Service(
        organisation_id=company.organisation_id,
        code=f"therapy{new_secret()[:6]}",
        name_sv="Terapisamtal",
        name_en="Therapy sessions",
        credits=6,
        notifies_support=True,
    )
    centre = CostCentre(organisation_id=company.organisation_id, code=new_secret()[:8], name="HR")
    session.add_all([service, centre])
    session.flush()
    raw = new_secret()
    invitation = Invitation(
        organisation_id=company.organisation_id,
        company_id=company.id,
        unit_id=unit.id,
        first_name="Sara",
        last_name="Svensson",
        email=email,
        email_key=email.casefold(),
        phone="+46701234567",
        language=language,
        role=role,
        status=status,
        token_hash=hash_secret(raw),
        expires_at=utcnow() + expires_in,
        invited_by_id=inviter.id,
    )
    session.add(invitation)
    session.flush()
    for admin_unit in admin_units or []:
        session.add(InvitationAdminUnit(invitation_id=invitation.id, unit_id=admin_unit.id))
    order = ServiceOrder(
        organisation_id=company.organisation_id,
        invitation_id=invitation.id,
        service_id=service.id,
        cost_centre_id=centre.id,
        credits=6,
        details=json.dumps({"case_description": "Behöver stöd"}),
        created_by_id=inviter.id,
    )
    session.add(order)
    session.flush()
    return Invited(raw=raw, invitation=invitation, company=company, unit=unit, orders=[order])


def _accept(session: Session, raw: str, username: str = "sara.s", **overrides: str):
    values = {"password": PASSWORD, "repeat": PASSWORD} | overrides
    return accept_invitation(session, raw_token=raw, username=username, **values)


def _field_errors(call) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failure:
        call()
    return failure.value.errors


# --------------------------------------------------------------------------- looking


def test_a_valid_link_shows_the_greeting_and_the_ordered_services(session: Session) -> None:
    invited = make_invitation(session)
    view = describe_invitation(session, raw_token=invited.raw)
    assert view.state is LinkState.VALID
    assert view.first_name == "Sara"
    assert view.organisation_name == "Inbjudarorg"
    assert view.unit_name == "Hemtjänst Öst"
    assert [(s.sv, s.en) for s in view.services] == [("Terapisamtal", "Therapy sessions")]


def test_looking_at_the_link_does_not_use_it(session: Session) -> None:
    invited = make_invitation(session)
    for _ in range(3):
        describe_invitation(session, raw_token=invited.raw)
    session.refresh(invited.invitation)
    assert invited.invitation.status == InvitationStatus.SENT
    assert _accept(session, invited.raw).user_id


@pytest.mark.parametrize(
    ("status", "expires_in", "state"),
    [
        (InvitationStatus.SENT, timedelta(seconds=-1), LinkState.EXPIRED),
        (InvitationStatus.EXPIRED, timedelta(hours=5), LinkState.EXPIRED),
        (InvitationStatus.REVOKED, timedelta(hours=5), LinkState.REVOKED),
        (InvitationStatus.ACCEPTED, timedelta(hours=5), LinkState.USED),
        (InvitationStatus.BOUNCED, timedelta(hours=5), LinkState.VALID),
        (InvitationStatus.CREATED, timedelta(hours=5), LinkState.VALID),
    ],
)
def test_link_states(
    session: Session, status: str, expires_in: timedelta, state: LinkState
) -> None:
    invited = make_invitation(session, status=status, expires_in=expires_in)
    view = describe_invitation(session, raw_token=invited.raw)
    assert view.state is state
    if state is not LinkState.VALID:
        # A dead link tells nothing about the person or the organisation.
        assert (view.first_name, view.organisation_name, view.services) == ("", "", ())


@pytest.mark.parametrize("raw", ["", "nope", "x" * 5000, None, 12, ["a"]])
def test_unknown_and_junk_links(session: Session, raw: object) -> None:
    make_invitation(session)
    assert describe_invitation(session, raw_token=raw).state is LinkState.UNKNOWN
    with pytest.raises(ServiceError) as refused:
        accept_invitation(
            session, raw_token=raw, username="sara", password=PASSWORD, repeat=PASSWORD
        )
    assert refused.value.key == "acceptance.link_unknown"


@pytest.mark.parametrize(
    ("status", "expires_in", "key"),
    [
        (InvitationStatus.SENT, timedelta(seconds=-1), "acceptance.link_expired"),
        (InvitationStatus.REVOKED, timedelta(hours=5), "acceptance.link_revoked"),
        (InvitationStatus.ACCEPTED, timedelta(hours=5), "acceptance.link_used"),
    ],
)
def test_dead_links_cannot_be_accepted(
    session: Session, status: str, expires_in: timedelta, key: str
) -> None:
    invited = make_invitation(session, status=status, expires_in=expires_in)
    with pytest.raises(ServiceError) as refused:
        _accept(session, invited.raw)
    assert refused.value.key == key
    assert session.exec(select(User).where(User.username_key == "sara.s")).first() is None


def test_a_resend_kills_the_old_link(session: Session) -> None:
    invited = make_invitation(session)
    fresh = new_secret()
    invited.invitation.token_hash = hash_secret(fresh)  # what a resend does
    session.add(invited.invitation)
    session.flush()
    assert describe_invitation(session, raw_token=invited.raw).state is LinkState.UNKNOWN
    with pytest.raises(ServiceError) as refused:
        _accept(session, invited.raw)
    assert refused.value.key == "acceptance.link_unknown"
    assert _accept(session, fresh).username == "sara.s"


# --------------------------------------------------------------------------- accepting


def test_accepting_creates_the_account_where_the_invitation_placed_it(session: Session) -> None:
    invited = make_invitation(session)
    accepted = _accept(session, invited.raw, username="  Sara.Svensson ")
    user = session.get(User, accepted.user_id)
    assert user is not None
    assert (user.username, user.username_key) == ("Sara.Svensson", "sara.svensson")
    assert (user.organisation_id, user.company_id, user.unit_id) == (
        invited.company.organisation_id,
        invited.company.id,
        invited.unit.id,
    )
    assert (user.first_name, user.last_name, user.email) == (
        "Sara",
        "Svensson",
        "sara.svensson@example.se",
    )
    assert user.email_verified_at is not None  # the link came back from that mailbox
    assert user.mobile == "+46701234567"
    assert user.user_type == UserType.EMPLOYEE
    assert verify_password(user.password_hash, PASSWORD)
    assert session.exec(select(RoleAssignment).where(RoleAssignment.user_id == user.id)).all() == []
    session.refresh(invited.invitation)
    assert invited.invitation.status == InvitationStatus.ACCEPTED
    assert invited.invitation.user_id == user.id and invited.invitation.accepted_at is not None
    session.refresh(invited.orders[0])
    assert invited.orders[0].user_id == user.id


def test_accepting_hands_back_a_login_ticket_for_the_new_account(session: Session) -> None:
    invited = make_invitation(session)
    accepted = _accept(session, invited.raw)
    ticket = session.exec(
        select(Token).where(Token.token_hash == hash_secret(accepted.login_ticket))
    ).one()
    assert (ticket.user_id, ticket.purpose) == (accepted.user_id, TokenPurpose.LOGIN_TICKET)


def test_the_invitation_language_becomes_the_users(session: Session) -> None:
    invited = make_invitation(session, language="en")
    user = session.get(User, _accept(session, invited.raw).user_id)
    assert user is not None and user.language == "en"


def test_adminroll_grants_exactly_the_invited_units(session: Session) -> None:
    company = make_company(session, make_org(session))
    home, first, second = (make_unit(session, company) for _ in range(3))
    invited = make_invitation(
        session, company=company, unit=home, role=InvitationRole.ADMIN, admin_units=[first, second]
    )
    user = session.get(User, _accept(session, invited.raw).user_id)
    assert user is not None and user.user_type == UserType.ADMINISTRATOR
    grants = session.exec(select(RoleAssignment).where(RoleAssignment.user_id == user.id)).all()
    assert sorted((g.role, g.unit_id, g.company_id) for g in grants) == sorted(
        [(Role.ADMIN, first.id, None), (Role.ADMIN, second.id, None)]
    )
    actor = load_actor(session, user.id)
    assert actor is not None and actor.is_admin and not actor.is_head_admin
    assert {first.id, second.id} <= actor.unit_ids and home.id not in actor.unit_ids


def test_accepting_twice_creates_one_account(session: Session) -> None:
    invited = make_invitation(session)
    _accept(session, invited.raw, username="sara.first")
    with pytest.raises(ServiceError) as refused:
        _accept(session, invited.raw, username="sara.second")
    assert refused.value.key == "acceptance.link_used"
    assert (
        session.exec(select(func.count()).select_from(User).where(User.first_name == "Sara")).one()
        == 1
    )
    assert describe_invitation(session, raw_token=invited.raw).state is LinkState.USED


def test_acceptance_is_audited_without_secrets(session: Session) -> None:
    invited = make_invitation(session)
    accepted = _accept(session, invited.raw)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "invitation_accepted")).one()
    assert event.actor_user_id == accepted.user_id
    assert event.target_id == str(invited.invitation.id)
    assert PASSWORD not in (event.detail or "") and invited.raw not in (event.detail or "")


# --------------------------------------------------------------------------- username rules


def test_a_username_taken_in_another_organisation_is_refused_neutrally(session: Session) -> None:
    elsewhere = make_company(session, make_org(session, "Helt annan org"))
    make_user(session, elsewhere, username="upptagen")
    invited = make_invitation(session)
    errors = _field_errors(lambda: _accept(session, invited.raw, username="UPPTAGEN"))
    assert errors == {"username": "acceptance.username_taken"}
    session.refresh(invited.invitation)
    assert invited.invitation.status == InvitationStatus.SENT  # nothing used up


def test_a_username_in_the_user_bank_is_taken_too(session: Session) -> None:
    invited = make_invitation(session)
    banked = make_user(session, invited.company, username="borttagen")
    banked.status = "removed"
    session.add(banked)
    session.flush()
    errors = _field_errors(lambda: _accept(session, invited.raw, username="Borttagen"))
    assert errors == {"username": "acceptance.username_taken"}


@pytest.mark.parametrize(
    ("username", "key"),
    [
        ("", "username.required"),
        ("a", "username.too_short"),
        ("sara svensson", "username.invalid_chars"),
        ("<script>", "username.invalid_chars"),
        ("x" * 101, "username.too_long"),
    ],
)
def test_username_format_rules_are_the_admin_forms(
    session: Session, username: str, key: str
) -> None:
    invited = make_invitation(session)
    assert (
        _field_errors(lambda: _accept(session, invited.raw, username=username))["username"] == key
    )


def test_non_text_arguments_are_field_errors_not_crashes(session: Session) -> None:
    invited = make_invitation(session)
    errors = _field_errors(
        lambda: accept_invitation(
            session, raw_token=invited.raw, username=["sara"], password={"x": 1}, repeat=None
        )
    )
    assert errors["username"] == "username.required"
    assert errors["password"] == "password.too_short"


# --------------------------------------------------------------------------- password rules


@pytest.mark.parametrize(
    ("password", "key"),
    [
        ("kort", "password.too_short"),
        ("123456789012345", "password.common"),
        ("Svensson är mitt namn i alla fall", "password.personal"),
        ("sara.s och en lång fras efter", "password.personal"),
    ],
)
def test_password_policy_applies_with_personal_words(
    session: Session, password: str, key: str
) -> None:
    invited = make_invitation(session)
    errors = _field_errors(
        lambda: _accept(session, invited.raw, password=password, repeat=password)
    )
    assert errors == {"password": key}


def test_the_repeat_must_match(session: Session) -> None:
    invited = make_invitation(session)
    errors = _field_errors(lambda: _accept(session, invited.raw, repeat=PASSWORD + "!"))
    assert errors == {"repeat": "acceptance.mismatch"}


def test_all_field_errors_come_at_once(session: Session) -> None:
    make_user(session, make_company(session, make_org(session)), username="tagen")
    invited = make_invitation(session)
    errors = _field_errors(lambda: _accept(session, invited.raw, username="tagen", password="kort"))
    assert errors == {"username": "acceptance.username_taken", "password": "password.too_short"}


def test_an_address_already_used_in_the_company_is_refused(session: Session) -> None:
    invited = make_invitation(session)
    make_user(session, invited.company, email="sara.svensson@example.se")
    with pytest.raises(ServiceError) as refused:
        _accept(session, invited.raw)
    assert refused.value.key == "acceptance.email_in_use"

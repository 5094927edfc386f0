"""F3.4 (issue 16): someone without e-mail and mobile adds their own on Mitt konto; it is
used for a one-time password only once proven by the code sent to it."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from admin_portal.auth.permissions import load_actor
from admin_portal.models import OneTimePassword, OutboxMessage, SmsMessage, UserType, require_id
from admin_portal.services.contact_centre.one_time_passwords import (
    request_one_time_password,
    reset_one_time_password_limits,
)
from admin_portal.services.contact_centre.own_contact import (
    confirm_own_contact,
    own_contact,
    start_own_contact,
)
from admin_portal.services.errors import ServiceError, ValidationFailed
from tests.support.factories import make_company, make_org, make_user


@pytest.fixture
def bare(session: Session):  # type: ignore[no-untyped-def]
    reset_one_time_password_limits()
    user = make_user(
        session,
        make_company(session, make_org(session)),
        username="utan.kontakt",
        user_type=UserType.AGENT,
    )
    actor = load_actor(session, require_id(user))
    assert actor is not None
    return user, actor


def _code(text: str) -> str:
    found = re.search(r"\b(\d{6})\b", text)
    assert found
    return found.group(1)


def test_mobile_is_used_only_after_its_code(session: Session, bare) -> None:  # type: ignore[no-untyped-def]
    user, actor = bare
    assert own_contact(session, actor=actor).needs_contact
    start_own_contact(session, actor=actor, kind="mobile", value="0046701234567")
    assert user.mobile is None
    # Not yet proven: no one-time password goes there.
    request_one_time_password(session, username="utan.kontakt", channel="sms", client_address="x")
    assert session.exec(select(OneTimePassword)).all() == []
    sms = session.exec(select(SmsMessage)).one()
    with pytest.raises(ServiceError) as wrong:
        confirm_own_contact(
            session, actor=actor, code="000000" if _code(sms.body) != "000000" else "111111"
        )
    assert wrong.value.key == "own_contact.invalid_code"
    assert confirm_own_contact(session, actor=actor, code=_code(sms.body)) == "mobile"
    assert user.mobile == "+46701234567"
    assert not own_contact(session, actor=actor).needs_contact
    request_one_time_password(session, username="utan.kontakt", channel="sms", client_address="x")
    assert len(session.exec(select(OneTimePassword)).all()) == 1


def test_email_becomes_verified_by_its_code(session: Session, bare) -> None:  # type: ignore[no-untyped-def]
    user, actor = bare
    with pytest.raises(ValidationFailed):
        start_own_contact(session, actor=actor, kind="email", value="inte en adress")
    start_own_contact(session, actor=actor, kind="email", value="Egen@Example.se")
    mail = session.exec(select(OutboxMessage)).one()
    confirm_own_contact(session, actor=actor, code=_code(mail.text_body))
    assert user.email == "Egen@example.se" or user.email.lower() == "egen@example.se"
    assert user.email_verified_at is not None


def test_only_for_people_without_both(session: Session, bare) -> None:  # type: ignore[no-untyped-def]
    user, actor = bare
    user.mobile = "+46701234567"
    session.add(user)
    session.flush()
    with pytest.raises(ServiceError) as refused:
        start_own_contact(session, actor=actor, kind="email", value="a@example.se")
    assert refused.value.key == "own_contact.has_contact"

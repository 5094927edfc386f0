"""F1.1: a verification link bound to one user and one address; it activates the login."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from admin_portal.auth.tokens import TokenState
from admin_portal.models import OutboxMessage, Role, User, UserStatus
from admin_portal.services.auth.login import request_password_reset
from admin_portal.services.errors import NotFound, ServiceError, ValidationFailed
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import update_user
from admin_portal.services.verification.email import (
    confirm_verification,
    describe_verification_link,
    send_verification,
)
from tests.support.factories import grant, make_user
from tests.support.world import build_care_world

T0 = datetime(2031, 5, 4, 8, 0, tzinfo=UTC)


@pytest.fixture
def world(session: Session) -> dict:
    base = build_care_world(session, head_username="chef")
    company, unit = base.company, base.unit_a
    unit_admin = make_user(session, company, username="enhetschef")
    grant(session, unit_admin, Role.ADMIN, unit=unit)
    person = make_user(session, company, username="frida", email="frida@example.org", unit=unit)
    elsewhere = make_user(session, base.company2, username="olle", email="olle@example.org")
    session.commit()
    return {
        "head": base.actor(session, base.head),
        "unit_admin": base.actor(session, unit_admin),
        "stranger": base.actor(session, base.other_head),
        "person": person,
        "elsewhere": elsewhere,
        "company": company,
    }


def _mails(session: Session, user: User, kind: str = "verify_email") -> list[OutboxMessage]:
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == user.id, OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id)
        ).all()
    )


def _link(mail: OutboxMessage) -> str:
    match = re.search(r"/verifiera-epost\?token=([\w-]+)", mail.text_body)
    assert match, mail.text_body
    return match.group(1)


def test_verification_activates_the_login_connection_and_only_then_forgot_password_works(
    session: Session, world: dict
) -> None:
    person = world["person"]
    request_password_reset(session, identifier="frida")
    assert _mails(session, person, "reset_password") == []  # no connection yet: nothing sent

    send_verification(session, actor=world["head"], user_id=person.id)
    session.commit()
    [mail] = _mails(session, person)
    assert mail.to_address == "frida@example.org"
    assert "frida@example.org" in mail.text_body

    user = confirm_verification(session, raw_token=_link(mail))
    session.commit()
    assert user.email_verified_at is not None

    request_password_reset(session, identifier="frida")
    assert len(_mails(session, person, "reset_password")) == 1


def test_the_mail_is_in_the_users_language(session: Session, world: dict) -> None:
    person = world["person"]
    person.language = "en"
    send_verification(session, actor=world["head"], user_id=person.id)
    [mail] = _mails(session, person)
    assert mail.language == "en"
    assert mail.subject == "Verify your e-mail address"


def test_opening_the_link_does_not_use_it_but_confirming_does_once(
    session: Session, world: dict
) -> None:
    person = world["person"]
    send_verification(session, actor=world["head"], user_id=person.id)
    raw = _link(_mails(session, person)[0])

    assert describe_verification_link(session, raw_token=raw).state is TokenState.VALID
    assert describe_verification_link(session, raw_token=raw).email == "frida@example.org"
    confirm_verification(session, raw_token=raw)

    with pytest.raises(ServiceError) as used:
        confirm_verification(session, raw_token=raw)
    assert used.value.key == "verification.link_used"
    assert describe_verification_link(session, raw_token=raw).state is TokenState.USED


def test_an_expired_link_verifies_nothing(session: Session, world: dict) -> None:
    person = world["person"]
    with time_machine.travel(T0, tick=False):
        send_verification(session, actor=world["head"], user_id=person.id)
        session.commit()
    raw = _link(_mails(session, person)[0])
    with (
        time_machine.travel(T0 + timedelta(hours=72, seconds=1), tick=False),
        pytest.raises(ServiceError) as expired,
    ):
        confirm_verification(session, raw_token=raw)
    assert expired.value.key == "verification.link_expired"
    assert person.email_verified_at is None


def test_changing_the_address_voids_the_link_sent_to_the_old_one(
    session: Session, world: dict
) -> None:
    person = world["person"]
    send_verification(session, actor=world["head"], user_id=person.id)
    old = _link(_mails(session, person)[0])

    send_verification(session, actor=world["head"], user_id=person.id, email="Frida.Ny@Example.org")
    session.commit()
    new_mail = _mails(session, person)[-1]
    assert new_mail.to_address == "Frida.Ny@example.org"

    with pytest.raises(ServiceError):
        confirm_verification(session, raw_token=old)
    confirm_verification(session, raw_token=_link(new_mail))
    assert person.email == "Frida.Ny@example.org"
    assert person.email_verified_at is not None


def test_a_profile_edit_of_the_address_also_voids_the_link(session: Session, world: dict) -> None:
    person = world["person"]
    send_verification(session, actor=world["head"], user_id=person.id)
    raw = _link(_mails(session, person)[0])
    update_user(
        session,
        actor=world["head"],
        user_id=person.id,
        data=UserInput(
            first_name=person.first_name,
            last_name=person.last_name,
            username=person.username,
            user_type=person.user_type,
            company_id=person.company_id,
            unit_id=person.unit_id,
            email="annan@example.org",
            language="sv",
        ),
    )
    session.commit()
    assert describe_verification_link(session, raw_token=raw).state is TokenState.USED
    with pytest.raises(ServiceError):
        confirm_verification(session, raw_token=raw)
    assert person.email_verified_at is None


def test_even_a_link_whose_token_survived_cannot_verify_another_address(
    session: Session, world: dict
) -> None:
    # Belt and braces: the binding is re-checked at confirmation, not only by voiding.
    person = world["person"]
    send_verification(session, actor=world["head"], user_id=person.id)
    raw = _link(_mails(session, person)[0])
    person.email, person.email_key = "direkt@example.org", "direkt@example.org"
    session.flush()
    with pytest.raises(ServiceError):
        confirm_verification(session, raw_token=raw)
    assert person.email_verified_at is None


def test_a_removed_user_cannot_verify(session: Session, world: dict) -> None:
    person = world["person"]
    send_verification(session, actor=world["head"], user_id=person.id)
    raw = _link(_mails(session, person)[0])
    person.status = UserStatus.REMOVED
    session.flush()
    with pytest.raises(ServiceError):
        confirm_verification(session, raw_token=raw)


@pytest.mark.parametrize(
    ("email", "key"),
    [
        ("foo@", "email.invalid"),
        ("olle@example.org", None),  # another company: allowed (F0.8 is per company)
    ],
)
def test_the_typed_address_is_validated_at_the_field(
    session: Session, world: dict, email: str, key: str | None
) -> None:
    person = world["person"]
    if key is None:
        send_verification(session, actor=world["head"], user_id=person.id, email=email)
        assert person.email == email
        return
    with pytest.raises(ValidationFailed) as failure:
        send_verification(session, actor=world["head"], user_id=person.id, email=email)
    assert failure.value.errors == {"email": key}
    assert person.email == "frida@example.org"


def test_an_address_used_by_a_colleague_in_the_company_is_refused(
    session: Session, world: dict
) -> None:
    make_user(session, world["company"], username="kollega", email="kollega@example.org")
    with pytest.raises(ValidationFailed) as failure:
        send_verification(
            session, actor=world["head"], user_id=world["person"].id, email="KOLLEGA@example.org"
        )
    assert failure.value.errors == {"email": "users.email_taken_in_company"}
    assert _mails(session, world["person"]) == []


def test_no_address_and_already_verified_get_clear_messages(session: Session, world: dict) -> None:
    nobody = make_user(session, world["company"], username="utan.adress")
    with pytest.raises(ValidationFailed) as missing:
        send_verification(session, actor=world["head"], user_id=nobody.id)
    assert missing.value.errors == {"email": "verification.email_required"}

    done = make_user(
        session, world["company"], username="klar", email="klar@example.org", verified=True
    )
    with pytest.raises(ServiceError) as verified:
        send_verification(session, actor=world["head"], user_id=done.id)
    assert verified.value.key == "verification.already_verified"


@pytest.mark.parametrize("who", ["unit_admin", "stranger"])
def test_users_outside_the_scope_are_not_found(session: Session, world: dict, who: str) -> None:
    target = world["elsewhere"]  # another company: outside the unit admin's unit
    with pytest.raises(NotFound):
        send_verification(session, actor=world[who], user_id=target.id)
    assert _mails(session, target) == []


@pytest.mark.parametrize("forged", ["1", None, True, 10**15, [1]])
def test_forged_ids_are_not_found(session: Session, world: dict, forged: object) -> None:
    with pytest.raises(NotFound):
        send_verification(session, actor=world["head"], user_id=forged)


def test_a_unit_admin_may_verify_people_in_their_unit(session: Session, world: dict) -> None:
    send_verification(session, actor=world["unit_admin"], user_id=world["person"].id)
    assert len(_mails(session, world["person"])) == 1


@pytest.mark.parametrize("raw", ["", "x" * 300, "nonsense"])
def test_unknown_links_say_so(session: Session, raw: str) -> None:
    assert describe_verification_link(session, raw_token=raw).state is TokenState.UNKNOWN
    with pytest.raises(ServiceError) as unknown:
        confirm_verification(session, raw_token=raw)
    assert unknown.value.key == "verification.link_unknown"

"""'Glömt lösenord?': the same answer for everyone, a mail only for verified users, a link used once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from admin_portal.auth.tokens import TokenState, hash_secret
from admin_portal.config import get_settings
from admin_portal.models import (
    AuditEvent,
    Company,
    OutboxMessage,
    Token,
    TokenPurpose,
    User,
    UserStatus,
)
from admin_portal.services.auth.login import (
    authenticate,
    describe_password_link,
    request_password_reset,
    set_password_with_link,
)
from admin_portal.services.errors import ServiceError, ValidationFailed
from tests.support.factories import make_company, make_org, make_user

T0 = datetime(2030, 5, 1, 8, 0, tzinfo=UTC)
NEW_PASSWORD = "sju gröna päron i en korg"
LINK = re.compile(r"http://portal\.test/satt-losenord\?token=([A-Za-z0-9_-]+)")


pytestmark = pytest.mark.usefixtures("cheap_argon2")


@pytest.fixture
def company(session: Session) -> Company:
    return make_company(session, make_org(session))


@pytest.fixture
def karin(session: Session, company: Company) -> User:
    return make_user(
        session, company, username="Karin.Lund", email="Karin.Lund@Example.se", verified=True,
        first_name="Karin", last_name="Lund",
    )  # fmt: skip


def _outbox(session: Session) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage)).all())


def _link_token(message: OutboxMessage) -> str:
    found = LINK.search(message.text_body)
    assert found is not None, message.text_body
    assert found.group(0) in message.html_body
    return found.group(1)


def _requested_link(session: Session, identifier: str) -> str:
    request_password_reset(session, identifier=identifier)
    (message,) = _outbox(session)
    return _link_token(message)


# -- asking for a link -------------------------------------------------------------------------


@pytest.mark.parametrize("identifier", ["ingen.alls", "ingen@example.se", "", "   ", "x" * 1000])
def test_an_unknown_identifier_queues_nothing(
    session: Session, karin: User, identifier: str
) -> None:
    assert request_password_reset(session, identifier=identifier) is None

    assert _outbox(session) == []
    assert session.exec(select(Token)).all() == []


def test_a_user_with_an_unverified_email_gets_nothing(session: Session, company: Company) -> None:
    make_user(session, company, username="overifierad", email="over@example.se", verified=False)

    request_password_reset(session, identifier="overifierad")
    request_password_reset(session, identifier="over@example.se")

    assert _outbox(session) == []
    assert session.exec(select(Token)).all() == []


def test_a_user_without_an_email_gets_nothing(session: Session, company: Company) -> None:
    make_user(session, company, username="utan.epost")

    request_password_reset(session, identifier="utan.epost")

    assert _outbox(session) == []


def test_a_removed_user_gets_nothing(session: Session, karin: User) -> None:
    karin.status = UserStatus.REMOVED
    session.add(karin)
    session.flush()

    request_password_reset(session, identifier="karin.lund")

    assert _outbox(session) == []


@pytest.mark.parametrize(
    "identifier",
    ["Karin.Lund", "KARIN.LUND", " karin.lund ", "karin.lund@example.se", "KARIN.LUND@EXAMPLE.SE"],
)
def test_a_verified_user_gets_exactly_one_mail_by_username_or_email(
    session: Session, karin: User, identifier: str
) -> None:
    request_password_reset(session, identifier=identifier)

    (message,) = _outbox(session)
    assert message.to_address == "Karin.Lund@Example.se"
    assert message.user_id == karin.id
    assert message.organisation_id == karin.organisation_id
    assert message.kind == "reset_password"
    assert message.status == "pending"


def test_the_mail_carries_a_link_from_the_public_base_url_with_the_stored_token(
    session: Session, karin: User
) -> None:
    raw = _requested_link(session, "karin.lund")

    token = session.exec(select(Token)).one()
    assert token.purpose == TokenPurpose.RESET_PASSWORD
    assert token.user_id == karin.id
    assert token.token_hash == hash_secret(raw)
    assert token.expires_at - token.created_at == timedelta(
        minutes=get_settings().reset_password_link_minutes
    )


def test_the_link_follows_the_public_base_url_setting(
    session: Session, karin: User, configure: Callable[..., None]
) -> None:
    configure(public_base_url="https://konto.example.se/")

    request_password_reset(session, identifier="karin.lund")

    (message,) = _outbox(session)
    assert "https://konto.example.se/satt-losenord?token=" in message.text_body
    assert "portal.test" not in message.text_body


def test_the_mail_is_in_the_users_language(session: Session, company: Company) -> None:
    make_user(session, company, username="sv.user", email="sv@example.se", verified=True)
    make_user(
        session, company, username="en.user", email="en@example.se", verified=True, language="en"
    )

    request_password_reset(session, identifier="sv.user")
    request_password_reset(session, identifier="en.user")

    by_address = {m.to_address: m for m in _outbox(session)}
    assert by_address["sv@example.se"].language == "sv"
    assert by_address["en@example.se"].language == "en"
    assert by_address["en@example.se"].subject == "Choose a new password"
    assert by_address["sv@example.se"].subject != by_address["en@example.se"].subject
    assert "en.user" in by_address["en@example.se"].text_body


def test_the_request_is_audited_without_the_token(session: Session, karin: User) -> None:
    raw = _requested_link(session, "karin.lund")

    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "password_reset_requested")
    ).one()
    assert event.target_id == str(karin.id)
    assert all(raw not in str(value) for value in event.model_dump().values())


def test_a_second_request_replaces_the_first_link(session: Session, karin: User) -> None:
    # After the per-person cooldown (issue 11, A.6); within it no second mail goes out at all.
    cooldown = timedelta(minutes=get_settings().reset_mail_cooldown_minutes, seconds=1)
    with time_machine.travel(T0, tick=False) as clock:
        request_password_reset(session, identifier="karin.lund")
        clock.shift(cooldown)
        request_password_reset(session, identifier="karin.lund")

    first, second = (_link_token(m) for m in _outbox(session))
    assert describe_password_link(session, raw_token=first).state is TokenState.USED
    assert describe_password_link(session, raw_token=second).state is TokenState.VALID


# -- following the link ------------------------------------------------------------------------


def test_opening_the_link_shows_the_username_and_does_not_use_it(
    session: Session, karin: User
) -> None:
    raw = _requested_link(session, "karin.lund")

    first = describe_password_link(session, raw_token=raw)
    second = describe_password_link(session, raw_token=raw)

    assert first.state is second.state is TokenState.VALID
    assert first.username == "Karin.Lund"
    assert session.exec(select(Token)).one().used_at is None


def test_the_link_sets_a_password_that_logs_in(session: Session, karin: User) -> None:
    raw = _requested_link(session, "karin.lund@example.se")

    user = set_password_with_link(
        session, raw_token=raw, password=NEW_PASSWORD, repeat=NEW_PASSWORD
    )
    session.commit()

    assert user.id == karin.id
    assert user.password_hash is not None and NEW_PASSWORD not in user.password_hash
    assert user.password_changed_at is not None
    assert authenticate(session, username="karin.lund", password=NEW_PASSWORD).id == karin.id
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "password_set")).one()
    assert all(NEW_PASSWORD not in str(value) for value in event.model_dump().values())


def test_the_link_cannot_be_used_twice(session: Session, karin: User) -> None:
    raw = _requested_link(session, "karin.lund")
    set_password_with_link(session, raw_token=raw, password=NEW_PASSWORD, repeat=NEW_PASSWORD)

    with pytest.raises(ServiceError) as caught:
        set_password_with_link(
            session,
            raw_token=raw,
            password="en annan lång lösenfras",
            repeat="en annan lång lösenfras",
        )

    assert caught.value.key == "set_password.link_used"
    assert describe_password_link(session, raw_token=raw).state is TokenState.USED
    assert authenticate(session, username="karin.lund", password=NEW_PASSWORD).id == karin.id


def test_a_too_short_password_is_refused_and_the_link_survives(
    session: Session, karin: User
) -> None:
    raw = _requested_link(session, "karin.lund")

    with pytest.raises(ValidationFailed) as caught:
        set_password_with_link(session, raw_token=raw, password="för kort!", repeat="för kort!")

    assert caught.value.errors == {"password": "password.too_short"}
    assert describe_password_link(session, raw_token=raw).state is TokenState.VALID
    assert session.get(User, karin.id).password_hash is None  # type: ignore[union-attr]


def test_a_password_with_the_users_name_is_refused(session: Session, karin: User) -> None:
    raw = _requested_link(session, "karin.lund")

    with pytest.raises(ValidationFailed) as caught:
        phrase = "karin har en grön cykel"
        set_password_with_link(session, raw_token=raw, password=phrase, repeat=phrase)

    assert caught.value.errors == {"password": "password.personal"}
    assert describe_password_link(session, raw_token=raw).state is TokenState.VALID


def test_a_mismatched_repeat_is_refused_and_the_link_survives(
    session: Session, karin: User
) -> None:
    raw = _requested_link(session, "karin.lund")

    with pytest.raises(ValidationFailed) as caught:
        set_password_with_link(
            session, raw_token=raw, password=NEW_PASSWORD, repeat=NEW_PASSWORD + "x"
        )

    assert caught.value.errors == {"repeat": "set_password.mismatch"}
    assert describe_password_link(session, raw_token=raw).state is TokenState.VALID


def test_an_expired_link_says_so(session: Session, karin: User) -> None:
    minutes = get_settings().reset_password_link_minutes
    with time_machine.travel(T0, tick=False) as traveller:
        raw = _requested_link(session, "karin.lund")
        traveller.shift(timedelta(minutes=minutes, seconds=1))

        assert describe_password_link(session, raw_token=raw).state is TokenState.EXPIRED
        with pytest.raises(ServiceError) as caught:
            set_password_with_link(
                session, raw_token=raw, password=NEW_PASSWORD, repeat=NEW_PASSWORD
            )

    assert caught.value.key == "set_password.link_expired"


def test_an_unknown_link_says_so(session: Session, karin: User) -> None:
    assert describe_password_link(session, raw_token="påhittad").state is TokenState.UNKNOWN
    assert describe_password_link(session, raw_token="påhittad").username is None
    with pytest.raises(ServiceError) as caught:
        set_password_with_link(
            session, raw_token="påhittad", password=NEW_PASSWORD, repeat=NEW_PASSWORD
        )
    assert caught.value.key == "set_password.link_unknown"


def test_a_link_of_a_user_removed_since_is_dead(session: Session, karin: User) -> None:
    raw = _requested_link(session, "karin.lund")
    karin.status = UserStatus.REMOVED
    session.add(karin)
    session.flush()

    assert describe_password_link(session, raw_token=raw).state is TokenState.UNKNOWN
    with pytest.raises(ServiceError) as caught:
        set_password_with_link(session, raw_token=raw, password=NEW_PASSWORD, repeat=NEW_PASSWORD)
    assert caught.value.key == "set_password.link_unknown"

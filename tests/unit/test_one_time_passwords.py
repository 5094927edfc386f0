"""Engångslösenord (issue 16): single use, expiring, hashed, rate-limited; the SMS port
against a fake 46elks-style server; without settings SMS stays in the local outbox."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from admin_portal.auth.tokens import TokenState, inspect_token
from admin_portal.config import get_settings
from admin_portal.models import (
    OneTimePassword,
    OutboxMessage,
    SmsMessage,
    SmsStatus,
    TokenPurpose,
    UserType,
    utcnow,
)
from admin_portal.services.contact_centre.one_time_passwords import (
    OneTimePasswordLimited,
    redeem_one_time_password,
    request_one_time_password,
    reset_one_time_password_limits,
)
from admin_portal.services.errors import ServiceError
from admin_portal.sms.dispatch import blank_expired_local, deliver_due
from admin_portal.sms.outbox import REDACTED
from admin_portal.sms.sender import sender_from_settings
from tests.support.factories import make_company, make_org, make_user
from tests.support.fake_sms import PASSWORD, USERNAME, FakeSms

ADDRESS = "192.0.2.10"


@pytest.fixture(autouse=True)
def _fresh_limits(configure: Callable[..., None]) -> Iterator[None]:
    configure(one_time_password_cooldown_seconds=0, sms_api_username=None)
    reset_one_time_password_limits()
    yield
    reset_one_time_password_limits()


@pytest.fixture
def agent(session: Session):  # type: ignore[no-untyped-def]
    user = make_user(
        session,
        make_company(session, make_org(session)),
        username="agent.otp",
        email="agent@x.example",
        user_type=UserType.AGENT,
    )
    user.mobile = "+46701234567"
    session.add(user)
    session.flush()
    return user


def _code_from(text: str) -> str:
    found = re.search(r"\b(\d{8})\b", text)
    assert found, text
    return found.group(1)


def _mail_code(session: Session) -> str:
    mail = session.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()  # type: ignore[union-attr]
    assert mail is not None and mail.kind == "one_time_password"
    return _code_from(mail.text_body)


def test_email_code_is_single_use_and_stored_hashed(session: Session, agent) -> None:  # type: ignore[no-untyped-def]
    request_one_time_password(
        session, username="Agent.OTP", channel="email", client_address=ADDRESS
    )
    code = _mail_code(session)
    stored = session.exec(select(OneTimePassword)).one()
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    path = redeem_one_time_password(
        session, username="agent.otp", code=code, client_address=ADDRESS
    )
    raw = path.split("token=", 1)[1]
    state, _ = inspect_token(session, raw, TokenPurpose.RESET_PASSWORD)
    assert state is TokenState.VALID
    with pytest.raises(ServiceError) as again:
        redeem_one_time_password(session, username="agent.otp", code=code, client_address=ADDRESS)
    assert again.value.key == "one_time_password.invalid"


def test_code_expires(session: Session, agent) -> None:  # type: ignore[no-untyped-def]
    request_one_time_password(
        session, username="agent.otp", channel="email", client_address=ADDRESS
    )
    code = _mail_code(session)
    later = time_machine.travel(utcnow() + timedelta(minutes=11), tick=False)
    with later, pytest.raises(ServiceError):
        redeem_one_time_password(session, username="agent.otp", code=code, client_address=ADDRESS)


def test_wrong_guesses_end_the_code(session: Session, agent) -> None:  # type: ignore[no-untyped-def]
    request_one_time_password(
        session, username="agent.otp", channel="email", client_address=ADDRESS
    )
    code = _mail_code(session)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    for _ in range(5):
        with pytest.raises(ServiceError):
            redeem_one_time_password(
                session, username="agent.otp", code=wrong, client_address=ADDRESS
            )
    with pytest.raises(ServiceError):
        redeem_one_time_password(session, username="agent.otp", code=code, client_address=ADDRESS)


def test_a_new_code_ends_the_old_one_and_unknown_users_get_the_same_answer(
    session: Session, agent
) -> None:  # type: ignore[no-untyped-def]
    request_one_time_password(
        session, username="agent.otp", channel="email", client_address=ADDRESS
    )
    first = _mail_code(session)
    request_one_time_password(
        session, username="agent.otp", channel="email", client_address=ADDRESS
    )
    second = _mail_code(session)
    with pytest.raises(ServiceError):
        redeem_one_time_password(session, username="agent.otp", code=first, client_address=ADDRESS)
    assert redeem_one_time_password(
        session, username="agent.otp", code=second, client_address=ADDRESS
    )
    before = len(session.exec(select(OneTimePassword)).all())
    request_one_time_password(session, username="nobody", channel="sms", client_address=ADDRESS)
    assert len(session.exec(select(OneTimePassword)).all()) == before


def test_rate_limited_per_address(session: Session, agent, configure) -> None:  # type: ignore[no-untyped-def]
    configure(one_time_password_rate_limit_per_address="2/hour")
    reset_one_time_password_limits()
    for _ in range(2):
        request_one_time_password(session, username="x", channel="email", client_address=ADDRESS)
    with pytest.raises(OneTimePasswordLimited):
        request_one_time_password(session, username="x", channel="email", client_address=ADDRESS)
    request_one_time_password(session, username="x", channel="email", client_address="192.0.2.99")


def test_cooldown_per_person(session: Session, agent, configure) -> None:  # type: ignore[no-untyped-def]
    configure(one_time_password_cooldown_seconds=60)
    request_one_time_password(
        session, username="agent.otp", channel="email", client_address=ADDRESS
    )
    request_one_time_password(session, username="agent.otp", channel="sms", client_address=ADDRESS)
    assert len(session.exec(select(OneTimePassword)).all()) == 1


def test_sms_without_settings_stays_in_the_local_outbox(session: Session, agent) -> None:  # type: ignore[no-untyped-def]
    request_one_time_password(session, username="agent.otp", channel="sms", client_address=ADDRESS)
    sms = session.exec(select(SmsMessage)).one()
    assert sms.status == SmsStatus.LOCAL and sms.to_number == "+46701234567"
    code = _code_from(sms.body)
    assert sender_from_settings(get_settings()) is None
    with time_machine.travel(utcnow() + timedelta(minutes=11), tick=False):
        assert blank_expired_local(session) == 1
    session.refresh(sms)
    assert sms.body == REDACTED and code not in sms.body


def test_sms_port_against_the_fake(session: Session, agent, configure) -> None:  # type: ignore[no-untyped-def]
    fake = FakeSms().start()
    try:
        configure(sms_api_url=fake.url, sms_api_username=USERNAME, sms_api_password=PASSWORD)
        request_one_time_password(
            session, username="agent.otp", channel="sms", client_address=ADDRESS
        )
        request_one_time_password(
            session, username="agent.otp", channel="sms", client_address=ADDRESS
        )
        session.commit()
        fake.fail_next(503)  # the first attempt fails and is retried later
        sender = sender_from_settings(get_settings())
        assert sender is not None
        assert deliver_due(session, sender) == 1
        rows = session.exec(select(SmsMessage).order_by(SmsMessage.id)).all()  # type: ignore[arg-type]
        assert [r.status for r in rows] == [SmsStatus.PENDING, SmsStatus.SENT]
        assert rows[1].body == REDACTED and rows[1].provider_id
        assert fake.delivered[0]["to"] == "+46701234567"
        assert fake.delivered[0]["from"] == "Adminportal"
        code = _code_from(fake.delivered[0]["message"])
        assert redeem_one_time_password(
            session, username="agent.otp", code=code, client_address=ADDRESS
        )
        # Wrong credentials are not retried: the message fails at once.
        configure(sms_api_password="wrong")
        rows[0].next_attempt_at = utcnow()
        session.add(rows[0])
        session.commit()
        bad = sender_from_settings(get_settings())
        assert bad is not None
        assert deliver_due(session, bad) == 0
        session.refresh(rows[0])
        assert rows[0].status == SmsStatus.FAILED and rows[0].body == REDACTED
    finally:
        fake.stop()


def test_administrators_get_no_one_time_password(session: Session, agent) -> None:  # type: ignore[no-untyped-def]
    from admin_portal.models import Role
    from tests.support.factories import grant

    grant(session, agent, Role.HEAD_ADMIN)
    request_one_time_password(session, username="agent.otp", channel="sms", client_address=ADDRESS)
    assert session.exec(select(OneTimePassword)).all() == []

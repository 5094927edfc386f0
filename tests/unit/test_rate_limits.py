"""Anti-automation: per-address and global limits, and one reset mail per person per cooldown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from pydantic import ValidationError
from sqlmodel import Session, select

from admin_portal.auth.tokens import TokenState
from admin_portal.config import Settings
from admin_portal.models import OutboxMessage, User
from admin_portal.services.auth.login import describe_password_link, request_password_reset
from admin_portal.services.auth.rate_limits import (
    RateLimited,
    check_login_attempt,
    check_password_reset_request,
    client_key,
    reset_rate_limits,
)
from tests.support.factories import make_company, make_org, make_user

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_counters(configure: Callable[..., None]) -> Iterator[None]:
    configure(rate_limit_storage_url="memory://")
    reset_rate_limits()
    yield
    reset_rate_limits()


def _allowed(check: Callable[..., None], address: str) -> bool:
    try:
        check(client_address=address)
    except RateLimited as limited:
        assert limited.key == "rate_limit.too_many"
        return False
    return True


# -- per address and global --------------------------------------------------------------------


def test_a_burst_over_the_per_address_login_limit_is_refused(
    configure: Callable[..., None],
) -> None:
    configure(login_rate_limit_per_address="5/minute", login_rate_limit_global="1000/minute")

    outcomes = [_allowed(check_login_attempt, "203.0.113.7") for _ in range(8)]

    assert outcomes == [True] * 5 + [False] * 3


def test_another_address_is_still_served_while_one_is_limited(
    configure: Callable[..., None],
) -> None:
    configure(login_rate_limit_per_address="3/minute", login_rate_limit_global="1000/minute")
    for _ in range(5):
        _allowed(check_login_attempt, "203.0.113.7")

    assert not _allowed(check_login_attempt, "203.0.113.7")
    assert _allowed(check_login_attempt, "198.51.100.20")


def test_the_global_limit_refuses_every_address_once_reached(
    configure: Callable[..., None],
) -> None:
    configure(login_rate_limit_per_address="100/minute", login_rate_limit_global="4/minute")

    outcomes = [_allowed(check_login_attempt, f"198.51.100.{n}") for n in range(1, 7)]

    assert outcomes == [True] * 4 + [False] * 2


def test_an_address_over_its_own_limit_does_not_use_up_the_global_budget(
    configure: Callable[..., None],
) -> None:
    configure(login_rate_limit_per_address="2/minute", login_rate_limit_global="5/minute")
    for _ in range(20):
        _allowed(check_login_attempt, "203.0.113.7")  # 2 counted globally, 18 refused early

    assert [_allowed(check_login_attempt, f"198.51.100.{n}") for n in range(1, 5)] == [True] * 3 + [
        False
    ]


def test_the_window_moves_on(configure: Callable[..., None]) -> None:
    configure(login_rate_limit_per_address="2/minute", login_rate_limit_global="1000/minute")
    with time_machine.travel(T0, tick=False) as clock:
        assert _allowed(check_login_attempt, "203.0.113.7")
        assert _allowed(check_login_attempt, "203.0.113.7")
        assert not _allowed(check_login_attempt, "203.0.113.7")
        clock.shift(timedelta(seconds=61))
        assert _allowed(check_login_attempt, "203.0.113.7")


def test_login_and_reset_are_counted_apart(configure: Callable[..., None]) -> None:
    configure(
        login_rate_limit_per_address="2/minute",
        reset_rate_limit_per_address="2/hour",
        login_rate_limit_global="1000/minute",
        reset_rate_limit_global="1000/hour",
    )
    for _ in range(3):
        _allowed(check_login_attempt, "203.0.113.7")

    assert _allowed(check_password_reset_request, "203.0.113.7")
    assert _allowed(check_password_reset_request, "203.0.113.7")
    assert not _allowed(check_password_reset_request, "203.0.113.7")


def test_the_reset_global_limit_applies_across_addresses(configure: Callable[..., None]) -> None:
    configure(reset_rate_limit_per_address="100/hour", reset_rate_limit_global="3/hour")

    outcomes = [_allowed(check_password_reset_request, f"198.51.100.{n}") for n in range(1, 6)]

    assert outcomes == [True] * 3 + [False] * 2


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::99", "2001:db8:1:2::/64"),
        ("", "unknown"),
        ("not an address", "unknown"),
    ],
)
def test_addresses_fall_in_buckets(address: str, key: str) -> None:
    assert client_key(address) == key


def test_one_ipv6_subscriber_network_shares_one_bucket(configure: Callable[..., None]) -> None:
    configure(login_rate_limit_per_address="3/minute", login_rate_limit_global="1000/minute")
    for n in range(3):
        assert _allowed(check_login_attempt, f"2001:db8:1:2::{n + 1}")

    assert not _allowed(check_login_attempt, "2001:db8:1:2:ffff::1")
    assert _allowed(check_login_attempt, "2001:db8:1:3::1")


@pytest.mark.parametrize("notation", ["tio per minut", "10/fortnight", ""])
def test_a_mistyped_limit_refuses_to_start(notation: str) -> None:
    with pytest.raises(ValidationError):
        Settings(login_rate_limit_per_address=notation)


def test_several_limits_in_one_setting_all_apply(configure: Callable[..., None]) -> None:
    configure(login_rate_limit_per_address="3/minute;4/hour", login_rate_limit_global="1000/minute")
    with time_machine.travel(T0, tick=False) as clock:
        assert [_allowed(check_login_attempt, "203.0.113.7") for _ in range(4)] == [True] * 3 + [
            False
        ]
        clock.shift(timedelta(minutes=2))
        assert [_allowed(check_login_attempt, "203.0.113.7") for _ in range(2)] == [True, False]


# -- one reset mail per person per cooldown ------------------------------------------------------


@pytest.fixture
def karin(session: Session) -> User:
    company = make_company(session, make_org(session))
    user = make_user(
        session, company, username="Karin.Lund", email="Karin.Lund@Example.se", verified=True
    )
    session.commit()
    return user


def _mails(session: Session) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def test_a_person_gets_one_reset_mail_per_cooldown_whatever_identifier(
    session: Session, karin: User, configure: Callable[..., None]
) -> None:
    configure(reset_mail_cooldown_minutes=10)
    with time_machine.travel(T0, tick=False):
        for identifier in ("karin.lund", "KARIN.LUND@example.se", " Karin.Lund ", "karin.lund"):
            request_password_reset(session, identifier=identifier)

    assert len(_mails(session)) == 1


def test_the_first_link_stays_valid_when_a_request_is_skipped(
    session: Session, karin: User, configure: Callable[..., None]
) -> None:
    configure(reset_mail_cooldown_minutes=10)
    with time_machine.travel(T0, tick=False) as clock:
        request_password_reset(session, identifier="karin.lund")
        (mail,) = _mails(session)
        raw = mail.text_body.split("token=")[1].split()[0]
        clock.shift(timedelta(minutes=5))
        request_password_reset(session, identifier="karin.lund")

        assert describe_password_link(session, raw_token=raw).state is TokenState.VALID


def test_after_the_cooldown_a_new_mail_goes_out(
    session: Session, karin: User, configure: Callable[..., None]
) -> None:
    configure(reset_mail_cooldown_minutes=10)
    with time_machine.travel(T0, tick=False) as clock:
        request_password_reset(session, identifier="karin.lund")
        clock.shift(timedelta(minutes=9, seconds=59))
        request_password_reset(session, identifier="karin.lund")
        assert len(_mails(session)) == 1
        clock.shift(timedelta(seconds=2))
        request_password_reset(session, identifier="karin.lund")

    assert len(_mails(session)) == 2


def test_the_cooldown_is_per_person(
    session: Session, karin: User, configure: Callable[..., None]
) -> None:
    configure(reset_mail_cooldown_minutes=10)
    other = make_user(
        session,
        make_company(session, make_org(session, "Annan")),
        username="olle",
        email="olle@example.se",
        verified=True,
    )
    session.commit()
    with time_machine.travel(T0, tick=False):
        request_password_reset(session, identifier="karin.lund")
        request_password_reset(session, identifier="olle")

    assert sorted(m.user_id or 0 for m in _mails(session)) == sorted([karin.id or 0, other.id or 0])


def test_a_zero_cooldown_turns_it_off(
    session: Session, karin: User, configure: Callable[..., None]
) -> None:
    configure(reset_mail_cooldown_minutes=0)
    request_password_reset(session, identifier="karin.lund")
    request_password_reset(session, identifier="karin.lund")

    assert len(_mails(session)) == 2

"""Welcome links: completing one proves the address; an expired one can be renewed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from admin_portal.models import OutboxMessage, User, UserStatus
from admin_portal.services.auth.login import request_new_welcome_link, set_password_with_link
from admin_portal.services.users.welcome_link import queue_welcome_mail
from tests.support.factories import make_company, make_org, make_user

PASSWORD = "en alldeles utmärkt lösenfras"
T0 = datetime(2031, 5, 4, 8, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("cheap_argon2")


def _invited(session: Session) -> User:
    user = make_user(
        session,
        make_company(session, make_org(session)),
        username="ny.person",
        email="ny@example.org",
    )
    session.commit()
    return user


def _links(session: Session, user: User) -> list[str]:
    mails = session.exec(
        select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id)
    ).all()
    return [re.search(r"token=([\w-]+)", m.text_body).group(1) for m in mails]


def test_completing_a_welcome_link_verifies_the_address_it_was_sent_to(session: Session) -> None:
    user = _invited(session)
    queue_welcome_mail(session, user=user)
    session.commit()
    assert user.email_verified_at is None

    set_password_with_link(
        session, raw_token=_links(session, user)[-1], password=PASSWORD, repeat=PASSWORD
    )

    assert user.email_verified_at is not None


def test_a_link_sent_to_an_old_address_does_not_verify_a_new_one(session: Session) -> None:
    user = _invited(session)
    queue_welcome_mail(session, user=user)
    user.email, user.email_key = "bytt@example.org", "bytt@example.org"
    session.commit()

    set_password_with_link(
        session, raw_token=_links(session, user)[-1], password=PASSWORD, repeat=PASSWORD
    )

    assert user.email_verified_at is None


def test_an_expired_welcome_link_can_be_renewed_to_the_address_on_file(session: Session) -> None:
    user = _invited(session)
    with time_machine.travel(T0, tick=False) as traveller:
        queue_welcome_mail(session, user=user)
        session.commit()
        old = _links(session, user)[-1]
        traveller.shift(timedelta(hours=73))

        request_new_welcome_link(session, raw_token=old)
        session.commit()

        links = _links(session, user)
        assert len(links) == 2 and links[-1] != old
        set_password_with_link(session, raw_token=links[-1], password=PASSWORD, repeat=PASSWORD)


@pytest.mark.parametrize("case", ["valid", "unknown", "removed"])
def test_only_an_expired_link_of_an_active_user_is_renewed(session: Session, case: str) -> None:
    user = _invited(session)
    with time_machine.travel(T0, tick=False) as traveller:
        queue_welcome_mail(session, user=user)
        session.commit()
        raw = _links(session, user)[-1]
        if case == "unknown":
            raw = "not-a-real-token"
        if case != "valid":
            traveller.shift(timedelta(hours=73))
        if case == "removed":
            user.status = UserStatus.REMOVED
            session.commit()

        request_new_welcome_link(session, raw_token=raw)
        session.commit()

    assert len(_links(session, user)) == 1

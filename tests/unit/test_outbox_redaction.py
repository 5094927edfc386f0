"""Working links do not stay in the outbox (issue 11, A.4).

The raw token of a link exists only in the mail body. The body is kept while the mail may
still have to be (re)sent, then replaced: at once when Resend accepted it, and, for the local
mailbox, when the link has expired.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal import worker
from admin_portal.auth.permissions import load_actor
from admin_portal.mail.dispatcher import dispatch_due
from admin_portal.mail.outbox import (
    REDACTED_BODY,
    blank_expired_bodies,
    cancel_pending_for_user,
)
from admin_portal.mail.senders import LocalMailboxSender, TransientSendError
from admin_portal.models import Invitation, OutboxMessage, OutboxStatus, User, utcnow
from admin_portal.services.dev_mailbox import list_local_mail
from admin_portal.services.invitations.mail import issue_invitation_link
from admin_portal.services.users.profile import get_user_profile
from admin_portal.services.users.welcome_link import queue_welcome_mail
from tests.support.factories import Role, grant, make_company, make_org, make_unit, make_user
from tests.support.memory_sender import MemorySender

TOKEN = re.compile(r"token=([\w-]{20,})")


def _welcome(engine: Engine) -> tuple[int, int, int]:
    """A user with a queued welcome mail, and a head admin. Returns (outbox id, user, admin)."""
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session)
        company = make_company(session, org)
        user = make_user(session, company, email="anna@example.se", username="anna")
        admin = make_user(session, company, username="chefen")
        grant(session, admin, Role.HEAD_ADMIN)
        queue_welcome_mail(session, user=user)
        session.commit()
        row = session.exec(select(OutboxMessage)).one()
        assert row.id and user.id and admin.id
        return row.id, user.id, admin.id


def _row(engine: Engine, row_id: int) -> OutboxMessage:
    with Session(engine) as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row


def test_a_queued_link_mail_remembers_when_its_link_expires(engine: Engine) -> None:
    row_id, _, _ = _welcome(engine)
    row = _row(engine, row_id)
    assert row.link_expires_at is not None
    expected = utcnow() + timedelta(hours=72)
    assert abs((row.link_expires_at.replace(tzinfo=UTC) - expected).total_seconds()) < 60
    assert TOKEN.search(row.text_body), "the body holds the link until it is sent"


def test_mail_handed_to_resend_keeps_no_body(engine: Engine) -> None:
    row_id, user_id, admin_id = _welcome(engine)
    sender = MemorySender()

    dispatch_due(engine, sender)

    [delivered] = sender.delivered
    assert TOKEN.search(delivered.text) and TOKEN.search(delivered.html), "Resend got the link"
    row = _row(engine, row_id)
    assert row.status == OutboxStatus.SENT
    assert (row.html_body, row.text_body) == (REDACTED_BODY, REDACTED_BODY)
    assert row.link_expires_at is None
    assert (row.to_address, row.subject) == ("anna@example.se", delivered.subject)
    # The profile's mail history still shows it.
    with Session(engine) as session:
        actor = load_actor(session, admin_id)
        assert actor is not None
        profile = get_user_profile(session, actor=actor, user_id=user_id)
    assert [(m.subject, m.status) for m in profile.mail_history] == [
        (delivered.subject, OutboxStatus.SENT)
    ]


def test_a_retry_after_a_failed_send_still_sends_the_whole_body(engine: Engine) -> None:
    row_id, _, _ = _welcome(engine)
    original = _row(engine, row_id).text_body
    sender = MemorySender()
    sender.fail_next(TransientSendError("resend 503"))

    dispatch_due(engine, sender)
    waiting = _row(engine, row_id)
    assert waiting.status == OutboxStatus.PENDING
    assert waiting.text_body == original, "a mail still to be sent keeps its body"

    dispatch_due(engine, sender, now=datetime.now(UTC) + timedelta(hours=2))
    [delivered] = sender.delivered
    assert delivered.text == original
    assert TOKEN.search(delivered.text)
    assert _row(engine, row_id).text_body == REDACTED_BODY


def test_the_local_mailbox_keeps_a_link_until_it_expires(engine: Engine) -> None:
    row_id, _, admin_id = _welcome(engine)
    dispatch_due(engine, LocalMailboxSender())
    row = _row(engine, row_id)
    assert row.status == OutboxStatus.LOCAL
    assert row.link_expires_at is not None
    expires = row.link_expires_at.replace(tzinfo=UTC)

    with Session(engine) as session:
        assert blank_expired_bodies(session, now=expires - timedelta(seconds=1)) == 0
        session.commit()
        [shown] = list_local_mail(session, actor=load_actor(session, admin_id))
    assert shown.links and TOKEN.search(shown.links[0])

    with Session(engine) as session:
        assert blank_expired_bodies(session, now=expires + timedelta(seconds=1)) == 1
        session.commit()
        [shown] = list_local_mail(session, actor=load_actor(session, admin_id))
        assert blank_expired_bodies(session, now=expires + timedelta(days=1)) == 0  # idempotent
    assert shown.links == []
    assert TOKEN.search(shown.text_body) is None
    assert shown.subject and shown.to_address == "anna@example.se"


def test_mail_still_waiting_to_be_sent_keeps_its_body_after_expiry(engine: Engine) -> None:
    row_id, _, _ = _welcome(engine)
    with Session(engine) as session:
        assert blank_expired_bodies(session, now=utcnow() + timedelta(days=30)) == 0
        session.commit()
    assert TOKEN.search(_row(engine, row_id).text_body)


def test_the_worker_blanks_expired_local_mail(engine: Engine) -> None:
    row_id, _, _ = _welcome(engine)
    dispatch_due(engine, LocalMailboxSender())
    with Session(engine) as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        row.link_expires_at = utcnow() - timedelta(minutes=1)
        session.add(row)
        session.commit()

    assert worker.blank_expired_mail(engine) == 1
    assert worker.blank_expired_mail(engine) == 0
    assert _row(engine, row_id).text_body == REDACTED_BODY


def test_cancelled_mail_keeps_no_body(engine: Engine) -> None:
    row_id, user_id, _ = _welcome(engine)
    with Session(engine) as session:
        assert cancel_pending_for_user(session, user_id=user_id) == 1
        session.commit()
    row = _row(engine, row_id)
    assert row.status == OutboxStatus.CANCELLED
    assert row.text_body == REDACTED_BODY == row.html_body


def test_an_invitation_mail_expires_with_its_invitation_and_a_resend_blanks_the_old_one(
    engine: Engine,
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session)
        company = make_company(session, org)
        unit = make_unit(session, company)
        admin = make_user(session, company, username="chefen")
        invitation = Invitation(
            organisation_id=org.id or 0,
            company_id=company.id or 0,
            unit_id=unit.id or 0,
            first_name="Fia",
            last_name="Falk",
            email="fia@example.se",
            email_key="fia@example.se",
            token_hash="placeholder",
            expires_at=utcnow(),
            invited_by_id=admin.id or 0,
        )
        session.add(invitation)
        session.flush()
        issue_invitation_link(
            session, invitation=invitation, inviter="Chef", organisation="Org", services=""
        )
        session.commit()
        first = session.get(OutboxMessage, invitation.outbox_message_id)
        assert first is not None and first.link_expires_at == invitation.expires_at
        assert TOKEN.search(first.text_body) or "/inbjudan" in first.text_body

        issue_invitation_link(
            session, invitation=invitation, inviter="Chef", organisation="Org", services=""
        )
        session.commit()
        session.refresh(first)
    assert first.status == OutboxStatus.CANCELLED
    assert first.text_body == REDACTED_BODY


def test_a_reset_mail_expires_with_its_token(engine: Engine) -> None:
    from admin_portal.services.auth.login import request_password_reset

    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session)
        company = make_company(session, org)
        make_user(session, company, email="bo@example.se", username="bo", verified=True)
        session.commit()
        request_password_reset(session, identifier="bo")
        session.commit()
        row = session.exec(select(OutboxMessage)).one()
    assert row.link_expires_at is not None
    expected = utcnow() + timedelta(minutes=60)
    assert abs((row.link_expires_at.replace(tzinfo=UTC) - expected).total_seconds()) < 60


def test_users_are_unchanged_by_blanking(engine: Engine) -> None:
    _, user_id, _ = _welcome(engine)
    dispatch_due(engine, MemorySender())
    with Session(engine) as session:
        user = session.get(User, user_id)
        assert user is not None and user.email == "anna@example.se"

"""Resend's webhooks: signature, each event, duplicates, unknown mail, refused addresses."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from admin_portal import db
from admin_portal.api.webhook_routes import WEBHOOK_MAX_BODY_BYTES, WEBHOOK_PATH, webhook_routes
from admin_portal.auth.permissions import load_actor
from admin_portal.config import get_settings
from admin_portal.i18n import EN, SV
from admin_portal.mail.dispatcher import dispatch_due
from admin_portal.mail.messages import Message
from admin_portal.mail.outbox import enqueue_message
from admin_portal.models import (
    AuditEvent,
    Invitation,
    InvitationStatus,
    MailSuppression,
    MailWebhookEvent,
    OutboxMessage,
    OutboxStatus,
    User,
    utcnow,
)
from admin_portal.services.errors import ServiceError
from admin_portal.services.invitations.delivery import delivery_label
from admin_portal.services.invitations.invite import resend_invitation
from admin_portal.services.users.email_address import assign_email
from admin_portal.services.users.manage import send_invitation
from admin_portal.services.users.profile import get_user_profile
from tests.support.factories import make_user
from tests.support.fake_resend_webhooks import (
    TEST_WEBHOOK_SECRET,
    SignedCall,
    event_body,
    sign,
    signed_call,
)
from tests.support.memory_sender import MemorySender
from tests.support.world import build_care_world

INVITEE = "inbjuden@example.se"
PERSON = "person@example.se"


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ADMIN_PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'hooks.db'}")
    monkeypatch.setenv("ADMIN_PORTAL_RESEND_WEBHOOK_SECRET", TEST_WEBHOOK_SECRET)
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    SQLModel.metadata.create_all(db.get_engine())
    yield
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def client(app_db: None) -> TestClient:
    return TestClient(Starlette(routes=webhook_routes), base_url="http://portal.test")


@dataclass(frozen=True)
class World:
    head_id: int
    user_id: int
    invitation_id: int
    invitation_mail_id: int  # Resend's id of the invitation mail
    welcome_mail_id: int  # Resend's id of the person's welcome mail
    sender: MemorySender


def _message(kind: str = "welcome") -> Message:
    return Message(kind=kind, language="sv", subject="Hej", html="<p>hej</p>", text="hej")


def _dispatch(sender: MemorySender) -> None:
    dispatch_due(db.get_engine(), sender, hooks=None)


@pytest.fixture
def world(app_db: None) -> World:
    """An invitation and a person, each with one mail Resend accepted (memory ids)."""
    with db.session_scope() as session:
        base = build_care_world(session, head_username="head", head_email="head@example.se")
        org, company, unit, head = base.org, base.company, base.unit_a, base.head
        person = make_user(session, company, username="person", email=PERSON, unit=unit)
        invitation_mail = enqueue_message(
            session,
            _message("invitation"),
            to_address=INVITEE,
            organisation_id=org.id,
            user_id=None,
        )
        invitation = Invitation(
            organisation_id=org.id or 0,
            company_id=company.id or 0,
            unit_id=unit.id or 0,
            first_name="In",
            last_name="Bjuden",
            email=INVITEE,
            email_key=INVITEE,
            token_hash="a" * 64,
            expires_at=utcnow() + timedelta(days=3),
            invited_by_id=head.id or 0,
            outbox_message_id=invitation_mail.id,
        )
        session.add(invitation)
        welcome = enqueue_message(
            session, _message(), to_address=PERSON, organisation_id=org.id, user_id=person.id
        )
        session.flush()
        ids = (head.id, person.id, invitation.id, invitation_mail.id, welcome.id)
    sender = MemorySender()
    _dispatch(sender)
    with db.session_scope() as session:
        provider = {
            row.id: row.provider_message_id for row in session.exec(select(OutboxMessage)).all()
        }
        assert session.get_one(Invitation, ids[2]).status == InvitationStatus.SENT
    assert all(provider.values()), "every sent row carries Resend's (here the memory) id"
    return World(
        head_id=ids[0] or 0,
        user_id=ids[1] or 0,
        invitation_id=ids[2] or 0,
        invitation_mail_id=ids[3] or 0,
        welcome_mail_id=ids[4] or 0,
        sender=sender,
    )


def _resend_id(outbox_id: int) -> str:
    with db.session_scope() as session:
        return session.get_one(OutboxMessage, outbox_id).provider_message_id or ""


def _post(client: TestClient, call: SignedCall) -> tuple[int, str]:
    response = client.post(WEBHOOK_PATH, content=call.body, headers=call.headers)
    return response.status_code, response.json().get("message", "")


def _event(client: TestClient, event_type: str, outbox_id: int, **kw: object) -> tuple[int, str]:
    call = signed_call(TEST_WEBHOOK_SECRET, event_body(event_type, _resend_id(outbox_id)), **kw)  # type: ignore[arg-type]
    return _post(client, call)


def _snapshot() -> dict[str, object]:
    with db.session_scope() as session:
        return {
            "events": session.exec(select(func.count()).select_from(MailWebhookEvent)).one(),
            "suppressed": session.exec(select(func.count()).select_from(MailSuppression)).one(),
            "audit": session.exec(select(func.count()).select_from(AuditEvent)).one(),
            "mail": sorted(
                (m.id, m.status, m.delivery_event)
                for m in session.exec(select(OutboxMessage)).all()
            ),
            "invitations": sorted((i.id, i.status) for i in session.exec(select(Invitation)).all()),
            "bounced": [u.email_bounced_at for u in session.exec(select(User)).all()],
        }


# -- the signature ----------------------------------------------------------------------------


def test_without_a_secret_the_endpoint_does_not_exist(
    world: World, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADMIN_PORTAL_RESEND_WEBHOOK_SECRET", "")
    get_settings.cache_clear()
    before = _snapshot()
    assert _event(client, "email.bounced", world.invitation_mail_id)[0] == 404
    assert _snapshot() == before


def _tampered(kind: str, world: World) -> SignedCall:
    good = signed_call(
        TEST_WEBHOOK_SECRET, event_body("email.bounced", _resend_id(world.invitation_mail_id))
    )
    headers = dict(good.headers)
    now = int(time.time())
    if kind == "unsigned":
        return SignedCall(good.body, {"content-type": "application/json"})
    if kind == "no_signature":
        headers.pop("svix-signature")
    elif kind == "wrong_secret":
        other = "whsec_" + "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC0xMjM0NTY="
        headers["svix-signature"] = sign(other, headers["svix-id"], now, good.body)
    elif kind == "changed_body":
        return SignedCall(good.body.replace(b"bounced", b"delivered"), headers)
    elif kind == "other_id":
        headers["svix-id"] = "msg_someone_else"
    elif kind in ("stale", "future"):
        moment = now - 600 if kind == "stale" else now + 600
        headers["svix-timestamp"] = str(moment)
        headers["svix-signature"] = sign(TEST_WEBHOOK_SECRET, headers["svix-id"], moment, good.body)
    elif kind == "garbage_signature":
        headers["svix-signature"] = "v1,@@not-base64@@"
    elif kind == "no_comma":
        headers["svix-signature"] = "v1"
    elif kind == "not_a_timestamp":
        headers["svix-timestamp"] = "yesterday"
    return SignedCall(good.body, headers)


@pytest.mark.parametrize(
    "kind",
    [
        "unsigned",
        "no_signature",
        "wrong_secret",
        "changed_body",
        "other_id",
        "stale",
        "future",
        "garbage_signature",
        "no_comma",
        "not_a_timestamp",
    ],
)
def test_unsigned_wrong_or_stale_calls_get_401_and_change_nothing(
    world: World, client: TestClient, kind: str
) -> None:
    before = _snapshot()
    assert _post(client, _tampered(kind, world))[0] == 401
    assert _snapshot() == before


def test_a_signature_within_the_tolerance_is_accepted(world: World, client: TestClient) -> None:
    four_minutes_ago = int(time.time()) - 240
    status, result = _event(
        client, "email.delivered", world.invitation_mail_id, timestamp=four_minutes_ago
    )
    assert (status, result) == (200, "recorded")


def test_a_body_over_the_cap_gets_413_and_changes_nothing(world: World, client: TestClient) -> None:
    payload = event_body("email.bounced", _resend_id(world.invitation_mail_id))
    payload["padding"] = "x" * WEBHOOK_MAX_BODY_BYTES
    before = _snapshot()
    assert _post(client, signed_call(TEST_WEBHOOK_SECRET, payload))[0] == 413
    assert _snapshot() == before


def test_only_post_is_served(client: TestClient) -> None:
    assert client.get(WEBHOOK_PATH).status_code == 405


# -- each event -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "recorded", "invitation", "label"),
    [
        ("email.sent", "sent", InvitationStatus.SENT, "sent"),
        ("email.delivered", "delivered", InvitationStatus.DELIVERED, "delivered"),
        ("email.delivery_delayed", "delivery_delayed", InvitationStatus.SENT, "delivery_delayed"),
        ("email.bounced", "bounced", InvitationStatus.BOUNCED, "bounced"),
        ("email.complained", "complained", InvitationStatus.BOUNCED, "complained"),
    ],
)
def test_each_event_is_recorded_against_its_mail(
    world: World, client: TestClient, event_type: str, recorded: str, invitation: str, label: str
) -> None:
    assert _event(client, event_type, world.invitation_mail_id) == (200, "recorded")
    with db.session_scope() as session:
        mail = session.get_one(OutboxMessage, world.invitation_mail_id)
        found = session.get_one(Invitation, world.invitation_id)
        assert mail.delivery_event == recorded
        assert mail.delivery_event_at is not None
        assert found.status == invitation
        assert delivery_label(found.status, mail) == label
        refused = session.exec(select(MailSuppression)).all()
        audit = session.exec(
            select(AuditEvent).where(AuditEvent.action == "email_address_refused")
        ).all()
    if event_type in ("email.bounced", "email.complained"):
        assert [(s.address_key, s.reason) for s in refused] == [(INVITEE, recorded)]
        assert [(a.target_type, a.target_id, a.detail) for a in audit] == [
            ("invitation", str(world.invitation_id), f"refusal={recorded}")
        ]
    else:
        assert refused == [] and audit == []


def test_events_only_move_up_whatever_order_they_arrive_in(
    world: World, client: TestClient
) -> None:
    for event_type in ("email.bounced", "email.delivered", "email.sent"):
        assert _event(client, event_type, world.invitation_mail_id)[0] == 200
    with db.session_scope() as session:
        assert session.get_one(OutboxMessage, world.invitation_mail_id).delivery_event == "bounced"
        assert session.get_one(Invitation, world.invitation_id).status == InvitationStatus.BOUNCED


def test_a_duplicate_delivery_is_processed_once(world: World, client: TestClient) -> None:
    call = signed_call(
        TEST_WEBHOOK_SECRET, event_body("email.bounced", _resend_id(world.welcome_mail_id))
    )
    assert _post(client, call) == (200, "recorded")
    after_first = _snapshot()
    assert _post(client, call) == (200, "duplicate")
    assert _snapshot() == after_first
    assert after_first["events"] == 1 and after_first["audit"] == 1


def test_an_unknown_mail_is_acknowledged_and_ignored(world: World, client: TestClient) -> None:
    before = _snapshot()
    call = signed_call(TEST_WEBHOOK_SECRET, event_body("email.bounced", "re_not_ours"))
    assert _post(client, call) == (200, "unknown")
    after = _snapshot()
    assert after["events"] == 1  # its id is kept, so a redelivery is skipped too
    assert {**after, "events": 0} == {**before, "events": 0}


def test_other_event_types_are_acknowledged(world: World, client: TestClient) -> None:
    before = _snapshot()
    opened = event_body("email.opened", _resend_id(world.welcome_mail_id))
    assert _post(client, signed_call(TEST_WEBHOOK_SECRET, opened)) == (200, "ignored")
    assert {**_snapshot(), "events": 0} == {**before, "events": 0}


def test_a_signed_body_that_is_no_json_is_refused(world: World, client: TestClient) -> None:
    now, body = int(time.time()), b"not json"
    headers = {
        "svix-id": "msg_raw",
        "svix-timestamp": str(now),
        "svix-signature": sign(TEST_WEBHOOK_SECRET, "msg_raw", now, body),
    }
    before = _snapshot()
    assert client.post(WEBHOOK_PATH, content=body, headers=headers).status_code == 401
    assert _snapshot() == before


# -- a refused address: flagged, and no more mail until it is changed ----------------------------


def _queue_for_person(address: str | None = None) -> int:
    with db.session_scope() as session:
        person = session.get_one(User, _person_id())
        row = enqueue_message(
            session,
            _message("verify_email"),
            to_address=address or person.email or "",
            organisation_id=person.organisation_id,
            user_id=person.id,
        )
        return row.id or 0


def _person_id() -> int:
    with db.session_scope() as session:
        return session.exec(select(User.id).where(User.username == "person")).one() or 0


@pytest.mark.parametrize("event_type", ["email.bounced", "email.complained"])
def test_a_refused_address_is_flagged_and_gets_no_more_mail_until_changed(
    world: World, client: TestClient, event_type: str
) -> None:
    assert _event(client, event_type, world.welcome_mail_id) == (200, "recorded")
    with db.session_scope() as session:
        person = session.get_one(User, world.user_id)
        assert person.email_bounced_at is not None
        head = load_actor(session, world.head_id)
        assert head is not None
        profile = get_user_profile(session, actor=head, user_id=world.user_id)
        assert profile.email_bounced and profile.email_stopped
        assert profile.invitation_delivery == event_type.removeprefix("email.")
        audit = session.exec(
            select(AuditEvent).where(AuditEvent.action == "email_address_refused")
        ).one()
        assert (audit.target_user_id, audit.actor_user_id) == (world.user_id, None)

    # Mail to the address, even spelled otherwise, is stopped by the dispatcher, not sent.
    stopped = _queue_for_person(" " + PERSON.upper())
    calls = len(world.sender.calls)
    _dispatch(world.sender)
    assert len(world.sender.calls) == calls
    with db.session_scope() as session:
        row = session.get_one(OutboxMessage, stopped)
        assert (row.status, row.delivery_event) == (OutboxStatus.DEAD, event_type[6:])
        assert row.html_body == "[redacted]"
        assert len(session.exec(select(AuditEvent)).all()) == 1  # flagged once

    # The admin changes the address: mail flows to the new one, and the flag is gone.
    with db.session_scope() as session:
        person = session.get_one(User, world.user_id)
        assert assign_email(session, user=person, email="ny@example.se")
    fresh = _queue_for_person()
    _dispatch(world.sender)
    assert [m.outbox_id for m in world.sender.calls[calls:]] == [fresh]
    with db.session_scope() as session:
        assert session.get_one(OutboxMessage, fresh).status == OutboxStatus.SENT
        assert session.get_one(User, world.user_id).email_bounced_at is None


def test_a_resent_invitation_to_a_complaining_address_is_not_sent(
    world: World, client: TestClient
) -> None:
    assert _event(client, "email.complained", world.invitation_mail_id)[0] == 200
    with db.session_scope() as session:
        again = enqueue_message(
            session, _message("invitation"), to_address=INVITEE, organisation_id=None, user_id=None
        )
        invitation = session.get_one(Invitation, world.invitation_id)
        invitation.outbox_message_id, invitation.status = again.id, InvitationStatus.CREATED
        again_id = again.id or 0
    calls = len(world.sender.calls)
    _dispatch(world.sender)
    assert len(world.sender.calls) == calls
    with db.session_scope() as session:
        mail = session.get_one(OutboxMessage, again_id)
        invitation = session.get_one(Invitation, world.invitation_id)
        assert invitation.status == InvitationStatus.BOUNCED
        assert delivery_label(invitation.status, mail) == "complained"


def test_a_fresh_batch_loses_its_refused_member_and_is_keyed_anew(
    world: World, client: TestClient
) -> None:
    from admin_portal.mail.claims import batch_key_for

    assert _event(client, "email.bounced", world.welcome_mail_id)[0] == 200
    ids = [_queue_for_person(address) for address in ("a@example.se", PERSON, "b@example.se")]
    _dispatch(world.sender)
    last = world.sender.batch_calls[-1]
    assert last.outbox_ids == [ids[0], ids[2]]
    assert last.idempotency_key == batch_key_for([ids[0], ids[2]])
    with db.session_scope() as session:
        keys = {i: session.get_one(OutboxMessage, i).batch_key for i in ids}
    assert keys[ids[0]] == keys[ids[2]] == last.idempotency_key


def test_skicka_ny_inbjudan_to_a_refused_address_is_refused_with_the_reason(
    world: World, client: TestClient
) -> None:
    assert _event(client, "email.bounced", world.invitation_mail_id)[0] == 200
    assert _event(client, "email.complained", world.welcome_mail_id)[0] == 200
    with db.session_scope() as session:
        head = load_actor(session, world.head_id)
        assert head is not None
        with pytest.raises(ServiceError) as invitation_refused:
            resend_invitation(session, actor=head, invitation_id=world.invitation_id)
        with pytest.raises(ServiceError) as welcome_refused:
            send_invitation(session, actor=head, user_id=world.user_id)
    assert invitation_refused.value.key == "webhooks.invitation_address_refused"
    assert welcome_refused.value.key == "webhooks.address_refused"
    for key in (invitation_refused.value.key, welcome_refused.value.key):
        assert SV[key] != key and EN[key] != key


def test_processed_ids_are_forgotten_after_the_retention(world: World, client: TestClient) -> None:
    from admin_portal.mail.provider_events import WEBHOOK_ID_RETENTION, forget_old_webhook_ids

    call = signed_call(
        TEST_WEBHOOK_SECRET, event_body("email.delivered", _resend_id(world.welcome_mail_id))
    )
    assert _post(client, call) == (200, "recorded")
    with db.session_scope() as session:
        assert forget_old_webhook_ids(session, now=utcnow()) == 0
        later = utcnow() + WEBHOOK_ID_RETENTION + timedelta(minutes=1)
        assert forget_old_webhook_ids(session, now=later) == 1
        assert session.exec(select(MailWebhookEvent)).all() == []

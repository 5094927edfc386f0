"""The real Resend SDK against the fake Resend server: keys, retries, rate limits, rejections."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.config import get_settings
from admin_portal.mail.dispatcher import dispatch_due
from admin_portal.mail.messages import welcome_message
from admin_portal.mail.outbox import enqueue_message
from admin_portal.mail.senders import (
    OutgoingMail,
    PermanentSendError,
    ResendSender,
    TransientSendError,
    sender_from_settings,
)
from admin_portal.models import OutboxMessage, OutboxStatus
from tests.support.fake_resend import TEST_API_KEY, FakeResend, fetch_delivered, queue_failure
from tests.support.resend_keys import sent_key

T0 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _queue_welcome(engine: Engine, to: str = "anna@example.se") -> int:
    with Session(engine) as session:
        message = welcome_message(lang="sv", name="Anna", username="anna", raw_token="t0k")
        row = enqueue_message(session, message, to_address=to, organisation_id=None, user_id=None)
        session.commit()
        assert row.id is not None
        return row.id


def _row(engine: Engine, row_id: int) -> OutboxMessage:
    with Session(engine) as session:
        return session.get_one(OutboxMessage, row_id)


def test_one_mail_is_sent_with_the_outbox_rows_idempotency_key(
    engine: Engine, fake_resend: FakeResend
) -> None:
    row_id = _queue_welcome(engine)

    report = dispatch_due(engine, sender_from_settings(), now=T0)

    assert report.sent == 1
    [request] = fake_resend.send_requests
    assert request.path == "/emails"
    assert request.idempotency_key == sent_key(f"admin-portal-outbox-{row_id}")
    assert request.headers["Authorization"] == f"Bearer {TEST_API_KEY}"
    assert request.body["from"] == get_settings().mail_from
    assert request.body["to"] == ["anna@example.se"]
    assert request.body["subject"] == "Välkommen – välj ditt lösenord"
    assert "Hej Anna!" in request.body["text"] and "<html" in request.body["html"]
    [mail] = fake_resend.delivered
    row = _row(engine, row_id)
    assert (row.status, row.provider_message_id, row.sent_at) == (OutboxStatus.SENT, mail["id"], T0)


def test_a_500_is_retried_with_the_same_key_and_delivered_once(
    engine: Engine, fake_resend: FakeResend
) -> None:
    row_id = _queue_welcome(engine)
    fake_resend.fail_next(500)
    sender = sender_from_settings()

    first = dispatch_due(engine, sender, now=T0)
    after_failure = _row(engine, row_id)
    second = dispatch_due(engine, sender, now=after_failure.next_attempt_at)

    assert (first.retried, second.sent) == (1, 1)
    assert after_failure.status == OutboxStatus.PENDING
    assert after_failure.attempts == 1
    assert after_failure.last_error is not None and "500" in after_failure.last_error
    assert TEST_API_KEY not in after_failure.last_error
    keys = [r.idempotency_key for r in fake_resend.send_requests]
    assert keys == [sent_key(f"admin-portal-outbox-{row_id}")] * 2
    assert [r.status for r in fake_resend.send_requests] == [500, 200]
    assert len(fake_resend.delivered) == 1
    assert _row(engine, row_id).status == OutboxStatus.SENT


def test_a_repeated_send_with_the_same_key_is_answered_not_delivered_again(
    fake_resend: FakeResend,
) -> None:
    # What makes every retry above safe: Resend replays the first answer for a known key.
    sender = sender_from_settings()
    mail = OutgoingMail(7, "a@example.se", "Hej", "<p>Hej</p>", "Hej", "admin-portal-outbox-7")

    first = sender.send(mail)
    again = sender.send(mail)

    assert first.provider_message_id == again.provider_message_id
    assert len(fake_resend.send_requests) == 2
    assert len(fake_resend.delivered) == 1


def test_a_429_waits_for_its_retry_after(engine: Engine, fake_resend: FakeResend) -> None:
    row_id = _queue_welcome(engine)
    fake_resend.fail_next(429, retry_after=120)
    sender = sender_from_settings()

    # The dispatcher's default clock is the real one; time-machine moves it, no sleeping.
    with time_machine.travel(T0, tick=False) as traveller:
        limited = dispatch_due(engine, sender, rng=lambda: 0.0)
        traveller.shift(timedelta(seconds=119))
        too_early = dispatch_due(engine, sender)
        traveller.shift(timedelta(seconds=1))
        on_time = dispatch_due(engine, sender)

    assert (limited.retried, too_early.claimed, on_time.sent) == (1, 0, 1)
    assert [r.status for r in fake_resend.send_requests] == [429, 200]
    assert len(fake_resend.delivered) == 1
    row = _row(engine, row_id)
    assert row.sent_at == T0 + timedelta(seconds=120)


def test_the_sender_reports_retry_after_from_a_429(fake_resend: FakeResend) -> None:
    fake_resend.fail_next(429, retry_after=1)
    sender = sender_from_settings()
    mail = OutgoingMail(1, "a@example.se", "Hej", "<p>Hej</p>", "Hej", "admin-portal-outbox-1")

    with pytest.raises(TransientSendError) as caught:
        sender.send(mail)

    assert caught.value.retry_after == 1.0
    assert fake_resend.delivered == []


def test_a_422_dead_letters_the_mail(engine: Engine, fake_resend: FakeResend) -> None:
    row_id = _queue_welcome(engine)
    fake_resend.fail_next(422, name="validation_error", message="Invalid `to` field.")

    report = dispatch_due(engine, sender_from_settings(), now=T0)
    later = dispatch_due(engine, sender_from_settings(), now=T0 + timedelta(days=1))

    assert (report.dead, later.claimed) == (1, 0)
    row = _row(engine, row_id)
    assert (row.status, row.attempts) == (OutboxStatus.DEAD, 1)
    assert row.last_error == "resend 422 validation_error: Invalid `to` field."
    assert len(fake_resend.send_requests) == 1
    assert fake_resend.delivered == []


def test_a_dropped_connection_is_retried(engine: Engine, fake_resend: FakeResend) -> None:
    row_id = _queue_welcome(engine)
    fake_resend.disconnect_next()
    sender = sender_from_settings()

    first = dispatch_due(engine, sender, now=T0)
    second = dispatch_due(engine, sender, now=_row(engine, row_id).next_attempt_at)

    assert (first.retried, second.sent) == (1, 1)
    assert len(fake_resend.delivered) == 1


def test_an_unreachable_server_is_a_transient_error(fake_resend: FakeResend) -> None:
    fake_resend.stop()
    sender = sender_from_settings()
    mail = OutgoingMail(1, "a@example.se", "Hej", "<p>Hej</p>", "Hej", "admin-portal-outbox-1")

    with pytest.raises(TransientSendError, match="HttpClientError"):
        sender.send(mail)


def test_a_wrong_api_key_is_permanent_and_never_stored(fake_resend: FakeResend) -> None:
    key = "re_wrong_key_987654321"
    sender = ResendSender(api_key=key, api_url=fake_resend.url, mail_from="A <a@example.se>")
    mail = OutgoingMail(1, "a@example.se", "Hej", "<p>Hej</p>", "Hej", "admin-portal-outbox-1")

    with pytest.raises(PermanentSendError) as caught:
        sender.send(mail)

    assert "403" in str(caught.value)
    assert key not in str(caught.value)
    assert fake_resend.send_requests[0].headers["Authorization"] == f"Bearer {key}"


def test_the_fake_server_runs_as_a_process_for_other_test_suites() -> None:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.fake_resend",
            "--port",
            "0",
            "--api-key",
            "re_proc_key_1",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline().strip()
        assert line.startswith("FAKE_RESEND_URL=http://127.0.0.1:")
        url = line.split("=", 1)[1]
        queue_failure(url, status=503)
        sender = ResendSender(api_key="re_proc_key_1", api_url=url, mail_from="A <a@example.se>")
        mail = OutgoingMail(3, "b@example.se", "Hej", "<p>Hej</p>", "Hej", "admin-portal-outbox-3")

        with pytest.raises(TransientSendError):
            sender.send(mail)
        sender.send(mail)
        sender.send(mail)

        [delivered] = fetch_delivered(url)
        assert (delivered["to"], delivered["idempotency_key"]) == (
            ["b@example.se"],
            "admin-portal-outbox-3",
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    assert server.returncode == 0

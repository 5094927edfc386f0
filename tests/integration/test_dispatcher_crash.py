"""A dispatcher killed between the HTTP send and mark-sent: the mail goes out exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.mail.dispatcher import DEFAULT_LEASE, dispatch_due
from admin_portal.mail.messages import welcome_message
from admin_portal.mail.outbox import enqueue_message
from admin_portal.mail.senders import OutgoingMail, SendResult, sender_from_settings
from admin_portal.models import OutboxMessage, OutboxStatus
from tests.support.fake_resend import FakeResend
from tests.support.resend_keys import sent_key

T0 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class _Killed(BaseException):
    """Like SIGKILL: nothing in the dispatcher may catch it and record an outcome."""


class _DiesAfterSending:
    """Sends for real, then dies before the dispatcher can mark the row sent."""

    makes_requests = True

    def __init__(self) -> None:
        self.inner = sender_from_settings()

    def send(self, mail: OutgoingMail) -> SendResult:
        self.inner.send(mail)
        raise _Killed


def _queue_welcome(engine: Engine) -> int:
    with Session(engine) as session:
        message = welcome_message(lang="en", name="Sam", username="sam", raw_token="t0k")
        row = enqueue_message(
            session, message, to_address="sam@example.se", organisation_id=None, user_id=None
        )
        session.commit()
        assert row.id is not None
        return row.id


def _row(engine: Engine, row_id: int) -> OutboxMessage:
    with Session(engine) as session:
        return session.get_one(OutboxMessage, row_id)


def test_a_dispatcher_killed_after_sending_is_recovered_with_the_same_key(
    engine: Engine, fake_resend: FakeResend
) -> None:
    row_id = _queue_welcome(engine)

    with pytest.raises(_Killed):
        dispatch_due(engine, _DiesAfterSending(), now=T0)
    stranded = _row(engine, row_id)
    within_lease = dispatch_due(engine, sender_from_settings(), now=T0 + DEFAULT_LEASE / 2)
    recovered = dispatch_due(
        engine, sender_from_settings(), now=T0 + DEFAULT_LEASE + timedelta(seconds=1)
    )

    assert (stranded.status, stranded.claimed_at) == (OutboxStatus.SENDING, T0)
    assert within_lease.claimed == 0
    assert recovered.sent == 1
    keys = [r.idempotency_key for r in fake_resend.send_requests]
    assert keys == [sent_key(f"admin-portal-outbox-{row_id}")] * 2
    [mail] = fake_resend.delivered
    row = _row(engine, row_id)
    assert (row.status, row.provider_message_id, row.attempts) == (OutboxStatus.SENT, mail["id"], 2)


def test_a_worker_process_killed_mid_send_is_recovered_without_a_duplicate(
    engine: Engine, fake_resend: FakeResend
) -> None:
    row_id = _queue_welcome(engine)
    # The fake accepts the mail, then holds its answer back: the worker is killed while
    # waiting, exactly between Resend accepting the mail and the worker recording it.
    fake_resend.stall_next(10)
    env = {
        **os.environ,
        "ADMIN_PORTAL_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "admin_portal.worker", "--once"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        fake_resend.wait_for_delivered(1, timeout=20)
    finally:
        worker.send_signal(signal.SIGKILL)
        _, stderr = worker.communicate(timeout=10)

    stranded = _row(engine, row_id)
    recovered = dispatch_due(
        engine,
        sender_from_settings(),
        now=datetime.now(UTC) + DEFAULT_LEASE + timedelta(seconds=1),
    )

    assert worker.returncode == -signal.SIGKILL, stderr.decode()
    assert stranded.status == OutboxStatus.SENDING
    assert recovered.sent == 1
    keys = [r.idempotency_key for r in fake_resend.send_requests]
    assert keys == [sent_key(f"admin-portal-outbox-{row_id}")] * 2
    [mail] = fake_resend.delivered
    assert _row(engine, row_id).provider_message_id == mail["id"]


def test_the_worker_once_delivers_what_is_due_and_exits(
    engine: Engine, fake_resend: FakeResend
) -> None:
    row_id = _queue_welcome(engine)
    env = {
        **os.environ,
        "ADMIN_PORTAL_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "PYTHONPATH": str(PROJECT_ROOT),
    }

    done = subprocess.run(
        [sys.executable, "-m", "admin_portal.worker", "--once"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        timeout=30,
        check=False,
    )

    assert done.returncode == 0, done.stderr.decode()
    assert _row(engine, row_id).status == OutboxStatus.SENT
    assert len(fake_resend.delivered) == 1
    assert fake_resend.delivered[0]["to"] == ["sam@example.se"]
    assert b"re_test" not in done.stderr  # the key never reaches the log


def test_the_worker_stops_cleanly_on_sigterm(engine: Engine) -> None:
    env = {
        **os.environ,
        "ADMIN_PORTAL_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    env.pop("ADMIN_PORTAL_RESEND_API_KEY", None)  # local mailbox: no server needed
    worker = subprocess.Popen(
        [sys.executable, "-m", "admin_portal.worker", "--poll-seconds", "30"],
        cwd=PROJECT_ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stderr is not None
        for line in worker.stderr:  # handlers are installed once the loop has started
            if "worker started" in line:
                break
        worker.send_signal(signal.SIGTERM)
        rest = worker.communicate(timeout=5)[1]
    finally:
        if worker.poll() is None:
            worker.kill()

    assert worker.returncode == 0
    assert "worker stopped" in rest

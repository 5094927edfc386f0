"""Batches through the real Resend SDK against the fake server: sizes, keys, crashes, fallback."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from admin_portal.mail.claims import batch_key_for
from admin_portal.mail.dispatcher import DEFAULT_LEASE, DispatchReport, dispatch_due
from admin_portal.mail.messages import welcome_message
from admin_portal.mail.outbox import enqueue_message
from admin_portal.mail.pacing import RateLimiter
from admin_portal.mail.senders import (
    OutgoingMail,
    PermanentSendError,
    SendResult,
    sender_from_settings,
)
from admin_portal.migrations import upgrade
from admin_portal.models import OutboxMessage, OutboxStatus, User
from tests.support.crash_senders import DiesAfterBatch, Killed
from tests.support.factories import make_company, make_org, make_user
from tests.support.fake_resend import TEST_API_KEY, FakeResend, fetch_batches
from tests.support.memory_sender import MemorySender
from tests.support.resend_keys import sent_key

T0 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
AFTER_LEASE = T0 + DEFAULT_LEASE + timedelta(seconds=1)


def _queue(engine: Engine, addresses: Sequence[str], *, user_id: int | None = None) -> list[int]:
    with Session(engine) as session:
        message = welcome_message(lang="sv", name="Anna", username="anna", raw_token="t0k")
        ids = []
        for to in addresses:
            row = enqueue_message(
                session, message, to_address=to, organisation_id=None, user_id=user_id
            )
            assert row.id is not None
            ids.append(row.id)
        session.commit()
    return ids


def _many(engine: Engine, count: int, prefix: str = "user") -> list[int]:
    return _queue(engine, [f"{prefix}{i}@example.se" for i in range(count)])


def _rows(engine: Engine, ids: Sequence[int]) -> list[OutboxMessage]:
    with Session(engine) as session:
        found = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))).all()
        return sorted(found, key=lambda row: row.id or 0)


def _dispatch(engine: Engine, now: datetime = T0, *, limit: int | None = None) -> DispatchReport:
    # No waiting between requests here; the rate itself is tested at the end.
    return dispatch_due(
        engine, sender_from_settings(), now=now, limit=limit, rate_limiter=RateLimiter(0)
    )


def test_250_recipients_are_sent_in_exactly_three_batch_calls_with_stable_keys(
    engine: Engine, fake_resend: FakeResend
) -> None:
    ids = _many(engine, 250)

    while dispatch_due(engine, sender_from_settings(), now=T0, rate_limiter=RateLimiter(0)).busy:
        pass

    batches = fetch_batches(fake_resend.url)  # over HTTP, as another process would see it
    assert [b["size"] for b in batches] == [100, 100, 50]
    assert [b["status"] for b in batches] == [200, 200, 200]
    assert [b["idempotency_key"] for b in batches] == [
        sent_key(batch_key_for(ids[:100])),
        sent_key(batch_key_for(ids[100:200])),
        sent_key(batch_key_for(ids[200:])),
    ]
    assert [r.path for r in fake_resend.send_requests] == ["/emails/batch"] * 3
    assert fake_resend.send_requests[0].headers["Authorization"] == f"Bearer {TEST_API_KEY}"
    delivered = {m["id"]: m for m in fake_resend.delivered}
    assert len(delivered) == 250
    for row in _rows(engine, ids):
        assert row.status == OutboxStatus.SENT
        # Ids come back in request order: each row holds the id of its own mail.
        assert delivered[row.provider_message_id or ""]["to"] == [row.to_address]


def test_a_repeated_batch_is_answered_from_the_cache_and_sends_nothing_new(
    fake_resend: FakeResend,
) -> None:
    sender = sender_from_settings()
    mails = [
        OutgoingMail(i, f"u{i}@example.se", "Hej", "<p>Hej</p>", "Hej", f"k{i}") for i in (1, 2)
    ]
    key = batch_key_for([1, 2])

    first = sender.send_batch(mails, idempotency_key=key)
    again = sender.send_batch(mails, idempotency_key=key)
    with pytest.raises(PermanentSendError, match="409 invalid_idempotent_request"):
        sender.send_batch(mails[:1], idempotency_key=key)

    assert first == again
    assert [(b.size, b.replayed) for b in fake_resend.batches] == [
        (2, False),
        (2, True),
        (1, False),
    ]
    assert len(fake_resend.delivered) == 2


def test_the_fake_refuses_more_than_100_mails_in_one_batch(fake_resend: FakeResend) -> None:
    mail = {"from": "a@example.se", "to": ["b@example.se"], "subject": "s", "text": "t"}
    request = urllib.request.Request(  # noqa: S310
        f"{fake_resend.url}/emails/batch",
        data=json.dumps([mail] * 101).encode(),
        headers={"Authorization": f"Bearer {TEST_API_KEY}", "Content-Type": "application/json"},
        method="POST",
    )

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310

    assert caught.value.code == 422
    assert fake_resend.delivered == []


class _DiesAfterSending:
    """Sends the batch for real, then dies before the dispatcher can record it."""

    makes_requests = True

    def __init__(self) -> None:
        self.inner = sender_from_settings()

    def send(self, mail: OutgoingMail) -> SendResult:
        raise AssertionError("a batch of several mails is sent as a batch")

    def send_batch(
        self, mails: Sequence[OutgoingMail], *, idempotency_key: str
    ) -> list[SendResult]:
        self.inner.send_batch(mails, idempotency_key=idempotency_key)
        raise Killed


def test_a_batch_stranded_by_a_crash_is_resent_with_the_same_key_and_delivered_once(
    engine: Engine, fake_resend: FakeResend
) -> None:
    ids = _many(engine, 3)
    with pytest.raises(Killed):
        dispatch_due(engine, _DiesAfterSending(), now=T0, rate_limiter=RateLimiter(0))
    stranded = _rows(engine, ids)

    within_lease = _dispatch(engine, T0 + DEFAULT_LEASE / 2)
    recovered = dispatch_due(
        engine, sender_from_settings(), now=AFTER_LEASE, rate_limiter=RateLimiter(0)
    )

    assert {(r.status, r.batch_key) for r in stranded} == {
        (OutboxStatus.SENDING, batch_key_for(ids))
    }
    assert (within_lease.claimed, recovered.sent) == (0, 3)
    assert [(b.idempotency_key, b.replayed) for b in fake_resend.batches] == [
        (sent_key(batch_key_for(ids)), False),
        (sent_key(batch_key_for(ids)), True),
    ]
    assert len(fake_resend.delivered) == 3
    delivered_ids = {m["id"] for m in fake_resend.delivered}
    assert {r.provider_message_id for r in _rows(engine, ids)} == delivered_ids


def test_rows_marked_as_stranded_are_recovered_as_the_same_batch(
    engine: Engine, fake_resend: FakeResend
) -> None:
    ids = _many(engine, 2)
    newcomer = _many(engine, 1, prefix="new")
    key = batch_key_for(ids)
    # What a dispatcher killed after Resend accepted the batch leaves behind.
    with Session(engine) as session:
        mails = [OutgoingMail.from_row(session.get_one(OutboxMessage, i)) for i in ids]
        sender_from_settings().send_batch(mails, idempotency_key=key)
        for row_id in ids:
            row = session.get_one(OutboxMessage, row_id)
            row.status, row.claimed_at, row.attempts, row.batch_key = (
                OutboxStatus.SENDING,
                T0,
                1,
                key,
            )
        session.commit()

    report = _dispatch(engine, AFTER_LEASE, limit=10)

    assert report.sent == 3
    assert [(b.idempotency_key, b.size, b.replayed) for b in fake_resend.batches] == [
        (sent_key(key), 2, False),
        (sent_key(key), 2, True),
    ]
    # The newcomer went alone: it could not join the stranded batch.
    assert fake_resend.send_requests[-1].idempotency_key == sent_key(
        f"admin-portal-outbox-{newcomer[0]}"
    )
    assert len(fake_resend.delivered) == 3


def test_a_500_retries_the_same_batch_with_the_same_key(
    engine: Engine, fake_resend: FakeResend
) -> None:
    ids = _many(engine, 3)
    fake_resend.fail_next(500)

    first = _dispatch(engine)
    waiting = _rows(engine, ids)
    second = _dispatch(engine, waiting[0].next_attempt_at)

    assert (first.retried, second.sent) == (3, 3)
    assert len({r.next_attempt_at for r in waiting}) == 1
    assert [(b.idempotency_key, b.size, b.status) for b in fake_resend.batches] == [
        (sent_key(batch_key_for(ids)), 3, 500),
        (sent_key(batch_key_for(ids)), 3, 200),
    ]
    assert len(fake_resend.delivered) == 3


def test_one_bad_address_dies_alone_and_marks_its_user_bounced(
    engine: Engine, fake_resend: FakeResend
) -> None:
    with Session(engine) as session:
        company = make_company(session, make_org(session))
        user_id = make_user(session, company, email="Anna@@Example.se").id  # a typo
        session.commit()
    good = _many(engine, 2)
    [bad] = _queue(engine, ["anna@@example.se"], user_id=user_id)  # the same, case aside

    report = _dispatch(engine)

    assert (report.batches, report.sent, report.dead) == (1, 2, 1)
    assert [(r.path, r.status) for r in fake_resend.send_requests] == [
        ("/emails/batch", 422),
        ("/emails", 200),
        ("/emails", 200),
        ("/emails", 422),
    ]
    assert [r.idempotency_key for r in fake_resend.send_requests[1:]] == [
        sent_key(f"admin-portal-outbox-{i}") for i in (*good, bad)
    ]
    dead = _rows(engine, [bad])[0]
    assert dead.status == OutboxStatus.DEAD
    assert dead.last_error is not None and dead.last_error.startswith(
        "resend 422 validation_error: Invalid `to` field."
    )
    assert {r.status for r in _rows(engine, good)} == {OutboxStatus.SENT}
    assert len(fake_resend.delivered) == 2
    with Session(engine) as session:
        assert session.get_one(User, user_id).email_bounced_at == T0


def test_batch_requests_respect_the_request_rate(engine: Engine, fake_resend: FakeResend) -> None:
    _many(engine, 5)
    clock = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    limiter = RateLimiter(2.0, clock=lambda: clock[0], sleep=sleep)

    report = dispatch_due(
        engine, sender_from_settings(), now=T0, limit=5, batch_size=2, rate_limiter=limiter
    )

    # Two batches and a lone mail: three requests, two half-second waits.
    assert (report.sent, report.batches) == (5, 2)
    assert [r.path for r in fake_resend.send_requests] == ["/emails/batch"] * 2 + ["/emails"]
    assert sleeps == [0.5, 0.5]


# -- PostgreSQL: the claim's SQL (FOR UPDATE SKIP LOCKED, the all-or-nothing group UPDATE) ------


def test_on_postgresql_concurrent_dispatchers_split_batches_and_recover_them_whole(
    pg_database_url: str, pg_engine: Engine
) -> None:
    upgrade(pg_database_url, keep_logging=True)
    ids = _many(pg_engine, 150)
    senders = [DiesAfterBatch(), DiesAfterBatch()]
    barrier = threading.Barrier(2)

    def crash(sender: DiesAfterBatch) -> None:
        barrier.wait()
        with contextlib.suppress(Killed):
            dispatch_due(pg_engine, sender, now=T0, rate_limiter=RateLimiter(0))

    threads = [threading.Thread(target=crash, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    first_batches = [call for s in senders for call in s.batch_calls]
    survivor = MemorySender()
    for sender in senders:  # the survivor's "Resend" has seen what the dead ones sent
        survivor.batch_calls.extend(sender.batch_calls)
    recovered = [
        dispatch_due(pg_engine, survivor, now=AFTER_LEASE, rate_limiter=RateLimiter(0))
        for _ in range(3)
    ]

    sent_ids = sorted(i for call in first_batches for i in call.outbox_ids)
    assert sent_ids == sorted(ids)  # every row in exactly one batch, none in two
    assert sorted(r.claimed for r in recovered) == [0, 50, 100]
    resent = survivor.batch_calls[len(first_batches) :]
    assert sorted((c.idempotency_key, c.outbox_ids) for c in resent) == sorted(
        (c.idempotency_key, c.outbox_ids) for c in first_batches
    )
    assert {r.status for r in _rows(pg_engine, ids)} == {OutboxStatus.SENT}

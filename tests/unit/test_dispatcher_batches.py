"""The dispatcher sends in batches: stable keys, crash recovery, retries, fallback, bounces, rate."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from admin_portal.mail.claims import batch_key_for
from admin_portal.mail.dispatcher import DEFAULT_LEASE, dispatch_due
from admin_portal.mail.messages import welcome_message
from admin_portal.mail.outbox import cancel_pending_for_user, enqueue_message
from admin_portal.mail.pacing import RateLimiter
from admin_portal.mail.senders import (
    LocalMailboxSender,
    OutgoingMail,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from admin_portal.models import OutboxMessage, OutboxStatus, User
from tests.support.crash_senders import DiesAfterBatch, Killed
from tests.support.factories import make_company, make_org, make_user
from tests.support.memory_sender import MemorySender

T0 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)
AFTER_LEASE = T0 + DEFAULT_LEASE + timedelta(seconds=1)


def _queue(engine: Engine, count: int, *, to: str = "user{i}@example.se") -> list[int]:
    with Session(engine) as session:
        message = welcome_message(lang="sv", name="Anna", username="anna", raw_token="t0k")
        ids = []
        for i in range(count):
            row = enqueue_message(
                session, message, to_address=to.format(i=i), organisation_id=None, user_id=None
            )
            assert row.id is not None
            ids.append(row.id)
        session.commit()
    return ids


def _rows(engine: Engine, ids: Sequence[int]) -> list[OutboxMessage]:
    with Session(engine) as session:
        found = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))).all()
        return sorted(found, key=lambda row: row.id or 0)


def _no_limit() -> RateLimiter:
    return RateLimiter(0)


def _drain(engine: Engine, sender: MemorySender, **kwargs: object) -> int:
    """Dispatch until nothing is due, like the worker's --once; return how many calls it took."""
    calls = 0
    while dispatch_due(engine, sender, now=T0, rate_limiter=_no_limit(), **kwargs).busy:  # type: ignore[arg-type]
        calls += 1
    return calls


# -- batching ------------------------------------------------------------------------------------


def test_250_due_mails_go_out_in_three_batches_of_100_100_and_50(engine: Engine) -> None:
    ids = _queue(engine, 250)
    sender = MemorySender()

    calls = _drain(engine, sender)

    assert calls == 3
    assert [len(call.mails) for call in sender.batch_calls] == [100, 100, 50]
    assert [call.outbox_ids for call in sender.batch_calls] == [ids[:100], ids[100:200], ids[200:]]
    assert [call.idempotency_key for call in sender.batch_calls] == [
        batch_key_for(ids[:100]),
        batch_key_for(ids[100:200]),
        batch_key_for(ids[200:]),
    ]
    rows = _rows(engine, ids)
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    assert len({row.provider_message_id for row in rows}) == 250
    assert rows[0].batch_key == rows[99].batch_key == batch_key_for(ids[:100])
    assert len(sender.delivered) == 250


def test_one_call_with_a_larger_limit_sends_several_batches(engine: Engine) -> None:
    ids = _queue(engine, 5)
    sender = MemorySender()

    report = dispatch_due(engine, sender, now=T0, limit=5, batch_size=2, rate_limiter=_no_limit())

    assert (report.claimed, report.sent, report.batches) == (5, 5, 2)
    assert [call.outbox_ids for call in sender.batch_calls] == [ids[:2], ids[2:4]]
    # The odd one out has no partner: it goes alone, under its row's own key.
    assert [m.idempotency_key for m in sender.calls[4:]] == [f"admin-portal-outbox-{ids[4]}"]
    assert _rows(engine, ids[4:])[0].batch_key is None


def test_the_batch_key_depends_only_on_the_set_of_ids() -> None:
    key = batch_key_for([3, 1, 2])

    assert key == batch_key_for([1, 2, 3])
    assert key != batch_key_for([1, 2])
    assert key.startswith("admin-portal-batch-")
    assert len(key) <= 100  # fits the batch_key column and Resend's 256-character limit


def test_the_local_mailbox_keeps_a_batch_local_without_waiting(engine: Engine) -> None:
    ids = _queue(engine, 3)
    sleeps: list[float] = []
    limiter = RateLimiter(1.0, clock=lambda: 0.0, sleep=sleeps.append)

    report = dispatch_due(engine, LocalMailboxSender(), now=T0, rate_limiter=limiter)

    assert (report.local, report.batches, sleeps) == (3, 1, [])
    assert {row.status for row in _rows(engine, ids)} == {OutboxStatus.LOCAL}


# -- crash recovery ------------------------------------------------------------------------------


def test_a_batch_stranded_by_a_crash_is_resent_whole_with_the_same_key(engine: Engine) -> None:
    ids = _queue(engine, 3)
    sender = DiesAfterBatch(times=1)
    with pytest.raises(Killed):
        dispatch_due(engine, sender, now=T0, rate_limiter=_no_limit())
    stranded = _rows(engine, ids)
    later = _queue(engine, 2, to="later{i}@example.se")  # must not join the stranded batch

    within_lease = dispatch_due(engine, sender, now=T0 + DEFAULT_LEASE / 2, limit=10)
    recovered = dispatch_due(engine, sender, now=AFTER_LEASE, limit=10)

    assert {(r.status, r.claimed_at, r.batch_key) for r in stranded} == {
        (OutboxStatus.SENDING, T0, batch_key_for(ids))
    }
    assert (within_lease.claimed, recovered.claimed, recovered.sent) == (2, 3, 3)
    assert [(c.outbox_ids, c.idempotency_key) for c in sender.batch_calls] == [
        (ids, batch_key_for(ids)),
        (later, batch_key_for(later)),
        (ids, batch_key_for(ids)),
    ]
    assert len(sender.delivered) == 5  # the resent batch was answered, not delivered again
    assert {(r.status, r.attempts) for r in _rows(engine, ids)} == {(OutboxStatus.SENT, 2)}


def test_recovery_reuses_the_key_so_nothing_is_delivered_twice(engine: Engine) -> None:
    ids = _queue(engine, 4)
    sender = MemorySender()
    key = batch_key_for(ids)
    # As a dispatcher killed after Resend accepted the batch leaves it: delivered, yet
    # SENDING under an old claim with the batch key stored.
    with Session(engine) as session:
        mails = [OutgoingMail.from_row(session.get_one(OutboxMessage, i)) for i in ids]
        sender.send_batch(mails, idempotency_key=key)
        for row_id in ids:
            row = session.get_one(OutboxMessage, row_id)
            row.status, row.claimed_at, row.attempts, row.batch_key = (
                OutboxStatus.SENDING,
                T0,
                1,
                key,
            )
        session.commit()
    first_ids = {m.outbox_id: m for m in sender.delivered}

    report = dispatch_due(engine, sender, now=AFTER_LEASE, rate_limiter=_no_limit())

    assert (report.claimed, report.sent) == (4, 4)
    assert [call.idempotency_key for call in sender.batch_calls] == [key, key]
    assert sender.batch_calls[0].mails == sender.batch_calls[1].mails
    assert len(sender.delivered) == 4 and set(first_ids) == set(ids)
    rows = _rows(engine, ids)
    assert {(r.status, r.attempts) for r in rows} == {(OutboxStatus.SENT, 2)}


def test_a_batch_partly_held_by_another_dispatcher_is_left_alone(engine: Engine) -> None:
    ids = _queue(engine, 2)
    key = batch_key_for(ids)
    with Session(engine) as session:
        held, waiting = (session.get_one(OutboxMessage, i) for i in ids)
        held.status, held.claimed_at, held.attempts, held.batch_key = (
            OutboxStatus.SENDING,
            T0,
            1,
            key,
        )
        waiting.status, waiting.attempts, waiting.batch_key = OutboxStatus.PENDING, 1, key
        session.commit()
    sender = MemorySender()

    report = dispatch_due(engine, sender, now=T0 + timedelta(minutes=1))

    # Resending only `waiting` under another key could deliver it twice.
    assert report.claimed == 0
    assert sender.calls == []


def test_claims_of_later_batches_are_handed_back_when_time_runs_out(engine: Engine) -> None:
    ids = _queue(engine, 4)

    class Slow(MemorySender):
        def send_batch(
            self, mails: Sequence[OutgoingMail], *, idempotency_key: str
        ) -> list[SendResult]:
            time.sleep(1.2)
            return super().send_batch(mails, idempotency_key=idempotency_key)

    # Margins in whole seconds, not milliseconds: on a loaded machine the claim alone can
    # take longer than 50 ms, and the first batch must still start inside half the lease.
    sender = Slow()
    report = dispatch_due(engine, sender, now=T0, limit=4, batch_size=2, lease=timedelta(seconds=2))
    released = _rows(engine, ids[2:])
    again = dispatch_due(engine, sender, now=T0, rate_limiter=_no_limit())

    assert (report.claimed, report.sent, report.released) == (4, 2, 2)
    assert {(r.status, r.attempts, r.batch_key) for r in released} == {
        (OutboxStatus.PENDING, 0, batch_key_for(ids[2:]))
    }
    assert again.sent == 2
    assert sender.batch_calls[-1].idempotency_key == batch_key_for(ids[2:])


# -- retries -------------------------------------------------------------------------------------


def test_a_transient_failure_retries_the_same_batch_with_the_same_key(engine: Engine) -> None:
    ids = _queue(engine, 3)
    sender = MemorySender()
    sender.fail_next(TransientSendError("resend 503 service_unavailable: down"))

    failed = dispatch_due(engine, sender, now=T0, rng=lambda: 0.0, rate_limiter=_no_limit())
    waiting = _rows(engine, ids)
    newcomers = _queue(engine, 2, to="new{i}@example.se")
    retry_at = waiting[0].next_attempt_at
    retried = dispatch_due(engine, sender, now=retry_at, limit=10, rate_limiter=_no_limit())

    assert failed.retried == 3
    assert {(r.status, r.batch_key, r.next_attempt_at) for r in waiting} == {
        (OutboxStatus.PENDING, batch_key_for(ids), retry_at)
    }
    assert retried.sent == 5
    keys = [call.idempotency_key for call in sender.batch_calls]
    assert keys[:2] == [batch_key_for(ids)] * 2
    assert sender.batch_calls[1].outbox_ids == ids  # the same batch, not mixed with newcomers
    assert sender.batch_calls[2].outbox_ids == newcomers
    assert len(sender.delivered) == 5


def test_rows_tried_alone_are_retried_alone(engine: Engine) -> None:
    [lone] = _queue(engine, 1)
    sender = MemorySender()
    sender.fail_next(TransientSendError("resend 502"))
    dispatch_due(engine, sender, now=T0, rng=lambda: 0.0, rate_limiter=_no_limit())
    newcomers = _queue(engine, 2, to="new{i}@example.se")

    report = dispatch_due(engine, sender, now=AFTER_LEASE, limit=3, rate_limiter=_no_limit())

    # Its first try went out under its own key; only that key can be answered from the cache.
    assert report.sent == 3
    assert [m.idempotency_key for m in sender.calls if m.outbox_id == lone] == [
        f"admin-portal-outbox-{lone}"
    ] * 2
    assert [call.outbox_ids for call in sender.batch_calls] == [newcomers]


def test_rows_out_of_attempts_die_and_the_rest_of_their_batch_retries_together(
    engine: Engine, configure: Callable[..., None]
) -> None:
    configure(mail_max_attempts=3)
    spent, *rest = ids = _queue(engine, 3)
    with Session(engine) as session:
        for row_id in ids:
            row = session.get_one(OutboxMessage, row_id)
            row.attempts, row.batch_key = (2 if row_id == spent else 1), batch_key_for(ids)
        session.commit()
    sender = MemorySender()
    sender.fail_next(TransientSendError("resend 500 application_error"))

    failed = dispatch_due(engine, sender, now=T0, rng=lambda: 0.0, rate_limiter=_no_limit())
    dead, *waiting = _rows(engine, ids)
    retried = dispatch_due(engine, sender, now=AFTER_LEASE, rate_limiter=_no_limit())

    assert (failed.dead, failed.retried, retried.sent) == (1, 2, 2)
    assert (dead.status, dead.last_error) == (
        OutboxStatus.DEAD,
        "gave up after 3 attempts: resend 500 application_error",
    )
    assert {(r.status, r.batch_key) for r in waiting} == {
        (OutboxStatus.PENDING, batch_key_for(ids))
    }
    assert len({r.next_attempt_at for r in waiting}) == 1
    # Two mails are another request than three: a new key, or Resend would answer 409.
    assert [c.idempotency_key for c in sender.batch_calls] == [
        batch_key_for(ids),
        batch_key_for(rest),
    ]


def test_a_batch_that_lost_a_cancelled_row_goes_out_under_a_new_key(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        leaver, leaver_row = _user_with_mail(session, "leaver@example.se")
        session.commit()
    ids = [leaver_row, *_queue(engine, 2)]
    sender = MemorySender()
    sender.fail_next(TransientSendError("resend 503"))
    dispatch_due(engine, sender, now=T0, rng=lambda: 0.0, rate_limiter=_no_limit())
    with Session(engine) as session:
        assert leaver.id is not None
        cancel_pending_for_user(session, user_id=leaver.id)
        session.commit()

    report = dispatch_due(engine, sender, now=AFTER_LEASE, rate_limiter=_no_limit())

    assert report.sent == 2
    assert [c.idempotency_key for c in sender.batch_calls] == [
        batch_key_for(ids),
        batch_key_for(ids[1:]),
    ]
    assert {r.batch_key for r in _rows(engine, ids[1:])} == {batch_key_for(ids[1:])}


# -- a rejected batch and bounces ----------------------------------------------------------------


def _user_with_mail(session: Session, email: str, to: str | None = None) -> tuple[User, int]:
    company = make_company(session, make_org(session, name=f"Org {email}"))
    user = make_user(session, company, email=email)
    assert user.id is not None
    message = welcome_message(lang="sv", name="Anna", username="anna", raw_token="t0k")
    row = enqueue_message(
        session, message, to_address=to or email, organisation_id=None, user_id=user.id
    )
    assert row.id is not None
    return user, row.id


def test_a_rejected_batch_is_resent_row_by_row_and_only_the_bad_row_dies(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        good, good_row = _user_with_mail(session, "good@example.se")
        bad, bad_row = _user_with_mail(session, "Bad@Example.se", to="bad@example.SE")
        session.commit()
    other_rows = _queue(engine, 2)
    sender = MemorySender(reject={"bad@example.SE"})

    report = dispatch_due(engine, sender, now=T0, rate_limiter=_no_limit())

    assert (report.batches, report.sent, report.dead) == (1, 3, 1)
    assert len(sender.calls) == 4 + 4  # the batch, then each row alone
    assert [m.idempotency_key for m in sender.calls[4:]] == [
        f"admin-portal-outbox-{i}" for i in (good_row, bad_row, *other_rows)
    ]
    rows = {r.id: r for r in _rows(engine, [good_row, bad_row, *other_rows])}
    assert rows[bad_row].status == OutboxStatus.DEAD
    assert rows[bad_row].last_error == "memory 422 validation_error: Invalid `to` field."
    assert {rows[i].status for i in (good_row, *other_rows)} == {OutboxStatus.SENT}
    # Sent alone from here on: a crash now must not recover them as a batch.
    assert {r.batch_key for r in rows.values()} == {None}
    with Session(engine) as session:
        assert session.get_one(User, bad.id).email_bounced_at == T0
        assert session.get_one(User, good.id).email_bounced_at is None


def test_a_bounce_is_not_recorded_for_an_address_the_user_no_longer_has(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        user, row_id = _user_with_mail(session, "old@example.se")
        session.commit()
        session.get_one(User, user.id).email = "new@example.se"
        session.commit()
    sender = MemorySender(reject={"old@example.se"})

    report = dispatch_due(engine, sender, now=T0)

    assert report.dead == 1
    with Session(engine) as session:
        assert session.get_one(User, user.id).email_bounced_at is None


def test_a_rejection_that_is_not_about_the_recipient_is_no_bounce(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        user, _ = _user_with_mail(session, "anna@example.se")
        session.commit()
    sender = MemorySender()
    sender.fail_next(PermanentSendError("resend 403 invalid_api_key: API key is invalid."))

    report = dispatch_due(engine, sender, now=T0)

    assert report.dead == 1
    with Session(engine) as session:
        assert session.get_one(User, user.id).email_bounced_at is None


# -- rate limit ----------------------------------------------------------------------------------


def _fake_time() -> tuple[RateLimiter, list[float]]:
    clock = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    return RateLimiter(2.0, clock=lambda: clock[0], sleep=sleep), sleeps


def test_each_batch_request_waits_its_turn_across_calls(engine: Engine) -> None:
    _queue(engine, 250)
    limiter, sleeps = _fake_time()
    sender = MemorySender(makes_requests=True)

    while dispatch_due(engine, sender, now=T0, rate_limiter=limiter).busy:
        pass

    # Three requests at 2 per second: the second and third each wait half a second.
    assert len(sender.batch_calls) == 3
    assert sleeps == [0.5, 0.5]


def test_the_row_by_row_fallback_is_rate_limited_per_request(engine: Engine) -> None:
    _queue(engine, 2)
    _queue(engine, 1, to="broken")
    limiter, sleeps = _fake_time()
    sender = MemorySender(makes_requests=True, reject={"broken"})

    report = dispatch_due(engine, sender, now=T0, rate_limiter=limiter)

    # One batch request and three single ones: three waits between four requests.
    assert (report.batches, report.sent, report.dead) == (1, 2, 1)
    assert sleeps == [0.5, 0.5, 0.5]

"""Outbox and dispatcher with in-memory senders: transactions, retries, dead letters, local mode."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from resend.exceptions import ResendError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.mail.dispatcher import dispatch_due, run_forever
from admin_portal.mail.messages import welcome_message
from admin_portal.mail.outbox import cancel_pending_for_user, enqueue_message
from admin_portal.mail.pacing import BACKOFF_CAP_SECONDS, RateLimiter, backoff_seconds
from admin_portal.mail.senders import (
    LocalMailboxSender,
    OutgoingMail,
    PermanentSendError,
    ResendSender,
    SendResult,
    TransientSendError,
    classify_resend_error,
    retry_after_seconds,
    sender_from_settings,
)
from admin_portal.models import OutboxMessage, OutboxStatus
from tests.support.crash_senders import DiesWhileSending, Killed
from tests.support.factories import make_company, make_org, make_user
from tests.support.memory_sender import MemorySender

T0 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)


def _enqueue(session: Session, *, to: str = "anna@example.se", user_id: int | None = None) -> int:
    message = welcome_message(lang="sv", name="Anna", username="anna", raw_token="t0k")
    row = enqueue_message(session, message, to_address=to, organisation_id=None, user_id=user_id)
    assert row.id is not None
    return row.id


def _committed(engine: Engine, count: int = 1) -> list[int]:
    with Session(engine) as session:
        ids = [_enqueue(session, to=f"user{i}@example.se") for i in range(count)]
        session.commit()
    return ids


def _row(engine: Engine, row_id: int) -> OutboxMessage:
    with Session(engine) as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row


def _fixed(value: float) -> Callable[[], float]:
    return lambda: value


# -- outbox ----------------------------------------------------------------------------------


def test_mail_enqueued_in_a_rolled_back_transaction_is_never_sent(
    engine: Engine, session: Session
) -> None:
    _enqueue(session)
    session.rollback()
    sender = MemorySender()

    report = dispatch_due(engine, sender, now=T0)

    assert report.claimed == 0
    assert sender.calls == []
    assert session.exec(select(OutboxMessage)).all() == []


def test_mail_enqueued_in_a_committed_transaction_is_sent_once(engine: Engine) -> None:
    [row_id] = _committed(engine)
    sender = MemorySender()

    first = dispatch_due(engine, sender, now=T0)
    second = dispatch_due(engine, sender, now=T0 + timedelta(hours=1))

    assert (first.claimed, first.sent, second.claimed) == (1, 1, 0)
    row = _row(engine, row_id)
    assert row.status == OutboxStatus.SENT
    assert row.provider_message_id == "memory-1"
    assert row.sent_at == T0
    assert row.attempts == 1
    assert row.claimed_at is None
    [mail] = sender.delivered
    assert mail.to == "user0@example.se"
    assert mail.idempotency_key == f"admin-portal-outbox-{row_id}"
    assert "Hej Anna!" in mail.text and "<html" in mail.html


def test_a_naive_now_is_taken_as_utc(engine: Engine) -> None:
    [row_id] = _committed(engine)

    report = dispatch_due(engine, MemorySender(), now=T0.replace(tzinfo=None))

    assert report.sent == 1
    assert _row(engine, row_id).sent_at == T0


def test_cancel_pending_for_user_stops_only_that_users_pending_mail(
    engine: Engine, session: Session
) -> None:
    company = make_company(session, make_org(session))
    removed = make_user(session, company, email="gone@example.se")
    kept = make_user(session, company, email="kept@example.se")
    assert removed.id is not None and kept.id is not None
    pending = [_enqueue(session, to="gone@example.se", user_id=removed.id) for _ in range(2)]
    already_sent = _enqueue(session, to="gone@example.se", user_id=removed.id)
    session.get_one(OutboxMessage, already_sent).status = OutboxStatus.SENT
    other = _enqueue(session, to="kept@example.se", user_id=kept.id)
    session.commit()

    cancelled = cancel_pending_for_user(session, user_id=removed.id)
    session.commit()
    sender = MemorySender()
    dispatch_due(engine, sender, now=T0)

    assert cancelled == 2
    assert [m.outbox_id for m in sender.calls] == [other]
    assert {_row(engine, i).status for i in pending} == {OutboxStatus.CANCELLED}
    assert _row(engine, already_sent).status == OutboxStatus.SENT


# -- retries and dead letters ------------------------------------------------------------------


def test_transient_failure_is_retried_later_with_growing_backoff(engine: Engine) -> None:
    [row_id] = _committed(engine)
    sender = MemorySender()
    sender.fail_next(TransientSendError("resend 503"), TransientSendError("resend 503"))

    first = dispatch_due(engine, sender, now=T0, rng=_fixed(0.0))
    after_first = _row(engine, row_id)
    too_early = dispatch_due(engine, sender, now=after_first.next_attempt_at - timedelta(seconds=1))
    second = dispatch_due(engine, sender, now=after_first.next_attempt_at, rng=_fixed(0.0))
    after_second = _row(engine, row_id)
    third = dispatch_due(engine, sender, now=after_second.next_attempt_at)

    assert (first.retried, too_early.claimed, second.retried, third.sent) == (1, 0, 1, 1)
    assert after_first.status == OutboxStatus.PENDING
    assert after_first.attempts == 1
    assert after_first.last_error == "resend 503"
    assert after_first.next_attempt_at == T0 + timedelta(seconds=backoff_seconds(1, rng=_fixed(0)))
    first_delay = after_first.next_attempt_at - T0
    second_delay = after_second.next_attempt_at - after_first.next_attempt_at
    assert second_delay == 2 * first_delay
    final = _row(engine, row_id)
    assert (final.status, final.attempts, final.last_error) == (OutboxStatus.SENT, 3, None)
    assert len(sender.calls) == 3 and len(sender.delivered) == 1


def test_retry_after_longer_than_the_backoff_wins(engine: Engine) -> None:
    [row_id] = _committed(engine)
    sender = MemorySender()
    sender.fail_next(TransientSendError("resend 429", retry_after=7200))

    dispatch_due(engine, sender, now=T0, rng=_fixed(1.0))

    assert _row(engine, row_id).next_attempt_at == T0 + timedelta(seconds=7200)


def test_mail_is_dead_lettered_after_max_attempts(
    engine: Engine, configure: Callable[..., None]
) -> None:
    configure(mail_max_attempts=3)
    [row_id] = _committed(engine)
    sender = MemorySender()
    sender.fail_next(*(TransientSendError("resend 500 application_error") for _ in range(5)))

    now = T0
    reports = []
    for _ in range(4):
        reports.append(dispatch_due(engine, sender, now=now))
        now = _row(engine, row_id).next_attempt_at + timedelta(hours=2)

    row = _row(engine, row_id)
    assert [r.retried for r in reports] == [1, 1, 0, 0]
    assert [r.dead for r in reports] == [0, 0, 1, 0]
    assert row.status == OutboxStatus.DEAD
    assert row.attempts == 3
    assert row.last_error == "gave up after 3 attempts: resend 500 application_error"
    assert len(sender.calls) == 3


def test_permanent_failure_is_dead_lettered_at_once(engine: Engine) -> None:
    [row_id] = _committed(engine)
    sender = MemorySender()
    sender.fail_next(PermanentSendError("resend 422 validation_error: Invalid `to` field."))

    report = dispatch_due(engine, sender, now=T0)
    later = dispatch_due(engine, sender, now=T0 + timedelta(days=2))

    row = _row(engine, row_id)
    assert (report.dead, later.claimed) == (1, 0)
    assert (row.status, row.attempts) == (OutboxStatus.DEAD, 1)
    assert row.last_error == "resend 422 validation_error: Invalid `to` field."
    assert sender.delivered == []


def test_unexpected_errors_are_retried_without_storing_their_message(engine: Engine) -> None:
    [row_id] = _committed(engine)
    sender = MemorySender()
    sender.fail_next(RuntimeError("boom Authorization: Bearer re_live_secret"))

    report = dispatch_due(engine, sender, now=T0)

    row = _row(engine, row_id)
    assert report.retried == 1
    assert row.status == OutboxStatus.PENDING
    assert row.last_error == "unexpected RuntimeError"


@given(attempts=st.integers(min_value=1, max_value=500), jitter=st.floats(0, 1, exclude_max=True))
def test_backoff_grows_exponentially_with_jitter_and_is_capped(
    attempts: int, jitter: float
) -> None:
    ceiling = min(BACKOFF_CAP_SECONDS, 30.0 * 2 ** (attempts - 1))

    delay = backoff_seconds(attempts, rng=_fixed(jitter))

    assert ceiling / 2 <= delay <= ceiling
    assert delay <= BACKOFF_CAP_SECONDS


# -- claiming --------------------------------------------------------------------------------


class _ReentrantSender(MemorySender):
    """While it sends, a second dispatcher runs: the claim must keep that one away."""

    def __init__(self, engine: Engine, now: datetime, other: MemorySender) -> None:
        super().__init__()
        self.engine, self.now, self.other = engine, now, other
        self.other_report: object = None

    def send(self, mail: OutgoingMail) -> SendResult:
        # If the second dispatcher dies mid-send, this one carries on regardless.
        with contextlib.suppress(Killed):
            self.other_report = dispatch_due(self.engine, self.other, now=self.now)
        return super().send(mail)


def test_a_claimed_row_is_not_sent_by_a_second_dispatcher(engine: Engine) -> None:
    [row_id] = _committed(engine)
    other = MemorySender()
    sender = _ReentrantSender(engine, T0 + timedelta(minutes=4), other)

    report = dispatch_due(engine, sender, now=T0)

    assert report.sent == 1
    assert other.calls == []
    assert _row(engine, row_id).status == OutboxStatus.SENT


def test_a_row_taken_over_after_the_lease_keeps_the_new_owners_outcome(engine: Engine) -> None:
    [row_id] = _committed(engine)
    other = MemorySender()
    other.fail_next(TransientSendError("resend 502"))
    # The second dispatcher runs after our lease (5 minutes) expired, as if we had hung.
    sender = _ReentrantSender(engine, T0 + timedelta(minutes=6), other)

    report = dispatch_due(engine, sender, now=T0)

    row = _row(engine, row_id)
    assert (report.sent, report.lost) == (0, 1)
    assert len(other.calls) == 1 and other.calls[0].idempotency_key == row.idempotency_key
    # Our late success must not overwrite the state the new owner recorded.
    assert (row.status, row.last_error, row.attempts) == (OutboxStatus.PENDING, "resend 502", 2)


def test_a_late_outcome_never_overwrites_a_newer_claim(engine: Engine) -> None:
    [row_id] = _committed(engine)
    other = DiesWhileSending()
    # After our lease expired, a second dispatcher claimed the row and died while sending:
    # the row is SENDING again, but under the newer claim.
    sender = _ReentrantSender(engine, T0 + timedelta(minutes=6), other)

    report = dispatch_due(engine, sender, now=T0)

    row = _row(engine, row_id)
    assert (report.sent, report.lost) == (0, 1)
    assert len(other.calls) == 1
    # Left for the next lease expiry to resolve (same key, so still no duplicate).
    assert (row.status, row.claimed_at, row.attempts) == (
        OutboxStatus.SENDING,
        T0 + timedelta(minutes=6),
        2,
    )


def test_a_stale_claim_on_the_final_attempt_is_dead_lettered(
    engine: Engine, configure: Callable[..., None]
) -> None:
    configure(mail_max_attempts=1)
    [row_id] = _committed(engine)
    with Session(engine) as session:
        row = session.get_one(OutboxMessage, row_id)
        row.status, row.claimed_at, row.attempts = OutboxStatus.SENDING, T0, 1
        session.commit()
    sender = MemorySender()

    still_leased = dispatch_due(engine, sender, now=T0 + timedelta(minutes=4))
    expired = dispatch_due(engine, sender, now=T0 + timedelta(minutes=6))

    assert (still_leased.claimed, still_leased.dead, expired.dead) == (0, 0, 1)
    assert sender.calls == []
    assert _row(engine, row_id).status == OutboxStatus.DEAD


def test_claims_are_handed_back_when_a_batch_outlives_half_its_lease(engine: Engine) -> None:
    first, second = _committed(engine, 2)

    class Slow(MemorySender):
        def send(self, mail: OutgoingMail) -> SendResult:
            time.sleep(0.06)
            return super().send(mail)

    sender = Slow()
    # One mail per request, so there is a second request left to hand back.
    report = dispatch_due(
        engine, sender, now=T0, limit=2, batch_size=1, lease=timedelta(milliseconds=100)
    )

    assert (report.claimed, report.sent, report.released) == (2, 1, 1)
    assert _row(engine, first).status == OutboxStatus.SENT
    released = _row(engine, second)
    assert (released.status, released.attempts, released.claimed_at) == (
        OutboxStatus.PENDING,
        0,
        None,
    )


# -- rate limit --------------------------------------------------------------------------------


def test_rate_limiter_spaces_single_sends(engine: Engine) -> None:
    _committed(engine, 3)
    clock = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    limiter = RateLimiter(2.0, clock=lambda: clock[0], sleep=sleep)
    sender = MemorySender(makes_requests=True)

    # Batches of one: three requests (batched requests: test_dispatcher_batches.py).
    dispatch_due(engine, sender, now=T0, rate_limiter=limiter, limit=3, batch_size=1)

    assert len(sender.calls) == 3
    assert sender.batch_calls == []
    assert sleeps == [0.5, 0.5]


def test_rate_limiter_does_not_wait_when_calls_are_already_far_apart() -> None:
    clock = [0.0]
    sleeps: list[float] = []
    limiter = RateLimiter(2.0, clock=lambda: clock[0], sleep=sleeps.append)

    limiter.wait()
    clock[0] = 0.8
    limiter.wait()
    clock[0] = 1.0  # 0.2 s after the last call: 0.3 s to go
    limiter.wait()

    assert sleeps == [pytest.approx(0.3)]


def test_local_mailbox_is_not_rate_limited(engine: Engine) -> None:
    _committed(engine, 2)
    sleeps: list[float] = []
    limiter = RateLimiter(1.0, clock=lambda: 0.0, sleep=sleeps.append)

    report = dispatch_due(engine, LocalMailboxSender(), now=T0, rate_limiter=limiter)

    assert report.local == 2
    assert sleeps == []


# -- local mode and the factory -------------------------------------------------------------------


def test_without_a_resend_key_mail_stays_local(engine: Engine) -> None:
    [row_id] = _committed(engine)
    sender = sender_from_settings()

    report = dispatch_due(engine, sender, now=T0)

    assert isinstance(sender, LocalMailboxSender)
    assert (report.local, report.sent) == (1, 0)
    row = _row(engine, row_id)
    assert (row.status, row.provider_message_id, row.sent_at) == (OutboxStatus.LOCAL, None, None)


def test_with_a_resend_key_the_factory_builds_a_resend_sender_that_hides_the_key(
    configure: Callable[..., None],
) -> None:
    configure(resend_api_key="re_unit_secret_key", resend_api_url="http://127.0.0.1:1/")

    sender = sender_from_settings()

    assert isinstance(sender, ResendSender)
    assert sender.makes_requests
    assert "re_unit_secret_key" not in repr(sender)


def test_worker_refuses_to_run_in_production_without_a_resend_key(
    configure: Callable[..., None],
) -> None:
    from admin_portal.worker import main

    configure(environment="production", resend_api_key=None)

    assert main(["--once"]) == 2


def test_run_forever_stops_when_the_stop_event_is_set(engine: Engine) -> None:
    [row_id] = _committed(engine)
    stop = threading.Event()

    class StopAfterSend(MemorySender):
        def send(self, mail: OutgoingMail) -> SendResult:
            result = super().send(mail)
            stop.set()
            return result

    thread = threading.Thread(
        target=run_forever,
        args=(stop, 0.01),
        kwargs={"engine_or_session_factory": engine, "sender": StopAfterSend()},
    )
    thread.start()
    thread.join(timeout=5)

    assert not thread.is_alive()
    assert _row(engine, row_id).status == OutboxStatus.SENT


# -- error classification (no network) ----------------------------------------------------------


def _resend_error(code: int | str, name: str, message: str = "m", **headers: str) -> ResendError:
    return ResendError(
        code=code, error_type=name, message=message, suggested_action="", headers=headers
    )


@pytest.mark.parametrize(
    ("code", "name"),
    [
        (500, "application_error"),
        (500, "HttpClientError"),  # how the SDK reports a network error
        (502, "bad_gateway"),
        ("503", "service_unavailable"),
        (429, "rate_limit_exceeded"),
        (409, "concurrent_idempotent_requests"),
    ],
)
def test_server_errors_rate_limits_and_network_errors_are_transient(
    code: int | str, name: str
) -> None:
    assert isinstance(classify_resend_error(_resend_error(code, name)), TransientSendError)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        (400, "validation_error"),
        (401, "missing_api_key"),
        (403, "invalid_api_key"),
        (409, "invalid_idempotent_request"),
        (422, "validation_error"),
    ],
)
def test_other_client_errors_are_permanent(code: int, name: str) -> None:
    assert isinstance(classify_resend_error(_resend_error(code, name)), PermanentSendError)


def test_retry_after_is_read_from_the_error_headers_in_any_case() -> None:
    error = classify_resend_error(_resend_error(429, "rate_limit_exceeded", **{"retry-after": "3"}))

    assert isinstance(error, TransientSendError)
    assert error.retry_after == 3.0


def test_retry_after_accepts_an_http_date() -> None:
    now = datetime(2030, 1, 1, 11, 0, 0, tzinfo=UTC)

    seconds = retry_after_seconds({"Retry-After": "Tue, 01 Jan 2030 11:00:30 GMT"}, now=now)
    past = retry_after_seconds({"Retry-After": "Tue, 01 Jan 2030 10:00:00 GMT"}, now=now)
    unreadable = retry_after_seconds({"Retry-After": "soon"})

    assert (seconds, past, unreadable) == (30.0, 0.0, None)


def test_error_messages_never_carry_the_api_key() -> None:
    key = "re_live_0123456789abcdef"
    error = classify_resend_error(
        _resend_error(401, "missing_api_key", f"bad header Bearer {key}"), secrets=(key,)
    )

    assert key not in str(error)
    assert "[redacted]" in str(error)

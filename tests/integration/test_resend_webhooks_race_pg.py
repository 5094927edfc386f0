"""Resend's webhooks under concurrency, on PostgreSQL: the unique constraints decide.

Svix may deliver one call twice at the same moment (a retry racing a slow first answer),
and two bounces for one address may arrive together. Each request checks first, then
inserts; a barrier lets both check before either inserts, so only the constraints on
mail_webhook_events.webhook_id and mail_suppressions.address_key can keep it to one row.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.mail import provider_events, suppressions
from admin_portal.migrations import upgrade
from admin_portal.models import (
    MailSuppression,
    MailWebhookEvent,
    OutboxMessage,
    OutboxStatus,
    utcnow,
)

pytestmark = pytest.mark.postgres

TIMEOUT = 15.0


def _sent_mail(engine: Engine, resend_id: str, to: str) -> int:
    with Session(engine, expire_on_commit=False) as s:
        row = OutboxMessage(
            kind="welcome",
            language="sv",
            to_address=to,
            subject="Hej",
            html_body="[redacted]",
            text_body="[redacted]",
            status=OutboxStatus.SENT,
            provider_message_id=resend_id,
        )
        s.add(row)
        s.commit()
        return row.id or 0


def _together(engine: Engine, calls: list[tuple[str, str]]) -> list[str]:
    """Record (svix-id, Resend id) bounces in parallel threads; the results, in any order."""
    results: list[str] = []
    errors: list[BaseException] = []

    def run(webhook_id: str, resend_id: str) -> None:
        try:
            with Session(engine, expire_on_commit=False) as s:
                result = provider_events.record_provider_event(
                    s,
                    webhook_id=webhook_id,
                    payload={"type": "email.bounced", "data": {"email_id": resend_id}},
                    now=utcnow(),
                    hooks=(),
                )
                s.commit()
                results.append(str(result))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not errors, errors
    return sorted(results)


def _hold_after(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, parties: int
) -> Callable[..., object]:
    """Make `module.name` wait at a barrier after it ran: every thread has looked first."""
    barrier = threading.Barrier(parties, timeout=TIMEOUT)
    original = getattr(module, name)

    def held(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)
        barrier.wait()
        return result

    monkeypatch.setattr(module, name, held)
    return original


def _count(engine: Engine, table: type) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(table)).one())


def test_one_call_delivered_twice_at_once_is_processed_once(
    pg_database_url: str, pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgrade(pg_database_url, keep_logging=True)
    _sent_mail(pg_engine, "re_1", "studs@example.se")
    # Both have parsed the call before either inserts its id.
    _hold_after(monkeypatch, provider_events, "_fields", 2)
    assert _together(pg_engine, [("msg_same", "re_1"), ("msg_same", "re_1")]) == [
        "duplicate",
        "recorded",
    ]
    assert _count(pg_engine, MailWebhookEvent) == 1
    assert _count(pg_engine, MailSuppression) == 1


def test_two_bounces_for_one_address_at_once_suppress_it_once(
    pg_database_url: str, pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgrade(pg_database_url, keep_logging=True)
    _sent_mail(pg_engine, "re_1", "studs@example.se")
    _sent_mail(pg_engine, "re_2", "Studs@Example.se ")
    # Both have looked for the suppression before either adds it.
    original = suppressions.address_key
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    looked: list[str] = []

    def key_then_wait(address: str) -> str:
        looked.append(address)
        if len(looked) <= 2:
            barrier.wait()
        return original(address)

    monkeypatch.setattr(suppressions, "address_key", key_then_wait)
    assert _together(pg_engine, [("msg_a", "re_1"), ("msg_b", "re_2")]) == [
        "recorded",
        "recorded",
    ]
    with Session(pg_engine) as s:
        rows = s.exec(select(MailSuppression)).all()
    assert [(r.address_key, r.reason) for r in rows] == [("studs@example.se", "bounced")]
    assert _count(pg_engine, MailWebhookEvent) == 2

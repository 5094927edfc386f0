"""Two deployments sharing one Resend account: outbox ids collide, idempotency keys must not.

Every database numbers its outbox from 1, and Resend remembers idempotency keys per account
for 24 hours. Without a per-deployment prefix, staging's mail 1 and production's mail 1 share
a key: the second is answered from the cache (never delivered) or refused with a 409.
"""

from __future__ import annotations

import pytest

from admin_portal.config import Settings, get_settings
from admin_portal.mail.claims import batch_key_for
from admin_portal.mail.senders import OutgoingMail, sender_from_settings
from tests.support.fake_resend import FakeResend


def _row_one(to: str) -> OutgoingMail:
    return OutgoingMail(1, to, "Hej", "<p>Hej</p>", "Hej", "admin-portal-outbox-1")


def _sender_of(deployment: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADMIN_PORTAL_DEPLOYMENT_ID", deployment)
    get_settings.cache_clear()
    return sender_from_settings()


def test_row_one_of_two_deployments_is_delivered_twice_under_two_keys(
    fake_resend: FakeResend, monkeypatch: pytest.MonkeyPatch
) -> None:
    staging = _sender_of("staging", monkeypatch)
    production = _sender_of("production", monkeypatch)

    staging.send(_row_one("test@example.se"))
    production.send(_row_one("anna@example.se"))

    assert sorted(m["to"][0] for m in fake_resend.delivered) == [
        "anna@example.se",
        "test@example.se",
    ]
    assert [r.idempotency_key for r in fake_resend.send_requests] == [
        "staging-admin-portal-outbox-1",
        "production-admin-portal-outbox-1",
    ]


def test_batch_keys_carry_the_prefix_too(
    fake_resend: FakeResend, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, other = _sender_of("one", monkeypatch), _sender_of("other", monkeypatch)
    key = batch_key_for([1, 2])
    mails = [
        OutgoingMail(i, f"u{i}@example.se", "Hej", "<p>Hej</p>", "Hej", f"k{i}") for i in (1, 2)
    ]
    other_mails = [
        OutgoingMail(i, f"o{i}@example.se", "Hej", "<p>Hej</p>", "Hej", f"k{i}") for i in (1, 2)
    ]

    one.send_batch(mails, idempotency_key=key)
    other.send_batch(other_mails, idempotency_key=key)

    assert [b.idempotency_key for b in fake_resend.batches] == [f"one-{key}", f"other-{key}"]
    assert len(fake_resend.delivered) == 4


def test_the_default_prefix_is_stable_per_secret_key_and_reveals_nothing() -> None:
    first = Settings(secret_key="k" * 40, deployment_id="")
    again = Settings(secret_key="k" * 40, deployment_id="")
    elsewhere = Settings(secret_key="x" * 40, deployment_id="")

    assert first.idempotency_prefix == again.idempotency_prefix
    assert first.idempotency_prefix != elsewhere.idempotency_prefix
    assert "k" * 8 not in first.idempotency_prefix
    assert Settings(deployment_id="prod-se").idempotency_prefix == "prod-se"


def test_a_deployment_id_outside_the_safe_alphabet_is_refused() -> None:
    with pytest.raises(ValueError, match="deployment_id"):
        Settings(deployment_id="prod se/1")

"""Senders: hand one outbox row to a mail provider (Resend), to the local mailbox, or to memory.

The dispatcher owns the outbox rows and their state; a sender only delivers and says how it
went. A sender either returns a `SendResult` or raises `TransientSendError` (try again later)
or `PermanentSendError` (never try again). Error messages are built here, without secrets,
because the dispatcher stores them in `last_error`.

A later `send_batch(mails) -> list[SendResult]` (Resend's /emails/batch, at most 100 mails)
fits next to `send`: same exceptions, one idempotency key per batch request, which must be
derived from the exact set of outbox ids so that a retry resends the same batch.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import resend
from resend.exceptions import NoContentError, ResendError

from admin_portal.config import Settings, get_settings
from admin_portal.models import OutboxMessage, OutboxStatus

_MAX_ERROR_CHARS = 500  # last_error holds 1000; leave room for the dispatcher's prefix
# Resend answers 409 while a request with the same idempotency key is still in flight:
# waiting is the right reaction. Every other 409 (key reused for another payload) is final.
_RETRYABLE_CONFLICTS = {"concurrent_idempotent_requests"}
# The SDK keeps its configuration in module globals; one sender at a time may set them.
_SDK_LOCK = threading.Lock()


class SendError(Exception):
    """A delivery failed. `str(error)` is safe to store: it never contains a secret."""


class TransientSendError(SendError):
    """Worth retrying later: network errors, 5xx, 429 and in-flight idempotency conflicts.

    Args:
        message: What went wrong, without secrets.
        retry_after: Seconds the provider asked us to wait (Retry-After), if it said so.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """Retrying cannot help (4xx: invalid address, rejected payload, bad key): dead-letter it."""


@dataclass(frozen=True)
class OutgoingMail:
    """What a sender needs from an outbox row, detached from any database session."""

    outbox_id: int
    to: str
    subject: str
    html: str
    text: str
    idempotency_key: str

    @classmethod
    def from_row(cls, row: OutboxMessage) -> OutgoingMail:
        """Copy the fields a sender needs; the row must have an id (it is flushed)."""
        if row.id is None:
            raise ValueError("an outbox row needs an id before it can be sent")
        return cls(
            outbox_id=row.id,
            to=row.to_address,
            subject=row.subject,
            html=row.html_body,
            text=row.text_body,
            idempotency_key=row.idempotency_key,
        )


@dataclass(frozen=True)
class SendResult:
    """How a delivery ended: SENT (with the provider's id) or LOCAL (kept in the outbox)."""

    status: OutboxStatus
    provider_message_id: str | None = None


class Sender(Protocol):
    """Anything the dispatcher can hand mail to."""

    #: True when `send` makes an HTTP call, so the dispatcher applies its rate limit.
    makes_requests: bool

    def send(self, mail: OutgoingMail) -> SendResult:
        """Deliver one mail or raise `TransientSendError` / `PermanentSendError`."""
        ...


class ResendSender:
    """Delivers through the official Resend SDK, with the outbox row's idempotency key.

    Args:
        api_key: The Resend API key (never logged or stored).
        api_url: Base URL of the API; tests point it at a local fake server.
        mail_from: The From header, e.g. ``"Admin Portal <no-reply@example.com>"``.
        timeout_seconds: Per-request HTTP timeout; keeps a hung call well inside the
            dispatcher's claim lease.
    """

    makes_requests = True

    def __init__(
        self, *, api_key: str, api_url: str, mail_from: str, timeout_seconds: int = 20
    ) -> None:
        if not api_key:
            raise ValueError("ResendSender needs an API key; use LocalMailboxSender without one")
        self._api_key = api_key
        self._api_url = api_url.rstrip("/")
        self._mail_from = mail_from
        self._http_client = resend.RequestsClient(timeout=timeout_seconds)

    def __repr__(self) -> str:  # keeps the key out of logs and tracebacks
        return f"ResendSender(api_url={self._api_url!r})"

    def send(self, mail: OutgoingMail) -> SendResult:
        """Send one mail; a retry with the same key is answered, not delivered, by Resend.

        Raises:
            TransientSendError: Network error, 5xx, 429 (with its Retry-After) or an
                idempotent request still in flight.
            PermanentSendError: Any other 4xx.
        """
        params: resend.Emails.SendParams = {
            "from": self._mail_from,
            "to": [mail.to],
            "subject": mail.subject,
            "html": mail.html,
            "text": mail.text,
        }
        options: resend.Emails.SendOptions = {"idempotency_key": mail.idempotency_key}
        try:
            with _SDK_LOCK:
                # Set on every call: the SDK read RESEND_API_URL from the environment at
                # import time, and other code (or tests) may have changed the globals since.
                resend.api_key = self._api_key
                resend.api_url = self._api_url
                resend.default_http_client = self._http_client
                response = resend.Emails.send(params, options=options)
        except ResendError as exc:
            raise classify_resend_error(exc, secrets=(self._api_key,)) from None
        except NoContentError:
            raise TransientSendError("resend answered with an empty body") from None
        message_id = response.get("id") if isinstance(response, Mapping) else None
        if not message_id:
            raise TransientSendError("resend answered without a message id")
        return SendResult(status=OutboxStatus.SENT, provider_message_id=str(message_id))


class LocalMailboxSender:
    """No Resend key: nothing leaves the machine; rows become LOCAL for the /dev/mail page."""

    makes_requests = False

    def send(self, mail: OutgoingMail) -> SendResult:
        """Keep the mail in the outbox; always succeeds."""
        return SendResult(status=OutboxStatus.LOCAL)


@dataclass
class MemorySender:
    """Test double: records every call and answers like Resend would (idempotently).

    Attributes:
        calls: Every mail handed to `send`, retries included.
        delivered: Mails that reached the "inbox": at most one per idempotency key.
        failures: Exceptions to raise, in order, before succeeding again.
    """

    makes_requests: bool = False
    calls: list[OutgoingMail] = field(default_factory=list)
    delivered: list[OutgoingMail] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    _ids: dict[str, str] = field(default_factory=dict, repr=False)

    def fail_next(self, *errors: Exception) -> None:
        """Raise these exceptions on the next calls, one per call."""
        self.failures.extend(errors)

    def send(self, mail: OutgoingMail) -> SendResult:
        """Record the call, raise a queued failure or deliver once per idempotency key."""
        self.calls.append(mail)
        if self.failures:
            raise self.failures.pop(0)
        if mail.idempotency_key not in self._ids:
            self._ids[mail.idempotency_key] = f"memory-{len(self._ids) + 1}"
            self.delivered.append(mail)
        return SendResult(OutboxStatus.SENT, self._ids[mail.idempotency_key])


def sender_from_settings(settings: Settings | None = None) -> Sender:
    """Resend when a key is configured, otherwise the local mailbox.

    Args:
        settings: Defaults to `get_settings()`.
    """
    settings = settings or get_settings()
    if settings.mail_via_resend:
        return ResendSender(
            api_key=settings.resend_api_key,
            api_url=settings.resend_api_url,
            mail_from=settings.mail_from,
        )
    return LocalMailboxSender()


def classify_resend_error(exc: ResendError, *, secrets: tuple[str, ...] = ()) -> SendError:
    """Turn an SDK error into a transient or permanent one, with a secret-free message.

    The SDK reports network failures as code 500 / ``HttpClientError`` and keeps the HTTP
    response headers in ``exc.headers``, which is where Retry-After comes from.
    """
    code = _status_code(exc.code)
    error_type = str(exc.error_type or "")
    message = _redact(f"resend {code or exc.code} {error_type}: {exc.message}", secrets)
    if code is None or code >= 500 or code == 429:
        return TransientSendError(message, retry_after=retry_after_seconds(exc.headers))
    if code == 409 and error_type in _RETRYABLE_CONFLICTS:
        return TransientSendError(message, retry_after=retry_after_seconds(exc.headers))
    return PermanentSendError(message)


def retry_after_seconds(
    headers: Mapping[str, Any] | None, *, now: datetime | None = None
) -> float | None:
    """Seconds to wait according to a Retry-After header (delta-seconds or HTTP date).

    Args:
        headers: Response headers in any letter case.
        now: For HTTP-date values; defaults to the current time.

    Returns:
        A non-negative number of seconds, or None when the header is absent or unreadable.
    """
    if not headers:
        return None
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _status_code(code: object) -> int | None:
    try:
        return int(str(code))
    except ValueError:
        return None


def _redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if len(secret) >= 8:  # shorter "secrets" would shred the message and hide nothing
            text = text.replace(secret, "[redacted]")
    return text[:_MAX_ERROR_CHARS]

"""Senders: hand outbox rows to a mail provider (Resend), to the local mailbox, or to memory.

The dispatcher owns the outbox rows and their state; a sender only delivers and says how it
went. A sender either returns a `SendResult` or raises `TransientSendError` (try again later)
or `PermanentSendError` (never try again). Error messages are built here, without secrets,
because the dispatcher stores them in `last_error`.

`send(mail)` delivers one mail under its row's idempotency key; `send_batch(mails, ...)`
delivers up to 100 in one request (Resend's /emails/batch) under one key for the whole
request. Both raise the same exceptions; a batch fails or succeeds as a whole. The dispatcher
derives the batch key from the exact set of outbox ids, so a retry resends the same batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypeVar

import resend
from resend.exceptions import NoContentError, ResendError

from admin_portal.config import Settings, get_settings
from admin_portal.models import OutboxMessage, OutboxStatus

_T = TypeVar("_T")
_MAX_ERROR_CHARS = 500  # last_error holds 1000; leave room for the dispatcher's prefix
# Resend answers 409 while a request with the same idempotency key is still in flight:
# waiting is the right reaction. Every other 409 (key reused for another payload) is final.
_RETRYABLE_CONFLICTS = {"concurrent_idempotent_requests"}
# The SDK keeps its configuration in module globals; one sender at a time may set them.
_SDK_LOCK = threading.Lock()
MAX_BATCH_SIZE = 100  # Resend's limit for one /emails/batch request
# Errors that reject the message itself (its address or fields), not our key or sender: the
# only permanent errors that say something about the recipient's address.
_RECIPIENT_REJECTIONS = {(400, "validation_error"), (422, "validation_error")}


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
    """Retrying cannot help (4xx: invalid address, rejected payload, bad key): dead-letter it.

    Args:
        message: What went wrong, without secrets.
        recipient_rejected: The provider refused this mail's content or address (a
            validation error), as opposed to our account, key or request; the dispatcher
            then marks the recipient's address as bounced.
    """

    def __init__(self, message: str, *, recipient_rejected: bool = False) -> None:
        super().__init__(message)
        self.recipient_rejected = recipient_rejected


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

    def send_batch(
        self, mails: Sequence[OutgoingMail], *, idempotency_key: str
    ) -> list[SendResult]:
        """Deliver up to 100 mails in one request: one result per mail, in order, or raise."""
        ...


class ResendSender:
    """Delivers through the official Resend SDK, with the outbox row's idempotency key.

    Args:
        api_key: The Resend API key (never logged or stored).
        api_url: Base URL of the API; tests point it at a local fake server.
        mail_from: The From header, e.g. ``"Admin Portal <no-reply@example.com>"``.
        timeout_seconds: Per-request HTTP timeout; keeps a hung call well inside the
            dispatcher's claim lease.
        key_prefix: Put before every idempotency key (the deployment's id): Resend keeps
            keys per account, and another deployment's outbox has the same row ids.
    """

    makes_requests = True

    def __init__(
        self,
        *,
        api_key: str,
        api_url: str,
        mail_from: str,
        timeout_seconds: int = 20,
        key_prefix: str = "",
    ) -> None:
        if not api_key:
            raise ValueError("ResendSender needs an API key; use LocalMailboxSender without one")
        self._key_prefix = f"{key_prefix}-" if key_prefix else ""
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
        options: resend.Emails.SendOptions = {
            "idempotency_key": self._key_prefix + mail.idempotency_key
        }
        response = self._call(lambda: resend.Emails.send(self._params(mail), options=options))
        message_id = response.get("id") if isinstance(response, Mapping) else None
        if not message_id:
            raise TransientSendError("resend answered without a message id")
        return SendResult(status=OutboxStatus.SENT, provider_message_id=str(message_id))

    def send_batch(
        self, mails: Sequence[OutgoingMail], *, idempotency_key: str
    ) -> list[SendResult]:
        """Send up to 100 mails in one request; a retry with the same key is only answered.

        Resend validates a batch strictly by default: one invalid mail rejects the whole
        request with a 4xx and nothing is delivered, which is what lets the dispatcher fall
        back to sending the rows one by one.

        Args:
            mails: 1 to 100 mails; the answer's ids come back in the same order.
            idempotency_key: One key for the request; the same key must always carry the
                same mails, or Resend answers 409.

        Raises:
            TransientSendError: Network error, 5xx, 429, an idempotent request in flight,
                or an answer that does not hold one id per mail.
            PermanentSendError: Any other 4xx, for the batch as a whole.
        """
        if not 1 <= len(mails) <= MAX_BATCH_SIZE:
            raise ValueError(f"a batch holds 1 to {MAX_BATCH_SIZE} mails, not {len(mails)}")
        params = [self._params(mail) for mail in mails]
        options: resend.Batch.SendOptions = {"idempotency_key": self._key_prefix + idempotency_key}
        response = self._call(lambda: resend.Batch.send(params, options=options))
        data = response.get("data") if isinstance(response, Mapping) else None
        ids = [item.get("id") if isinstance(item, Mapping) else None for item in data or []]
        if len(ids) != len(mails) or not all(ids):
            # The ids are matched to rows by position; a short or odd answer cannot be.
            raise TransientSendError(
                f"resend answered a batch of {len(mails)} with {len(ids)} message ids"
            )
        return [SendResult(OutboxStatus.SENT, provider_message_id=str(i)) for i in ids]

    def _params(self, mail: OutgoingMail) -> resend.Emails.SendParams:
        return {
            "from": self._mail_from,
            "to": [mail.to],
            "subject": mail.subject,
            "html": mail.html,
            "text": mail.text,
        }

    def _call(self, request: Callable[[], _T]) -> _T:
        """Run one SDK request with our settings, mapping its errors to send errors."""
        try:
            with _SDK_LOCK:
                # Set on every call: the SDK read RESEND_API_URL from the environment at
                # import time, and other code (or tests) may have changed the globals since.
                resend.api_key = self._api_key
                resend.api_url = self._api_url
                resend.default_http_client = self._http_client
                return request()
        except ResendError as exc:
            raise classify_resend_error(exc, secrets=(self._api_key,)) from None
        except NoContentError:
            raise TransientSendError("resend answered with an empty body") from None


class LocalMailboxSender:
    """No Resend key: nothing leaves the machine; rows become LOCAL for the /dev/mail page."""

    makes_requests = False

    def send(self, mail: OutgoingMail) -> SendResult:
        """Keep the mail in the outbox; always succeeds."""
        return SendResult(status=OutboxStatus.LOCAL)

    def send_batch(
        self, mails: Sequence[OutgoingMail], *, idempotency_key: str
    ) -> list[SendResult]:
        """Keep every mail in the outbox; always succeeds."""
        return [SendResult(status=OutboxStatus.LOCAL) for _ in mails]


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
            key_prefix=settings.idempotency_prefix,
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
    return PermanentSendError(
        message, recipient_rejected=(code, error_type) in _RECIPIENT_REJECTIONS
    )


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

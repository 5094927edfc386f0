"""The SMS provider port and its HTTP adapter for a 46elks-style API.

46elks: ``POST {base}/sms`` with HTTP basic auth (API username and password) and the form
fields ``from``, ``to`` (E.164) and ``message``; the answer is JSON with an ``id``.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from admin_portal.config import Settings

TIMEOUT_SECONDS = 10


class SmsFailure(Exception):
    """The provider refused or could not be reached. `retry` says whether to try again."""

    def __init__(self, reason: str, *, retry: bool) -> None:
        super().__init__(reason)
        self.reason, self.retry = reason, retry


class SmsSender(Protocol):
    def send(self, *, to_number: str, body: str) -> str:
        """Hand one SMS to the provider; returns its id. Raises SmsFailure."""
        ...


@dataclass(frozen=True)
class HttpSmsSender:
    base_url: str
    username: str
    password: str
    sender: str

    def __repr__(self) -> str:  # never shows the password
        return f"HttpSmsSender({self.base_url!r}, user={self.username!r})"

    def send(self, *, to_number: str, body: str) -> str:
        data = urllib.parse.urlencode(
            {"from": self.sender, "to": to_number, "message": body}
        ).encode()
        auth = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 (the URL is a setting, http(s) only)
            self.base_url.rstrip("/") + "/sms",
            data=data,
            method="POST",
            headers={
                "Authorization": f"Basic {auth}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        if not request.full_url.startswith(("http://", "https://")):
            raise SmsFailure("sms_api_url must be http(s)", retry=False)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            # 4xx (bad number, bad credentials) will not get better by trying again.
            raise SmsFailure(
                f"HTTP {error.code}", retry=error.code >= 500 or error.code == 429
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsFailure(f"unreachable: {type(error).__name__}", retry=True) from None
        except ValueError:
            raise SmsFailure("answer is not JSON", retry=True) from None
        provider_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(provider_id, str) or not provider_id:
            raise SmsFailure("answer without id", retry=True)
        return provider_id


def sender_from_settings(settings: Settings) -> SmsSender | None:
    """The HTTP adapter when a provider is configured; None: SMS stays in the local outbox."""
    if not settings.sms_via_provider:
        return None
    return HttpSmsSender(
        base_url=settings.sms_api_url,
        username=settings.sms_api_username,
        password=settings.sms_api_password,
        sender=settings.sms_from,
    )

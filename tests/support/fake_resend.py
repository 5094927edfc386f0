"""A fake Resend API on loopback, for tests that drive the real SDK (and for e2e as a process).

It answers like Resend: POST /emails -> ``{"id": ...}``, POST /emails/batch (at most 100) ->
``{"data": [{"id": ...}, ...]}``, errors as ``{"statusCode", "name", "message"}``. A request
repeating an Idempotency-Key within 24 h gets the original answer and is not delivered again,
so `delivered` never holds duplicates; the same key with another payload gets a 409. A batch
is validated strictly, as Resend does by default: one invalid mail (e.g. a `to` that is no
address) rejects the whole request with a 422 and delivers nothing.

Failures are scripted per request: `fail_next(500)`, `fail_next(429, retry_after=1)`,
`fail_next(422)`, `disconnect_next()` (network error) or `stall_next(5)` (deliver, then hold
the answer back: lets a test kill a client between the send and its bookkeeping).

As a process (no admin_portal import, so it can serve any client)::

    python -m tests.support.fake_resend --port 0 [--api-key re_test]
    # prints "FAKE_RESEND_URL=http://127.0.0.1:PORT" once it listens

    GET  /_test/emails     delivered mails (JSON list)
    GET  /_test/batches    every POST /emails/batch: size, idempotency key, time, status
    GET  /_test/requests   every request received (JSON list)
    POST /_test/fail       {"status": 500, "times": 1, "retry_after": 1}
                           {"action": "disconnect"} | {"action": "stall", "seconds": 5}
    POST /_test/reset      forget mails, requests, keys and scripted failures
    POST /_test/webhook    {"type": "email.delivered", "to": address}: a signed webhook to
                           the app (--webhook-url, --webhook-secret); fake_resend_webhooks.py
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import signal
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.fake_resend_webhooks import answer_control

TEST_API_KEY = "re_test_fake_key_123"  # what the pytest fixture configures and expects
IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600
MAX_BATCH = 100
MAX_IDEMPOTENCY_KEY = 256
# Loose on purpose: catches what Resend certainly refuses, never a real test address.
_ADDRESS = re.compile(r"^(?:[^<>]*<)?[^@\s<>]+@[^@\s<>]+(?:>)?$")
_ERROR_NAMES = {
    400: "validation_error",
    401: "missing_api_key",
    403: "invalid_api_key",
    404: "not_found",
    409: "invalid_idempotent_request",
    422: "validation_error",
    429: "rate_limit_exceeded",
    500: "application_error",
}


@dataclass
class RecordedRequest:
    """One request as the server saw it, and what it answered."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int = 0
    replayed: bool = False  # answered from the idempotency cache, nothing delivered
    at: float = 0.0  # the server's clock when the request arrived

    @property
    def idempotency_key(self) -> str | None:
        lowered = {k.lower(): v for k, v in self.headers.items()}
        return lowered.get("idempotency-key")


@dataclass(frozen=True)
class BatchCall:
    """One POST /emails/batch as `GET /_test/batches` reports it."""

    size: int  # mails in the request body, whether or not they were accepted
    idempotency_key: str | None
    at: float  # the server's clock (seconds since the epoch) when it arrived
    status: int
    replayed: bool


@dataclass
class Scripted:
    """What the next send request gets instead of (or before) a normal answer."""

    action: str = "error"  # error | disconnect | stall
    status: int = 500
    name: str | None = None
    message: str | None = None
    retry_after: float | None = None
    seconds: float = 0.0  # for stall


@dataclass
class _Remembered:
    fingerprint: str
    status: int
    answer: Any
    at: float


@dataclass
class _State:
    requests: list[RecordedRequest] = field(default_factory=list)
    delivered: list[dict[str, Any]] = field(default_factory=list)
    script: list[Scripted] = field(default_factory=list)
    keys: dict[str, _Remembered] = field(default_factory=dict)


class FakeResend:
    """The server. Use as a context manager or call `start()` / `stop()`.

    Args:
        api_key: When set, requests must carry ``Authorization: Bearer <api_key>`` (else 403).
        host: Interface to bind; loopback only by default.
        port: 0 picks a free port; read `url` after `start()`.
        clock: Seconds since the epoch, for the 24 h idempotency window.
        webhook_url: Where POST /_test/webhook sends its signed events (the app's endpoint).
        webhook_secret: The ``whsec_`` secret they are signed with.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
    ) -> None:
        self.api_key = api_key
        self.webhook_url, self.webhook_secret = webhook_url, webhook_secret
        self.clock = clock
        self._state = _State()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeResend:
        # A short poll interval keeps stop() (and so every test's teardown) quick.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases stalled answers
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        """Serve in the calling thread until `stop()` is called from another one."""
        self._httpd.serve_forever()

    def __enter__(self) -> FakeResend:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- scripting and inspection ------------------------------------------------------------

    def fail_next(
        self,
        status: int = 500,
        *,
        times: int = 1,
        retry_after: float | None = None,
        name: str | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next `times` send requests with this error (Resend's JSON shape)."""
        self._push(Scripted("error", status, name, message, retry_after), times)

    def disconnect_next(self, *, times: int = 1) -> None:
        """Close the connection without answering: the client sees a network error."""
        self._push(Scripted("disconnect"), times)

    def stall_next(self, seconds: float, *, times: int = 1) -> None:
        """Deliver the mail, then wait `seconds` (or until `stop()`) before answering."""
        self._push(Scripted("stall", seconds=seconds), times)

    def _push(self, item: Scripted, times: int) -> None:
        with self._lock:
            self._state.script.extend([item] * times)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request so far, test endpoints excluded."""
        with self._lock:
            return list(self._state.requests)

    @property
    def send_requests(self) -> list[RecordedRequest]:
        """The POSTs to /emails and /emails/batch, retries included."""
        return [r for r in self.requests if r.method == "POST" and r.path.startswith("/emails")]

    @property
    def batches(self) -> list[BatchCall]:
        """Every batch request so far, in arrival order, retries and failures included."""
        return [
            BatchCall(
                size=len(r.body) if isinstance(r.body, list) else 0,
                idempotency_key=r.idempotency_key,
                at=r.at,
                status=r.status,
                replayed=r.replayed,
            )
            for r in self.send_requests
            if r.path == "/emails/batch"
        ]

    @property
    def delivered(self) -> list[dict[str, Any]]:
        """Mails Resend would have delivered: one per accepted email, never per retry."""
        with self._lock:
            return [dict(m) for m in self._state.delivered]

    def wait_for_delivered(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Poll until at least `count` mails were delivered (for tests across processes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mails = self.delivered
            if len(mails) >= count:
                return mails
            time.sleep(0.01)
        raise TimeoutError(f"expected {count} delivered mails, got {len(self.delivered)}")

    def reset(self) -> None:
        with self._lock:
            self._state = _State()

    # -- request handling (called from handler threads) ----------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            request.at = self.clock()
            self._state.requests.append(request)

    def _next_scripted(self) -> Scripted | None:
        with self._lock:
            return self._state.script.pop(0) if self._state.script else None

    def _answer_send(self, request: RecordedRequest) -> tuple[int, Any, dict[str, str]]:
        auth_error = self._check_auth(request)
        if auth_error:
            return auth_error
        key = request.idempotency_key
        if key is not None and not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
            return _error(400, "invalid_idempotency_key", "The key must be 1-256 characters.")
        emails, problem = _validate(request)
        if problem:
            return _error(422, "validation_error", problem)
        fingerprint = hashlib.sha256(
            (request.path + json.dumps(request.body, sort_keys=True)).encode()
        ).hexdigest()
        with self._lock:
            now = self.clock()
            remembered = self._state.keys.get(key) if key else None
            if remembered and now - remembered.at < IDEMPOTENCY_WINDOW_SECONDS:
                if remembered.fingerprint != fingerprint:
                    return _error(
                        409,
                        "invalid_idempotent_request",
                        "Same idempotency key used with a different request payload.",
                    )
                request.replayed = True
                return remembered.status, remembered.answer, {}
            ids = []
            for email in emails:
                mail_id = str(uuid.uuid4())
                ids.append({"id": mail_id})
                self._state.delivered.append(
                    {"id": mail_id, "idempotency_key": key, "received_at": now, **email}
                )
            answer: Any = {"data": ids} if request.path == "/emails/batch" else ids[0]
            if key:
                self._state.keys[key] = _Remembered(fingerprint, 200, answer, now)
        return 200, answer, {}

    def _check_auth(self, request: RecordedRequest) -> tuple[int, Any, dict[str, str]] | None:
        auth = {k.lower(): v for k, v in request.headers.items()}.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        if not token or token == "None":
            return _error(401, "missing_api_key", "Missing API key in the authorization header.")
        if self.api_key is not None and token != self.api_key:
            return _error(403, "invalid_api_key", "API key is invalid.")
        return None


def _validate(request: RecordedRequest) -> tuple[list[dict[str, Any]], str | None]:
    body = request.body
    if request.path == "/emails/batch":
        if not isinstance(body, list) or not body:
            return [], "The batch must be a non-empty list of emails."
        if len(body) > MAX_BATCH:
            return [], f"A batch holds at most {MAX_BATCH} emails."
        emails = body
    else:
        emails = [body]
    for email in emails:
        if not isinstance(email, dict):
            return [], "Each email must be an object."
        for required in ("from", "to", "subject"):
            if not email.get(required):
                return [], f"Missing `{required}` field."
        to = email["to"] if isinstance(email["to"], list) else [email["to"]]
        if not all(isinstance(a, str) and _ADDRESS.match(a.strip()) for a in to):
            return (
                [],
                "Invalid `to` field. The email address needs to follow the "
                "`email@example.com` or `Name <email@example.com>` format.",
            )
        if not (email.get("html") or email.get("text")):
            return [], "Missing `html` or `text` field."
    return emails, None


def _error(
    status: int,
    name: str | None = None,
    message: str | None = None,
    retry_after: float | None = None,
) -> tuple[int, Any, dict[str, str]]:
    body = {
        "statusCode": status,
        "name": name or _ERROR_NAMES.get(status, "application_error"),
        "message": message or f"Scripted failure {status}.",
    }
    headers = {}
    if retry_after is not None:
        headers["Retry-After"] = f"{retry_after:g}"
    return status, body, headers


def _handler_for(server: FakeResend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet test output; `requests` is the log

        def do_GET(self) -> None:
            if self.path == "/_test/emails":
                self._send(200, server.delivered)
            elif self.path == "/_test/requests":
                self._send(200, [asdict(r) for r in server.requests])
            elif self.path == "/_test/batches":
                self._send(200, [asdict(b) for b in server.batches])
            else:
                self._send(*_error(404, message="Not found."))

        def do_POST(self) -> None:
            body = self._read_json()
            if self.path == "/_test/fail":
                self._control_fail(body if isinstance(body, dict) else {})
                return
            if self.path == "/_test/webhook":
                url, secret = server.webhook_url, server.webhook_secret
                self._send(*answer_control(server.delivered, url, secret, body))
                return
            if self.path == "/_test/reset":
                server.reset()
                self._send(200, {"ok": True})
                return
            request = RecordedRequest("POST", self.path, dict(self.headers.items()), body)
            server._record(request)
            if self.path not in ("/emails", "/emails/batch"):
                request.status = 404
                self._send(*_error(404, message="Not found."))
                return
            scripted = server._next_scripted()
            if scripted and scripted.action == "disconnect":
                self.close_connection = True  # no answer at all: a network error
                return
            if scripted and scripted.action == "error":
                status, answer, headers = _error(
                    scripted.status, scripted.name, scripted.message, scripted.retry_after
                )
            else:
                status, answer, headers = server._answer_send(request)
            request.status = status
            if scripted and scripted.action == "stall":
                server._stopping.wait(scripted.seconds)
            self._send(status, answer, headers)

        def _control_fail(self, spec: dict[str, Any]) -> None:
            times = int(spec.get("times", 1))
            action = spec.get("action", "error")
            if action == "disconnect":
                server.disconnect_next(times=times)
            elif action == "stall":
                server.stall_next(float(spec.get("seconds", 5)), times=times)
            else:
                server.fail_next(
                    int(spec.get("status", 500)),
                    times=times,
                    retry_after=spec.get("retry_after"),
                    name=spec.get("name"),
                    message=spec.get("message"),
                )
            self._send(200, {"ok": True})

        def _read_json(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                return json.loads(raw) if raw else None
            except ValueError:
                return raw.decode("utf-8", "replace")

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client is gone (e.g. a test killed it mid-request)

    return Handler


# -- helpers for other processes (e2e) talking to a server started with __main__ ----------------


def fetch_delivered(base_url: str) -> list[dict[str, Any]]:
    """The delivered mails of a fake server running in another process."""
    with urllib.request.urlopen(f"{base_url}/_test/emails", timeout=5) as resp:  # noqa: S310
        return list(json.load(resp))


def fetch_batches(base_url: str) -> list[dict[str, Any]]:
    """The batch requests a fake server running in another process received."""
    with urllib.request.urlopen(f"{base_url}/_test/batches", timeout=5) as resp:  # noqa: S310
        return list(json.load(resp))


def queue_failure(base_url: str, **spec: Any) -> None:
    """Script a failure on a fake server in another process, e.g. ``status=500, times=2``."""
    request = urllib.request.Request(  # noqa: S310
        f"{base_url}/_test/fail",
        data=json.dumps(spec).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5):  # noqa: S310
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.fake_resend")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--api-key", default=None, help="require this bearer token")
    parser.add_argument("--webhook-url", default=None, help="the app's webhook endpoint")
    parser.add_argument("--webhook-secret", default=None, help="the whsec_ signing secret")
    args = parser.parse_args(argv)
    hooks = {"webhook_url": args.webhook_url, "webhook_secret": args.webhook_secret}
    server = FakeResend(api_key=args.api_key, host=args.host, port=args.port, **hooks)

    def stop(_signum: int, _frame: object) -> None:
        # shutdown() waits for serve_forever, so it must run outside the serving thread.
        threading.Thread(target=server.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"FAKE_RESEND_URL={server.url}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())

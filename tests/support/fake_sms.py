"""A fake 46elks-style SMS API on loopback: POST /sms with basic auth -> {"id": ...}.

In-process (`FakeSms().start()`) for unit tests; `fail_next(status)` scripts a refusal.
Delivered messages are in `.delivered` (dicts of from/to/message).
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USERNAME, PASSWORD = "u_test", "p_test"


class FakeSms:
    def __init__(self) -> None:
        self.delivered: list[dict[str, str]] = []
        self.failures: list[int] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/a1"

    def fail_next(self, status: int) -> None:
        self.failures.append(status)

    def start(self) -> FakeSms:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                expected = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
                if self.path != "/a1/sms":
                    self._answer(404, {"error": "not found"})
                elif self.headers.get("Authorization") != expected:
                    self._answer(401, {"error": "unauthorized"})
                elif fake.failures:
                    self._answer(fake.failures.pop(0), {"error": "scripted"})
                elif not form.get("to", "").startswith("+") or not form.get("message"):
                    self._answer(400, {"error": "invalid"})
                else:
                    fake.delivered.append(form)
                    self._answer(200, {"id": "s" + uuid.uuid4().hex, "status": "created"})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

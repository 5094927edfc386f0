"""What travels between the browser and the portal: websocket frames and request URLs."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Page, WebSocket


@dataclass
class Traffic:
    received: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def received_since(self, mark: int) -> str:
        return "\n".join(self.received[mark:])


def _text(payload: str | bytes) -> str:
    return payload if isinstance(payload, str) else payload.decode("utf-8", "replace")


def watch_traffic(page: Page) -> Traffic:
    """Record every websocket frame (both ways) and every request URL of `page` from now on."""
    traffic = Traffic()

    def on_socket(socket: WebSocket) -> None:
        traffic.urls.append(socket.url)
        socket.on("framereceived", lambda payload: traffic.received.append(_text(payload)))
        socket.on("framesent", lambda payload: traffic.sent.append(_text(payload)))

    page.on("websocket", on_socket)
    page.on("request", lambda request: traffic.urls.append(request.url))
    return traffic

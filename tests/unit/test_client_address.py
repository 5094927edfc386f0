"""The address the rate limits key on: the socket's peer, X-Forwarded-For only when configured.

Reflex computes `router.session.client_ip` when a socket connects; rxconfig hands it our
ADMIN_PORTAL_TRUSTED_PROXY_HOPS. A client that sends its own X-Forwarded-For to a portal
without a proxy must not pick its bucket.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import SimpleNamespace

import pytest
import reflex.app as reflex_app


def _client_ip(monkeypatch: pytest.MonkeyPatch, hops: int, forwarded_for: str | None) -> str:
    monkeypatch.setattr(reflex_app, "get_config", lambda: SimpleNamespace(trusted_proxy_hops=hops))
    headers = [(b"host", b"portal.test")]
    if forwarded_for is not None:
        headers.append((b"x-forwarded-for", forwarded_for.encode()))
    environ = {"asgi.scope": {"client": ("203.0.113.7", 51515), "headers": headers}}
    data = reflex_app.EventNamespace._build_static_router_data(None, "sid", environ)  # type: ignore[arg-type]
    return data[reflex_app.constants.RouteVar.CLIENT_IP]


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _client_ip(monkeypatch, 0, "198.51.100.99") == "203.0.113.7"


def test_behind_one_trusted_proxy_the_address_it_saw_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The client forged the first entry; our proxy appended the peer it really saw.
    assert _client_ip(monkeypatch, 1, "198.51.100.99, 192.0.2.44") == "192.0.2.44"


def test_the_setting_reaches_reflex(configure: Callable[..., None]) -> None:
    configure(trusted_proxy_hops=2)
    sys.modules.pop("rxconfig", None)
    rxconfig = importlib.import_module("rxconfig")
    try:
        assert rxconfig.config.trusted_proxy_hops == 2
    finally:
        sys.modules.pop("rxconfig", None)


def test_no_proxy_is_trusted_by_default(configure: Callable[..., None]) -> None:
    configure(trusted_proxy_hops=None)
    sys.modules.pop("rxconfig", None)
    rxconfig = importlib.import_module("rxconfig")
    try:
        assert rxconfig.config.trusted_proxy_hops == 0
    finally:
        sys.modules.pop("rxconfig", None)

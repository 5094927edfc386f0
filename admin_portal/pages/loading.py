"""Every page's on_load ends by marking the page loaded (see SessionState.mark_loaded)."""

from __future__ import annotations

from typing import Any

from admin_portal.state.session import SessionState


def on_load(*handlers: Any) -> list[Any]:
    return [*handlers, SessionState.mark_loaded]

"""Notices a session that ended while the tab sat untouched (idle timeout, revoked elsewhere).

Without it an idle tab would keep showing the last page until someone touched it. A timer
presses a hidden button once a minute; its handler asks without counting as use, so the
timer itself never keeps a session alive.
"""

from __future__ import annotations

import reflex as rx

from admin_portal.state.session import SessionState

WATCH_ID = "session-watch"
CHECK_EVERY_MS = 60_000

_START_TIMER = (
    "window.clearInterval(window.__adminPortalSessionWatch);"
    "window.__adminPortalSessionWatch = window.setInterval("
    f"() => document.getElementById('{WATCH_ID}')?.click(), {CHECK_EVERY_MS});"
)


def session_watch() -> rx.Component:
    return rx.el.button(
        "session check",
        id=WATCH_ID,
        type="button",
        hidden=True,
        tab_index=-1,
        on_click=SessionState.check_session,
        on_mount=rx.call_script(_START_TIMER),
    )

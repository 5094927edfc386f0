"""The last move of every successful login: a full navigation that swaps the ticket for a cookie.

Shared by Logga in (password only) and the two-factor step, so the ticket travels one way:
in a POST body (see `session_handoff`), never in a URL.
"""

from __future__ import annotations

import reflex as rx

from admin_portal.state.session_handoff import start_session_script


def go_to_session(ticket: str, next_path: str) -> rx.event.EventSpec:
    """Submit the one-time ticket and the (already safe) next path to the session route."""
    # A full navigation: the cookie is set by an HTTP response, never by JavaScript.
    return rx.call_script(start_session_script(ticket, next_path))

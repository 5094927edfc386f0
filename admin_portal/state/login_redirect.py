"""The last move of every successful login: a full navigation that swaps the ticket for a cookie.

Shared by Logga in (password only) and the two-factor step, so the ticket travels one way.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx

from admin_portal import routes


def go_to_session(ticket: str, next_path: str) -> rx.event.EventSpec:
    """Navigate to the session route with the one-time ticket and the (already safe) next path."""
    target = f"{routes.API_SESSION}?{urlencode({'ticket': ticket, 'next': next_path})}"
    # A full navigation: the cookie is set by an HTTP response, never by JavaScript.
    return rx.call_script(f"window.location.assign({json.dumps(target)})")

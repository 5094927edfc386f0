"""How a login ticket reaches the session route: in a POST body, never in a URL.

A ticket in a URL (`/api/session?ticket=...`) lands in the server's access log, in the
browser's history and in any proxy's log. The login handlers instead hand the browser a
small script that submits a hidden form: a full navigation (so the HttpOnly cookie is set
by an HTTP response, never by JavaScript) whose body carries the ticket. The route answers
with a 303 to the next page, so history holds only that page.
"""

from __future__ import annotations

import json

from admin_portal import routes


def start_session_script(ticket: str, next_path: str) -> str:
    """JavaScript (for `rx.call_script`) that POSTs the ticket to the session route.

    Args:
        ticket: The one-minute, single-use login ticket.
        next_path: Where the route sends the browser afterwards (checked again there).

    Returns:
        A self-contained script; every value is JSON-encoded, so nothing can break out.
    """
    fields = json.dumps({"ticket": ticket, "next": next_path})
    action = json.dumps(routes.API_SESSION)
    return (
        "(() => {"
        "const form = document.createElement('form');"
        f"form.method = 'post'; form.action = {action}; form.hidden = true;"
        f"for (const [name, value] of Object.entries({fields})) {{"
        "const input = document.createElement('input');"
        "input.type = 'hidden'; input.name = name; input.value = value;"
        "form.appendChild(input);"
        "}"
        "document.body.appendChild(form);"
        "form.submit();"
        "})()"
    )

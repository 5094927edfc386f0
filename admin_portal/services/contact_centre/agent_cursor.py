"""The signed keyset cursor of the agent list (the users list's cursor, for agents).

Opaque to the client: base64 JSON of the last row's sort key (last name, first name, id)
and the first page's bounded count, with a MAC that also covers what was asked (text,
group, queue filter) and who asked, so a cursor only continues the list it came from and
a forged or stale one starts the list over. Same format and key derivation idea as
`admin_portal.search.cursor`, with its own key label: a users-list cursor is no agent
cursor.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from admin_portal.auth.permissions import Actor
from admin_portal.config import get_settings

CURSOR_MAX = 2000  # characters; anything longer is not ours


@dataclass(frozen=True)
class AgentCursor:
    after: tuple[str, str, int]  # (last_name, first_name, user id) of the previous page's end
    total: int
    more: bool  # the count is a lower bound ("1000+")


def _mac(actor: Actor, bound: list[object], payload: bytes) -> bytes:
    key = hashlib.sha256(b"agent-list-cursor:" + get_settings().secret_key.encode()).digest()
    asked = json.dumps([actor.user_id, *bound], ensure_ascii=True).encode()
    return hmac.new(key, asked + b"\x00" + payload, hashlib.sha256).digest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_agent_cursor(
    actor: Actor, bound: list[object], after: tuple[str, str, int], *, total: int, more: bool
) -> str:
    """Opaque and signed; `bound` is what was asked (it must be given again to decode)."""
    payload = json.dumps(
        {"k": list(after), "n": total, "m": more}, ensure_ascii=False, separators=(",", ":")
    ).encode()
    return f"{_b64(payload)}.{_b64(_mac(actor, bound, payload))}"


def decode_agent_cursor(actor: Actor, bound: list[object], cursor: object) -> AgentCursor | None:
    """Where a cursor continues; None (start over) for anything encode_agent_cursor did
    not make for this actor and this question."""
    if not isinstance(cursor, str) or len(cursor) > CURSOR_MAX or cursor.count(".") != 1:
        return None
    body, mac = cursor.split(".")
    try:
        payload = _unb64(body)
        if not hmac.compare_digest(_unb64(mac), _mac(actor, bound, payload)):
            return None
        data = json.loads(payload)
    except ValueError:  # bad base64, bad UTF-8 or bad JSON
        return None
    if not isinstance(data, dict):
        return None
    key, total, more = data.get("k"), data.get("n"), data.get("m")
    if (
        not isinstance(key, list)
        or len(key) != 3
        or not isinstance(key[0], str)
        or not isinstance(key[1], str)
        or type(key[2]) is not int
        or type(total) is not int
        or type(more) is not bool
    ):
        return None
    return AgentCursor(after=(key[0], key[1], key[2]), total=total, more=more)

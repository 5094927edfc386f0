"""The signed keyset cursor of the users list.

Opaque to the client: base64 JSON of the last row's sort key and what the first page
learnt (the count, the density of matches), with a MAC that also covers the query, so a
cursor only continues the list it came from and a forged one starts the list over.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from admin_portal.auth.permissions import Actor
from admin_portal.config import get_settings
from admin_portal.search.query import SortKey, UserQuery


def _cursor_mac(actor: Actor, q: UserQuery, payload: bytes) -> bytes:
    # The MAC covers the query too: a cursor only continues the list it came from.
    bound = json.dumps(
        [
            actor.user_id,
            q.text,
            q.company_id,
            q.unit_id,
            q.user_type,
            q.email_state,
            q.status,
            q.sort,
            q.descending,
        ],
        ensure_ascii=True,
    ).encode()
    key = hashlib.sha256(b"user-search-cursor:" + get_settings().secret_key.encode()).digest()
    return hmac.new(key, bound + b"\x00" + payload, hashlib.sha256).digest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(
    actor: Actor,
    q: UserQuery,
    values: Sequence[object],
    *,
    total: int,
    more: bool,
    probe_hits: int,
    small: bool,
) -> str:
    """Opaque and signed: base64 JSON of the last row's sort key and the first page's count.

    The count travels with the cursor so later pages need no count query: the list says
    "1000+" (or 37) as it did when the search started. So does what the first page learnt
    about the scope (small enough to read? how dense are matches?), which shapes the next
    pages' queries.
    """
    payload = json.dumps(
        {"k": [_jsonable(v) for v in values], "n": total, "m": more, "p": probe_hits, "s": small},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    return f"{_b64(payload)}.{_b64(_cursor_mac(actor, q, payload))}"


@dataclass(frozen=True)
class Cursor:
    after: tuple[object, ...]  # the sort key of the previous page's last row
    total: int
    more: bool
    probe_hits: int
    small: bool


def decode_cursor(actor: Actor, q: UserQuery) -> Cursor | None:
    """Where a cursor continues; None (start over) for anything not made by encode_cursor."""
    if q.cursor is None or q.cursor.count(".") != 1:
        return None
    body, mac = q.cursor.split(".")
    try:
        payload = _unb64(body)
        if not hmac.compare_digest(_unb64(mac), _cursor_mac(actor, q, payload)):
            return None
        data = json.loads(payload)
    except ValueError:  # bad base64, bad UTF-8 or bad JSON
        return None
    if not isinstance(data, dict):
        return None
    after, total, more = _typed_sort_values(q.sort, data.get("k")), data.get("n"), data.get("m")
    probe_hits, small = data.get("p"), data.get("s")
    if (
        after is None
        or type(total) is not int
        or type(more) is not bool
        or type(probe_hits) is not int
        or type(small) is not bool
    ):
        return None
    return Cursor(after=after, total=total, more=more, probe_hits=probe_hits, small=small)


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _typed_sort_values(sort: SortKey, values: object) -> tuple[object, ...] | None:
    if not isinstance(values, list):
        return None
    kinds: dict[SortKey, tuple[type, ...]] = {
        "name": (str, str, int),
        "username": (str, int),
        "created": (str, int),
    }
    expected = kinds[sort]
    if len(values) != len(expected) or not all(
        isinstance(v, k) and not isinstance(v, bool) for v, k in zip(values, expected, strict=True)
    ):
        return None
    if sort == "created":
        try:
            created = datetime.fromisoformat(values[0])
        except ValueError:
            return None
        if created.tzinfo is None:
            return None
        return (created, values[1])
    return tuple(values)


def sort_values(sort: SortKey, row: Any) -> tuple[object, ...]:
    if sort == "name":
        return (row.last_name, row.first_name, row.id)
    if sort == "username":
        return (row.username_key, row.id)
    return (row.created_at, row.id)

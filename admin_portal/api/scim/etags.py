"""SCIM ETags (RFC 7644 §3.14): meta.version, the ETag header, If-Match and If-None-Match.

A version is a weak ETag over what the resource shows, computed when it is read (no
version column): for a User its row's updated_at plus what SCIM keeps beside the row
(externalId, active) and its placement's names; for a Group (a unit) its name and
member ids. Any change a client could see changes the version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from starlette.requests import Request

from admin_portal.api.machine import ApiRefusal


def weak_etag(parts: Iterable[object]) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def _tags(header: str) -> list[str]:
    return [t.strip() for t in header.split(",") if t.strip()]


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def matches(header: str, current: str) -> bool:
    """Whether an If-Match / If-None-Match list names `current` (or is "*").

    Compared on the opaque part (weak comparison): the versions are weak ETags, and
    clients echo meta.version with or without the W/ prefix.
    """
    tags = _tags(header)
    return "*" in tags or _opaque(current) in {_opaque(t) for t in tags}


def check_if_match(request: Request, current: str) -> None:
    """412 when the request carries If-Match and it does not name the current version."""
    header = request.headers.get("if-match")
    if header is not None and not matches(header, current):
        raise ApiRefusal(412, "api.version_mismatch")


def not_modified(request: Request, current: str) -> bool:
    header = request.headers.get("if-none-match")
    return header is not None and matches(header, current)

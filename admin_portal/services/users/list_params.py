"""The users list's view as URL parameters: shared by the page and the export route.

The page keeps its search and filters in the URL (a bookmark reloads the same view), and
"Exportera" hands the export route that same query string, so what the admin sees is what
the file holds. Every value is checked here; anything unknown falls back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping

from admin_portal.models import USER_TYPE_CHOICES
from admin_portal.search.query import EMAIL_STATES, SORTS, STATUSES, UserQuery

# URL parameter -> field. Swedish parameter names: the URL is the admin's bookmark.
URL_PARAMS = {
    "q": "text",
    "foretag": "company_id",
    "enhet": "unit_id",
    "typ": "user_type",
    "epost": "email_state",
    "status": "status",
    "sortering": "sort",
    "ordning": "direction",
}
CHOICES: dict[str, set[str]] = {
    "user_type": {"", *USER_TYPE_CHOICES},
    "email_state": {"", *EMAIL_STATES},
    "status": set[str](STATUSES),
    "sort": set[str](SORTS),
    "direction": {"asc", "desc"},
}
DEFAULTS = {
    "text": "",
    "company_id": "",
    "unit_id": "",
    "user_type": "",
    "email_state": "",
    "status": "active",
    "sort": "name",
    "direction": "asc",
}


def clean_param(field: str, value: object) -> str:
    """A field's value as the page keeps it (a string), or the field's default."""
    text = value if isinstance(value, str) else ""
    if field in CHOICES:
        return text if text in CHOICES[field] else DEFAULTS[field]
    if field in ("company_id", "unit_id"):
        return text if text.isdigit() and len(text) < 12 else ""
    return text[:200]


def fields_from_params(params: Mapping[str, str]) -> dict[str, str]:
    """Every field from URL parameters (one value each), cleaned."""
    return {
        field: clean_param(field, params.get(key, "")) or DEFAULTS[field]
        for key, field in URL_PARAMS.items()
    }


def params_from_fields(fields: Mapping[str, str]) -> dict[str, str]:
    """The URL parameters for a view: only fields that differ from their default."""
    return {
        key: fields[field]
        for key, field in URL_PARAMS.items()
        if fields.get(field, DEFAULTS[field]) != DEFAULTS[field]
    }


def query_from_fields(fields: Mapping[str, str], *, cursor: str | None = None) -> UserQuery:
    """The search the fields describe (unknown or missing fields take their defaults)."""

    def get(field: str) -> str:
        return clean_param(field, fields.get(field, DEFAULTS[field])) or DEFAULTS[field]

    return UserQuery(
        text=get("text"),
        company_id=int(get("company_id")) if get("company_id") else None,
        unit_id=int(get("unit_id")) if get("unit_id") else None,
        user_type=get("user_type") or None,
        email_state=get("email_state") or None,  # type: ignore[arg-type]
        status=get("status"),  # type: ignore[arg-type]
        sort=get("sort"),  # type: ignore[arg-type]
        descending=get("direction") == "desc",
        cursor=cursor,
    )

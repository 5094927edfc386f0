"""Substring matching over a user's name, username and e-mail for the small, unindexed lists.

The big lists (Användare, the user bank's text search) go through services.user_search
and its trigram indexes; this is for lists already narrowed by an index (a date range,
the brukare of one scope).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlmodel import col

from admin_portal.models import User
from admin_portal.services.user_search import _case_variants

_MAX_SPELLINGS = 64


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def user_text_condition(folded: str) -> Any:
    """Substring over name, username and e-mail, case-insensitive also for å, ä, ö.

    The keys are stored case-folded. Names are not, and the databases' LIKE (and lower()
    under a C locale) fold ASCII only, so each spelling of the non-ASCII letters is tried.
    """
    full_name = col(User.first_name) + " " + col(User.last_name)
    spellings = _case_variants(folded, _MAX_SPELLINGS) or [folded]
    return or_(
        *[full_name.ilike(_like(spelling), escape="\\") for spelling in spellings],
        col(User.username_key).like(_like(folded), escape="\\"),
        col(User.email_key).like(_like(folded), escape="\\"),
    )

"""SCIM filters' text comparisons (eq, ne, sw, ew, co) as SQL, and the error for what is not
supported."""

from __future__ import annotations

from typing import Any

from scim2_models.path.expressions import CompareOperator
from sqlalchemy import ColumnElement, literal_column

from admin_portal.search.ddl import pg_key_trigram_text, pg_key_trigram_value
from admin_portal.search.text import like_escape
from admin_portal.services.errors import ServiceError


class BadFilter(ServiceError):
    """The filter names an attribute or operator this endpoint cannot evaluate."""

    def __init__(self) -> None:
        super().__init__("api.bad_filter")


def text_match(column: Any, op: CompareOperator, value: str) -> ColumnElement[bool]:
    """`column` compared with `value` by the SCIM operator `op` (LIKE with escapes).

    Raises:
        BadFilter: an operator without a text comparison (gt, lt, ...).
    """
    if op is CompareOperator.eq:
        return column == value
    if op is CompareOperator.ne:
        return column != value
    if op is CompareOperator.sw:
        return column.like(f"{like_escape(value)}%", escape="\\")
    if op is CompareOperator.ew:
        return column.like(f"%{like_escape(value)}", escape="\\")
    if op is CompareOperator.co:
        return column.like(f"%{like_escape(value)}%", escape="\\")
    raise BadFilter()


def key_trigrams(column: str, op: CompareOperator, value: str) -> ColumnElement[bool]:
    """PostgreSQL: a superset test for `users.<column> <op> value` (co, ew; `value` folded
    as the key is) served by the key's own trigram index (search/ddl.py
    PG_KEY_TRGM_INDEXES), spelt as the index spells its expression."""
    translated: ColumnElement[str] = literal_column(pg_key_trigram_text(f"users.{column}"))
    return text_match(translated, op, pg_key_trigram_value(value))

"""SCIM filters' text comparisons (eq, ne, sw, ew, co) as SQL, and the error for what is not
supported."""

from __future__ import annotations

from typing import Any

from scim2_models.path.expressions import CompareOperator
from sqlalchemy import ColumnElement

from admin_portal.services.errors import ServiceError


class BadFilter(ServiceError):
    """The filter names an attribute or operator this endpoint cannot evaluate."""

    def __init__(self) -> None:
        super().__init__("api.bad_filter")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
        return column.like(f"{_like_escape(value)}%", escape="\\")
    if op is CompareOperator.ew:
        return column.like(f"%{_like_escape(value)}", escape="\\")
    if op is CompareOperator.co:
        return column.like(f"%{_like_escape(value)}%", escape="\\")
    raise BadFilter()

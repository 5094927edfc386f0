"""What counts as an id a client sent: an int (never a bool, which is an int in Python).

Ids are 32-bit integers in both databases (ID_MAX). Every "is this an id" test starts
here; the parsers that also accept digit strings (form fields, URLs) build on `is_int`.
"""

from __future__ import annotations

from typing import Final, TypeGuard

ID_MAX: Final = 2**31 - 1


def is_int(value: object) -> TypeGuard[int]:
    """An int and not a bool (True would otherwise pass as the id 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_id(value: object) -> TypeGuard[int]:
    """An int that can be a row's id: 1 to ID_MAX."""
    return is_int(value) and 1 <= value <= ID_MAX

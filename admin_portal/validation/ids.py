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


def parse_id(value: object) -> int | None:
    """A row id a client sent, as an int or as text (a form field, a URL part), else None.

    The one rule for every entrance: an int that `is_id`, or ASCII digits (spaces around
    allowed) naming such an int. Bools, floats, signs, other scripts' digits and numbers no
    row can have are all None, so a forged value is simply "no such id".
    """
    if is_int(value):
        return value if is_id(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(ID_MAX)):
        return None
    number = int(text)
    return number if is_id(number) else None


def parse_ids(value: object) -> tuple[int, ...]:
    """Ids from a list a client sent: each parsed by `parse_id`, sorted, no repeats.

    Only a real collection counts: a forged str "12" must not mean the ids 1 and 2.
    """
    items = value if isinstance(value, list | tuple | set | frozenset) else ()
    return tuple(sorted({i for i in (parse_id(x) for x in items) if i is not None}))

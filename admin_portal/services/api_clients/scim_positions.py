"""SCIM paging: a deep startIndex seeks from a remembered position instead of skipping.

SCIM pages by position (startIndex is 1-based, RFC 7644 §3.4.2.4), and a position has no
key to seek by: entry 400,000 of a list is found by skipping 399,999 index entries
(~25 ms on SQLite, ~35 ms on PostgreSQL at 1M users, bench/results/scim_filter.md). So
this module remembers, per list (organisation, filter, sort, direction), the key of
every MARK_EVERY-th entry, found while skipping to it once: a page at entry n then
starts after the last mark before n and skips fewer than MARK_EVERY entries, by the
same index. Marks live `scim_position_marks_seconds` (Settings) in this process: a list
that changed meanwhile (users added or removed before a mark) may be shifted by those
changes, exactly as if they had happened between the client's two requests, which RFC
7644 §3.4.2.4 allows ("MAY return ... different results if the data changes").
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from admin_portal.config import get_settings

MARK_EVERY = 1_000
# Lists remembered per database (least recently used dropped first).
LISTS_MAX = 64

Key = tuple[Any, ...]


@dataclass
class _Marks:
    made: float
    keys: list[Key] = field(default_factory=list)  # keys[i]: entry (i + 1) * MARK_EVERY
    ends: bool = False  # the list has no entry (len(keys) + 1) * MARK_EVERY


_lists: weakref.WeakKeyDictionary[Any, OrderedDict[Hashable, _Marks]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _marks_of(bind: Any, list_key: Hashable, ttl: int) -> _Marks:
    now = time.monotonic()
    with _lock:
        lists = _lists.setdefault(bind, OrderedDict())
        marks = lists.get(list_key)
        if marks is None or now - marks.made > ttl:
            marks = _Marks(made=now)
            lists[list_key] = marks
            while len(lists) > LISTS_MAX:
                lists.popitem(last=False)
        lists.move_to_end(list_key)
        return marks


def seek(
    bind: Any,
    list_key: Hashable,
    skip: int,
    nth_after: Callable[[Key | None, int], Key | None],
) -> tuple[Key | None, int]:
    """Where a page that skips `skip` entries of a list starts.

    Args:
        bind: the database (an Engine): marks of one database never serve another.
        list_key: what makes the list (organisation, filter, sort, direction).
        skip: the entries before the page (startIndex - 1).
        nth_after: the key of the n-th entry after a key (None: from the list's start),
            or None when there is no such entry; called to place missing marks.

    Returns:
        (the key of the last entry passed, or None for the list's start; how many
        entries after it the page still skips, fewer than MARK_EVERY once marked).
    """
    ttl = get_settings().scim_position_marks_seconds
    if ttl <= 0 or skip < MARK_EVERY:
        return None, skip
    marks = _marks_of(bind, list_key, ttl)
    wanted = skip // MARK_EVERY
    with _lock:
        known, ends = list(marks.keys), marks.ends
    added = False
    while len(known) < wanted and not ends:
        key = nth_after(known[-1] if known else None, MARK_EVERY)
        if key is None:
            ends = True
        else:
            known.append(key)
        added = True
    if added:
        with _lock:
            if len(known) > len(marks.keys):
                marks.keys, marks.ends = known, ends
    used = min(wanted, len(known))
    if used == 0:
        return None, skip
    return known[used - 1], skip - used * MARK_EVERY


def forget() -> None:
    """Drop every mark (tests)."""
    with _lock:
        _lists.clear()

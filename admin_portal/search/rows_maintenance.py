"""Keeping the name-ordered search rows in order (search/rows_ddl.py).

New users and renamed users go to the table's tail, which every name-sorted search reads
whole (SQLite) or finds away from their neighbours on disk (PostgreSQL). The worker calls
`reorder_if_drifted` every hour; once the tail holds more than REORDER_SHARE of the rows
(and at least REORDER_MIN_TAIL), everything is put in name order again. Searches are
right either way: this only keeps them fast.

What a reordering costs at 1,000,000 users (about 10-15 s): on SQLite, user changes wait
for it (searches keep reading the previous snapshot); on PostgreSQL, CLUSTER makes
searches wait for it (user changes wait too, through the trigger).
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from admin_portal.search import rows_ddl

logger = logging.getLogger(__name__)

REORDER_SHARE = 0.02
REORDER_MIN_TAIL = 1000


def reorder_if_drifted(engine: Engine) -> bool:
    """Reorder the search rows if their tail has grown past the limits. True if it did."""
    with engine.begin() as connection:
        if not rows_ddl.has_search_rows(connection):
            return False
        tail, total = rows_ddl.tail_size(connection)
        if tail <= max(REORDER_MIN_TAIL, total * REORDER_SHARE):
            return False
        rows_ddl.reorder_search_rows(connection)
    logger.info("search rows reordered: %d of %d were out of order", tail, total)
    return True

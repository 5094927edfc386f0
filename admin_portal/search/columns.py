"""The users columns the search reads: one list, which the covering indexes carry.

Every column a predicate, a sort key or a result row reads. `ddl.btree_index_ddl` makes
the busiest ordering indexes carry exactly these (besides their keys), so a walk along
them never visits the table; a column added here is carried there too.
"""

from __future__ import annotations

from typing import Final

SEARCHED_COLUMNS: Final = (
    "id",
    "first_name",
    "last_name",
    "username",
    "username_key",
    "email",
    "email_key",
    "email_verified_at",
    "user_type",
    "status",
    "numeric_id",
    "company_id",
    "unit_id",
    "created_at",
)

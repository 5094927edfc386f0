"""The name-ordered search rows path of the users search (rows_ddl.py builds the rows).

A substring sorted by name goes through them where they exist: on SQLite the matches
stream from their FTS5 table in name order, so page and count stop after the rows they
need (the tail of rows not yet reordered is read whole and merged); on PostgreSQL the
text-index path reads the rows, which lie in name order on disk, instead of `users`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select

from admin_portal.models.search_rows import ROWS_TABLE, search_rows, search_rows_fts
from admin_portal.search import rows_ddl
from admin_portal.search.columns import SEARCHED_COLUMNS
from admin_portal.search.shape import Columns, SearchShape
from admin_portal.search.text import doc_contains, fts_match


class RowsPaths(SearchShape):
    """The search's reads of the name-ordered search rows."""

    def _rows(self) -> Columns:
        rows = search_rows
        return Columns(
            get=lambda n: rows.c["user_id" if n == "id" else n],
            prefix=f"{ROWS_TABLE}.",
        )

    def _rows_source(self, source: Any) -> Any:
        """`source` joined to users when the filters need their columns."""
        if not (self.q.user_type or self.q.email_state):
            return source
        rows = search_rows
        return source.join(self.users, self.users.c.id == rows.c.user_id)

    def _rows_keys(self) -> list[Any]:
        rows = search_rows
        return [rows.c.user_id.label("id"), rows.c.last_name, rows.c.first_name]

    def _streamed_matches(self, *extra: ColumnElement[bool]) -> Select[Any]:
        """SQLite: the matches in scope, as their FTS5 table yields them (by pos)."""
        rows = search_rows
        fts, matched = fts_match(self.q.text, search_rows_fts)
        source = self._rows_source(fts.join(rows, rows.c.pos == fts.c.rowid))
        return (
            select(*self._rows_keys())
            .select_from(source)
            .where(matched, *self.scope(self._rows()), *self.filters(self.u), *extra)
        )

    def _streamed_page(self) -> list[Any]:
        """SQLite: page_size + 1 matches in name order, reading little more than those.

        The ordered part (pos <= ordered_upto) is in exact name order by pos, so its matches
        stream from the FTS5 table in that order and the LIMIT stops the read. The tail
        (rows added or renamed since the last reordering) is read whole, sorted, and merged.
        """
        rows = search_rows
        rc = self._rows()
        wanted = self.q.page_size + 1
        upto = rows_ddl.ordered_upto(self.session.connection())
        pos = search_rows_fts.c.rowid
        bound = []
        if self.after is not None:
            # Continue right after the previous page's last row when it is still in place.
            last, first, user_id = self.after
            at = self.session.execute(
                select(rows.c.pos).where(
                    rows.c.user_id == user_id,
                    rows.c.last_name == last,
                    rows.c.first_name == first,
                    rows.c.pos <= upto,
                )
            ).scalar()
            if at is not None:
                bound = [pos < at if self.q.descending else pos > at]
        ordered = self._streamed_matches(pos <= upto, *bound, *self.keyset(rc))
        ordered = ordered.order_by(pos.desc() if self.q.descending else pos).limit(wanted)
        tail = self._streamed_matches(pos > upto, *self.keyset(rc))
        tail = tail.order_by(*self.order_by(rc)).limit(wanted)
        found = [*self.session.execute(ordered).all(), *self.session.execute(tail).all()]
        # SQLite orders text by code point, as Python does.
        found.sort(key=lambda r: (r.last_name, r.first_name, r.id), reverse=self.q.descending)
        ids = [r.id for r in found[:wanted]]
        if not ids:
            return []
        page = (
            select(*(self.users.c[n] for n in SEARCHED_COLUMNS))
            .where(self.users.c.id.in_(ids))
            .subquery("p")
        )
        return self._named(page, Columns(get=lambda n: page.c[n], prefix="p."))

    def _rows_matched_page(self, *, counted: bool) -> list[Any]:
        """PostgreSQL: every match's sort key from the search rows' trigram index, the first
        page_size + 1 in order (counted: each also carries the number of all matches).

        The rows lie in name order on disk, so a common surname's matches are read from a
        few hundred neighbouring pages rather than one page of `users` each.
        """
        rows = search_rows
        rc = self._rows()
        keys = self._rows_keys()
        if counted:
            keys.append(func.count().over().label("matches"))
        matching = (
            select(*keys)
            .select_from(self._rows_source(rows))
            .where(
                *self.scope(rc),
                *self.filters(self.u),
                doc_contains(self.dialect, self.q.text, rc.prefix, stored=True),
                *self.keyset(rc),
            )
            .offset(literal_column("0"))  # planned for all matches, through the GIN index
            .subquery("m")
        )
        return self._finish_keys(matching, counted=counted)

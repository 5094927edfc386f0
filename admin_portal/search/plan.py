"""Användare: the users table an administrator searches, filters, sorts and pages.

Built for 1,000,000 users (bench/users_search.py measures it). A request is a few bounded
queries, never one per row, and the service, not the database planner, picks each query's
shape, because planners misjudge what decides the cost: whether the rows matching a
search are spread through the sort order (a page is then a short walk along an ordered
index) or bunched ("svensson" sorted by name: a walk would read every name before S).

- A scope of at most SMALL_SCOPE rows (a unit, a small company) is simply read.
- In a bigger one, the first PROBE_ROWS rows in sort order are read (a covering index
  makes that cheap) to see how dense the matches are there.
- Count, bounded at COUNT_CAP ("1000+"): dense matches are counted by reading on; others
  through the text index (SQLite FTS5 trigram table, PostgreSQL pg_trgm GIN, or b-tree
  prefix ranges for 1–2 characters), which stops after COUNT_CAP + 1.
- Page, keyset-paged: walk the ordered index for a few times the rows the density says a
  page needs; if the walk runs out first (few matches, or many bunched further on), the
  text index produces every match after the cursor and only their sort keys are sorted.
  That last case, a surname held by tens of thousands, costs in proportion to them; when
  the count would read every match as well, one statement gives page and count. A 1–2
  character text instead takes the best of each prefix range's own first page.
- The count and the density travel in the signed cursor: later pages run one query,
  after a short walk on from the cursor (bunched matches continue right there).
- A substring sorted by name, where the name-ordered search rows exist
  (rows_ddl.py, read by rows.py), goes through them instead: on SQLite the matches stream
  from their FTS5 table in name order, so page and count stop after the rows they need
  (the tail of rows not yet reordered is read whole and merged); on PostgreSQL the
  text-index path reads the rows, which lie in name order on disk, instead of `users`.

Scope is applied in every query: the actor's organisation always, and for administrators
who are not head administrators only their companies and units (sub-units included).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, literal_column, or_, select, union

from admin_portal.models import UserStatus
from admin_portal.search import ddl
from admin_portal.search.columns import SEARCHED_COLUMNS
from admin_portal.search.query import SORT_COLUMNS
from admin_portal.search.rows import RowsPaths
from admin_portal.search.shape import Columns, Count
from admin_portal.search.text import fts_match

# "1000+": counting every match of "a" among a million users is what makes naive admin
# lists slow; nobody pages through more than a thousand rows.
COUNT_CAP = 1000
# A scope this small (a unit, a small company) is simply read: counted exactly, paged
# completely. Reading 5,000 rows is a few milliseconds.
SMALL_SCOPE = 5000
# A big scope's first PROBE_ROWS rows in sort order are read first to see how dense the
# matches are. Dense ones ("an", "gmail") are then counted to COUNT_CAP + 1 by reading on
# (at most COUNT_WALK_MAX rows) rather than through an index, and a page walks along the
# sort order for a few times the rows a page should need (at most WALK_MAX) before it
# lets the text index find every match instead. Walking the covering org index costs
# about a microsecond a row or less.
PROBE_ROWS = 3000
COUNT_WALK_MAX = 12000
WALK_MAX = 10000


class Search(RowsPaths):
    """Picks the shape of the count and of the page for one cleaned query."""

    def _matches(self, *, key_lookup: bool = False) -> Select[Any]:
        """Every matching row, found through the text index where there is one.

        key_lookup: the caller reads no more than ddl.SQLITE_KEY_COLUMNS, so on
        SQLite each FTS match may be looked up in that narrow index instead of the table.
        """
        u = self.u
        where = [*self.scope(u), *self.filters(u)]
        columns = [self.users.c[n] for n in SEARCHED_COLUMNS]
        if self.fts and self.trigram:
            fts, matched = fts_match(self.q.text)
            if self.numeric is None:
                # "+rowid" keeps SQLite from probing the FTS table once per user row: it
                # must read the matches and look each user up, stopping at any LIMIT.
                rowid: ColumnElement[int] = literal_column(f"+{ddl.SQLITE_FTS_TABLE}.rowid")
                stmt = (
                    select(*columns)
                    .select_from(fts)
                    .join(self.users, self.users.c.id == rowid)
                    .where(matched, *where)
                )
                if key_lookup and self.key_index:
                    hint = f"INDEXED BY {ddl.SQLITE_KEY_INDEX}"
                    stmt = stmt.with_hint(self.users, hint, "sqlite")
                return stmt
            by_text = select(fts.c.rowid).where(matched)
            either = or_(self.users.c.id.in_(by_text), self.users.c.numeric_id == self.numeric)
            return select(*columns).where(either, *where)
        # PostgreSQL: the GIN index serves text_match; prefixes use the prefix indexes.
        # SQLite without the FTS table (create_all in unit tests): a row-by-row test.
        return select(*columns).where(*where, *self.text_match(u, stored=True))

    def count(self) -> Count:
        """How many rows match, bounded at COUNT_CAP; the method depends on the scope's size."""
        u = self.u
        if self.cursor is not None:  # a later page: the first page counted
            c = self.cursor
            return Count(c.total, c.more, small_scope=c.small, probe_hits=c.probe_hits)
        scope_rows = self._bounded_count(
            select(literal_column("1")).where(*self.scope(u)), SMALL_SCOPE
        )
        if scope_rows <= SMALL_SCOPE:
            n = self._bounded_count(
                select(literal_column("1")).where(
                    *self.scope(u), *self.filters(u), *self.text_match(u)
                ),
                COUNT_CAP,
            )
            return Count(min(n, COUNT_CAP), n > COUNT_CAP, small_scope=True, probe_hits=-1)
        if self.everything_matches:
            n = self._bounded_count(select(literal_column("1")).where(*self.scope(u)), COUNT_CAP)
            return Count(min(n, COUNT_CAP), n > COUNT_CAP, small_scope=False, probe_hits=-1)
        if self.streamed:
            n = self._bounded_count(self._streamed_matches(), COUNT_CAP)
            return Count(min(n, COUNT_CAP), n > COUNT_CAP, small_scope=False, probe_hits=-1)
        probe_hits = self._window_count(PROBE_ROWS)
        if probe_hits and not (self.fts and self.trigram):
            # FTS5 streams matches cheaply; elsewhere dense matches are counted by reading on.
            needed = (COUNT_CAP + 1) * PROBE_ROWS // probe_hits
            if needed <= COUNT_WALK_MAX:
                n = self._window_count(min(COUNT_WALK_MAX, needed * 3 // 2))
                if n > COUNT_CAP:
                    return Count(COUNT_CAP, True, small_scope=False, probe_hits=probe_hits)
        if self.q.text and not self.trigram:
            n = self._prefix_count()
        elif self.q.text and probe_hits <= self.q.page_size:
            # The probe did not find a page, and too few matches for a walk to find one: the
            # page will come from the text index, which then reads every match anyway.
            if self.dialect == "sqlite" and not self._narrow():
                n = self._keyed_count()
            else:
                # A bitmap scan reads every match before it yields one, and so does an FTS5
                # count when most matches lie outside the scope: the count costs what the
                # page costs, and one statement gives both.
                self.early_page = self._matched_page(counted=True)
                n = self.early_page[0].matches if self.early_page else 0
        else:
            # OFFSET 0: planned for all matches (text or filter index), not as an index walk
            # in some order; the LIMIT of the count then stops it after COUNT_CAP + 1 rows.
            # On SQLite with FTS5 the matches stream from the FTS table: that stops early too.
            fenced = (
                self._matches(key_lookup=True)
                .with_only_columns(self.users.c.id)
                .offset(literal_column("0"))
            )
            n = self._bounded_count(
                select(literal_column("1")).select_from(fenced.subquery("m")), COUNT_CAP
            )
        return Count(min(n, COUNT_CAP), n > COUNT_CAP, small_scope=False, probe_hits=probe_hits)

    def _narrow(self) -> bool:
        """Is the scope a small part of its organisation's users (so of the FTS5 table)?"""
        return (
            self.q.status == UserStatus.REMOVED.value
            or not self.actor.is_head_admin
            or self.q.company_id is not None
            or self.q.unit_id is not None
        )

    def _keyed_count(self) -> int:
        """SQLite: the count as the sort keys of at most COUNT_CAP + 1 matches.

        The FTS5 table streams matches, so this stops after COUNT_CAP + 1 in scope. Below
        the cap it has read every match, so the first page is taken from these keys here
        (SQLite orders text by code point, as Python does) and read by id, rather than
        by reading every match again.
        """
        names = SORT_COLUMNS[self.q.sort]  # the sort key, id last
        fenced = (
            self._matches(key_lookup=self.q.sort == "name")
            .with_only_columns(*(self.users.c[n] for n in names))
            .offset(literal_column("0"))
            .subquery("m")
        )
        keys = self.session.execute(
            select(*(fenced.c[n] for n in names)).limit(literal_column(str(COUNT_CAP + 1)))
        ).all()
        if len(keys) <= COUNT_CAP:
            ordered = sorted((tuple(k) for k in keys), reverse=self.q.descending)
            ids = [k[-1] for k in ordered[: self.q.page_size + 1]]
            page = (
                select(*(self.users.c[n] for n in SEARCHED_COLUMNS))
                .where(self.users.c.id.in_(ids))
                .subquery("p")
            )
            self.early_page = self._named(page, Columns(get=lambda n: page.c[n], prefix="p."))
        return len(keys)

    def _prefix_count(self) -> int:
        """Matches of a 1–2 character prefix, counted no further than COUNT_CAP + 1.

        Each prefix range (and the numeric id) is its own index range read, stopped after
        COUNT_CAP + 1 rows; their union is exact below the cap and at least the cap above
        it (a branch that stopped early alone holds COUNT_CAP + 1 matches). One OR query
        would make PostgreSQL build the whole bitmap of, say, every "An…" first.
        """
        u = self.u
        options = self._prefix_options(u, row_test=False)
        if self.numeric is not None:
            options.append(self.users.c.numeric_id == self.numeric)
        branches = []
        for option in options:
            branch = (
                select(self.users.c.id)
                .where(*self.scope(u), *self.filters(u), option)
                .limit(literal_column(str(COUNT_CAP + 1)))
                .subquery()
            )
            branches.append(select(branch.c.id))
        ids = union(*branches).subquery("ids")
        return self._bounded_count(select(ids.c.id), COUNT_CAP)

    def page(self, count: Count) -> list[Any]:
        """page_size + 1 rows after the cursor (the extra row says there is a next page)."""
        if self.early_page is not None:
            return self.early_page  # the count's statement made the page too
        u = self.u
        wanted = self.q.page_size + 1
        if count.small_scope or self.everything_matches:
            # A small scope, or no test at all: the ordered index read stops after one page.
            stmt = select(*(self.users.c[n] for n in SEARCHED_COLUMNS)).where(
                *self.scope(u), *self.filters(u), *self.text_match(u), *self.keyset(u)
            )
            return self._finish(stmt, u)
        if self.streamed:
            return self._streamed_page()
        if self.after is None and count.probe_hits >= wanted:
            return self._window_page(PROBE_ROWS)[0]  # the probe saw a full page in these rows
        walked = False
        if count.lower_bound and count.probe_hits > 0:
            # Many matches, spread at least at the list's start: walk a few times the rows
            # a page needs at that density.
            # Matches of a first name come in clumps (one per surname, as first names sort
            # within it), hence four times the average, not two.
            budget = 4 * wanted * PROBE_ROWS // count.probe_hits
            if budget <= WALK_MAX:
                rows, complete = self._window_page(max(budget, PROBE_ROWS))
                if complete:
                    return rows
                walked = True
        if self.after is not None and not walked:
            # A later page of matches that are bunched in the sort order ("andersson" by
            # name, "anna" by username): where the last page ended, the next ones follow.
            rows, complete = self._window_page(PROBE_ROWS)
            if complete:
                return rows
        if self.q.text and not self.trigram:
            return self._prefix_page()  # a few short index reads, wherever the matches lie
        # Few matches, or many that lie beyond a walk (bunched further on in the sort order,
        # like a common surname): the text index produces every match after the cursor.
        return self._matched_page()

    def _prefix_page(self) -> list[Any]:
        """A 1–2 character search: the best page_size + 1 of each prefix range's own first
        page_size + 1 in sort order (and the numeric id's row).

        Every match lies in some range, so the merged page is exact. Each range is one
        index read: along the org ordering index for the last name sorted by name, through
        the prefix indexes that carry the name (migration 0006) otherwise, sorting only
        that range's keys. Never every match's row, as one OR over the ranges would.
        """
        u = self.u
        wanted = self.q.page_size + 1
        keys = ["id", *(n for n in SORT_COLUMNS[self.q.sort] if n != "id")]
        options = self._prefix_options(u, row_test=False)
        if self.numeric is not None:
            options.append(self.users.c.numeric_id == self.numeric)
        branches = []
        for option in options:
            matching = select(*(self.users.c[n] for n in keys)).where(
                *self.scope(u), *self.filters(u), option, *self.keyset(u)
            )
            if self.dialect == "postgresql":
                # Its ranges are "C"-collated, its orderings not: unfenced, the planner
                # walks an ordering index hoping for the LIMIT, through every row when a
                # range is empty ("LA"). Fenced, the range is read from its prefix index.
                fenced = matching.offset(literal_column("0")).subquery()
                fc = Columns(get=lambda n, f=fenced: f.c[n], prefix="")  # type: ignore[misc]
                matching = select(*(fenced.c[n] for n in keys))
                ordered = matching.order_by(*self.order_by(fc))
            else:
                ordered = matching.order_by(*self.order_by(u))
            branch = ordered.limit(literal_column(str(wanted))).subquery()
            branches.append(select(*(branch.c[n] for n in keys)))
        merged = union(*branches).subquery("m")
        return self._finish_keys(merged)

    def _matched_page(self, *, counted: bool = False) -> list[Any]:
        if self.name_ordered:
            return self._rows_matched_page(counted=counted)
        # The FTS join is driven by the FTS table already ("+rowid"); it needs no fence.
        fence = not (self.fts and self.trigram and self.numeric is None)
        return self._finish(
            self._matches(key_lookup=self.q.sort == "name").where(*self.keyset(self.u)),
            self.u,
            fenced=True,
            fence=fence,
            counted=counted,
        )

    def _window(self, budget: int, *, from_cursor: bool) -> tuple[Select[Any], Columns, bool]:
        """The scope's next `budget` rows in sort order, each tested against text and filters.

        Returns (statement, its columns, whether the window reaches the end of the scope).
        SQLite would read a LIMITed subquery in full, so there the window's end is found
        first with an index-only read and the rows are a plain ordered range scan, which
        stops as soon as a LIMIT is met. PostgreSQL streams a LIMITed subquery as it is.
        """
        u = self.u
        keyset = self.keyset(u) if from_cursor else []
        columns = [self.users.c[n] for n in SEARCHED_COLUMNS]
        if self.dialect == "sqlite":
            boundary = self.session.execute(
                select(*self._sort_columns(u))
                .where(*self.scope(u), *keyset)
                .order_by(*self.order_by(u))
                .limit(1)
                .offset(literal_column(str(budget - 1)))
            ).first()
            stmt = select(*columns).where(
                *self.scope(u),
                *keyset,
                *([] if boundary is None else [self._until(u, tuple(boundary))]),
                *self.filters(u, row_test=True),
                *self.text_match(u, row_test=True),
            )
            return stmt, u, boundary is None
        w = (
            select(*columns)
            .where(*self.scope(u), *keyset)
            .order_by(*self.order_by(u))
            .limit(literal_column(str(budget)))  # a constant: stable plans when prepared
            .subquery("w")
        )
        wc = Columns(get=lambda n: w.c[n], prefix="w.")
        stmt = select(*(w.c[n] for n in SEARCHED_COLUMNS)).where(
            *self.filters(wc), *self.text_match(wc)
        )
        return stmt, wc, False

    def _window_count(self, budget: int) -> int:
        """Matches among the first `budget` scope rows, counting no further than COUNT_CAP + 1."""
        stmt, _, _ = self._window(budget, from_cursor=False)
        return self._bounded_count(stmt, COUNT_CAP)

    def _window_page(self, budget: int) -> tuple[list[Any], bool]:
        """(rows, complete): complete if a full page was found or the scope ended."""
        stmt, c, reaches_end = self._window(budget, from_cursor=True)
        rows = self._finish(stmt, c)
        return rows, reaches_end or len(rows) > self.q.page_size

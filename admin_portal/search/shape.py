"""The SQL pieces of one users search: scope, filters, text, keyset, and reading a page.

`SearchShape` holds what one cleaned query needs in every shape the planner (plan.py)
picks from: the predicates over `users` or a subquery of it, the keyset, and turning the
sort keys of a page's rows into whole rows with their company and unit names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.models import Company, Unit, User
from admin_portal.search import ddl, rows_ddl
from admin_portal.search.columns import SEARCHED_COLUMNS
from admin_portal.search.cursor import decode_cursor
from admin_portal.search.query import INT_MAX, SORT_COLUMNS, UserQuery
from admin_portal.search.text import TRIGRAM_MIN, doc_contains, prefix_ranges


@dataclass(frozen=True)
class Columns:
    """The users columns a predicate reads: `users` itself or a subquery over it."""

    get: Callable[[str], Any]
    prefix: str  # SQL qualifier for the literal search-document expression


@dataclass(frozen=True)
class Count:
    total: int
    lower_bound: bool
    small_scope: bool  # the scope has at most SMALL_SCOPE rows: it was counted by reading it
    probe_hits: int  # matches among the scope's first PROBE_ROWS rows; -1: not probed


class SearchShape:
    """The SQL for one cleaned query, in the shapes the count and the page choose from."""

    def __init__(self, session: Session, actor: Actor, q: UserQuery) -> None:
        self.session = session
        self.actor = actor
        self.q = q
        connection = session.connection()
        self.dialect = connection.dialect.name
        self.fts = self.dialect == "sqlite" and ddl.sqlite_fts_available(connection)
        # The narrow id-keyed index covers scope and name sort, not the filter columns.
        self.key_index = (
            self.fts
            and not (q.user_type or q.email_state)
            and ddl.sqlite_key_index_available(connection)
        )
        self.users: Any = cast(Any, User).__table__
        self.u = Columns(get=lambda n: self.users.c[n], prefix="users.")
        self.cursor = decode_cursor(actor, q)
        self.early_page: list[Any] | None = None
        self.after = None if self.cursor is None else self.cursor.after
        text = q.text
        self.numeric = (
            int(text) if text.isascii() and text.isdigit() and int(text) <= INT_MAX else None
        )
        self.trigram = len(text) >= TRIGRAM_MIN
        # Are all scope rows matches? Then counting and paging need no text or filter test.
        self.everything_matches = not (q.text or q.user_type or q.email_state)
        # A substring sorted by name: the name-ordered search rows can serve it (SQLite:
        # matches stream in name order; PostgreSQL: they lie together on disk).
        self.name_ordered = (
            q.sort == "name"
            and self.trigram
            and self.numeric is None
            and rows_ddl.search_rows_available(connection)
        )
        self.streamed = self.name_ordered and self.dialect == "sqlite"

    # ---- predicates

    def scope(self, c: Columns) -> list[ColumnElement[bool]]:
        """Organisation, status, the actor's companies/units, and the company/unit filters."""
        clauses = [
            c.get("organisation_id") == self.actor.organisation_id,
            # A constant in the SQL (a validated enum value): lets PostgreSQL use the
            # removed users' own trigram index, whatever the statement cache does.
            c.get("status") == literal(self.q.status, literal_execute=True),
        ]
        if not self.actor.is_head_admin:
            granted = []
            if self.actor.company_ids:
                granted.append(c.get("company_id").in_(sorted(self.actor.company_ids)))
            if self.actor.unit_ids:
                granted.append(c.get("unit_id").in_(sorted(self.actor.unit_ids)))
            clauses.append(or_(*granted))
        if self.q.company_id is not None:
            clauses.append(c.get("company_id") == self.q.company_id)
        if self.q.unit_id is not None:
            clauses.append(c.get("unit_id") == self.q.unit_id)
        return clauses

    def filters(self, c: Columns, *, row_test: bool = False) -> list[ColumnElement[bool]]:
        """User type and e-mail state. row_test: never let these pick the index (SQLite "+")."""
        clauses = []
        user_type = self._row_column(c, "user_type") if row_test else c.get("user_type")
        if self.q.user_type is not None:
            clauses.append(user_type == self.q.user_type)
        # email_key is set exactly when email is (F0.8), and is in the filter index. It is
        # never a reason to pick an index ("missing" is 15 % of all users, not selective).
        key, verified = self._row_column(c, "email_key"), self._row_column(c, "email_verified_at")
        if self.q.email_state == "missing":
            clauses.append(key.is_(None))
        elif self.q.email_state == "verified":
            clauses.append(and_(key.is_not(None), verified.is_not(None)))
        elif self.q.email_state == "unverified":
            clauses.append(and_(key.is_not(None), verified.is_(None)))
        return clauses

    def text_match(
        self, c: Columns, *, row_test: bool = False, stored: bool = False
    ) -> list[ColumnElement[bool]]:
        """The text predicate. stored (c is users): on PostgreSQL the GIN-indexed column."""
        if not self.q.text:
            return []
        numeric = [] if self.numeric is None else [c.get("numeric_id") == self.numeric]
        if not self.trigram:
            return [or_(self._prefix_match(c, row_test=row_test), *numeric)]
        return [or_(doc_contains(self.dialect, self.q.text, c.prefix, stored=stored), *numeric)]

    def _prefix_options(self, c: Columns, *, row_test: bool) -> list[ColumnElement[bool]]:
        """One byte-order range per column and case spelling: "starts with", each indexed."""
        options = []
        for name, folded in (
            ("first_name", False),
            ("last_name", False),
            ("username_key", True),
            ("email_key", True),
        ):
            col = self._row_column(c, name) if row_test else c.get(name)
            if self.dialect == "postgresql":
                col = col.collate("C")  # byte order, like the prefix indexes
            for lo, hi in prefix_ranges(self.q.text, fold_all=folded):
                options.append(and_(col >= lo, col < hi))
        return options

    def _prefix_match(self, c: Columns, *, row_test: bool) -> ColumnElement[bool]:
        return or_(*self._prefix_options(c, row_test=row_test))

    def _row_column(self, c: Columns, name: str) -> Any:
        """On SQLite `+column`: tested on each row read, never a reason to pick an index."""
        if self.dialect != "sqlite":
            return c.get(name)
        return literal_column(f"+{c.prefix}{name}", type_=self.users.c[name].type)

    # ---- keyset

    def _sort_columns(self, c: Columns) -> list[Any]:
        return [c.get(n) for n in SORT_COLUMNS[self.q.sort]]

    def order_by(self, c: Columns) -> list[Any]:
        cols = self._sort_columns(c)
        return [col.desc() for col in cols] if self.q.descending else cols

    def _after(self, c: Columns, values: Sequence[object]) -> ColumnElement[bool]:
        cols = self._sort_columns(c)
        bound = tuple_(*(literal(v, type_=col.type) for v, col in zip(values, cols, strict=True)))
        key = tuple_(*cols)
        return key < bound if self.q.descending else key > bound

    def keyset(self, c: Columns) -> list[ColumnElement[bool]]:
        return [] if self.after is None else [self._after(c, self.after)]

    def _until(self, c: Columns, values: Sequence[object]) -> ColumnElement[bool]:
        """Rows up to and including `values` in sort order (an index range bound)."""
        cols = self._sort_columns(c)
        bound = tuple_(*(literal(v, type_=col.type) for v, col in zip(values, cols, strict=True)))
        key = tuple_(*cols)
        return key >= bound if self.q.descending else key <= bound

    # ---- queries

    def _scalar(self, stmt: Any) -> int:
        return int(self.session.execute(stmt).scalar_one())

    def _bounded_count(self, stmt: Select[Any], cap: int) -> int:
        inner: Select[Any] = stmt.with_only_columns(
            literal_column("1"), maintain_column_froms=True
        ).limit(literal_column(str(cap + 1)))
        return self._scalar(select(func.count()).select_from(inner.subquery("c")))

    def _finish(
        self,
        stmt: Select[Any],
        c: Columns,
        *,
        fenced: bool = False,
        fence: bool = True,
        counted: bool = False,
    ) -> list[Any]:
        """The first page_size + 1 rows of `stmt` in sort order, company and unit names joined.

        fenced: `stmt` yields every match and must be planned as such (through the text or
        filter index), not as an ordered index walk the planner would stop early: OFFSET 0
        keeps both databases from merging it into the ordered outer query. Only the sort key
        of each match is carried into the sort; whole rows are read for one page only.
        counted (fenced only): each row also carries `matches`, the number of all matches.
        """
        limit = self.q.page_size + 1
        if fenced:  # stmt selects from users
            keys = [
                self.users.c.id,
                *(self.users.c[n] for n in SORT_COLUMNS[self.q.sort] if n != "id"),
            ]
            if counted:
                keys.append(func.count().over().label("matches"))
            keyed = stmt.with_only_columns(*keys)
            return self._finish_keys(
                (keyed.offset(literal_column("0")) if fence else keyed).subquery("m"),
                counted=counted,
            )
        page = stmt.order_by(*self.order_by(c)).limit(limit).subquery("p")
        return self._named(page, Columns(get=lambda n: page.c[n], prefix="p."))

    def _finish_keys(self, m: Any, *, counted: bool = False) -> list[Any]:
        """The first page_size + 1 of `m` (id and sort key of each match) in sort order,
        each then read whole. counted: `m` also has `matches`, carried into each row."""
        mc = Columns(get=lambda n: m.c[n], prefix="m.")
        top_columns = [m.c.id, *([m.c.matches] if counted else [])]
        top = (
            select(*top_columns)
            .order_by(*self.order_by(mc))
            .limit(self.q.page_size + 1)
            .subquery("top")
        )
        source = self.users.join(top, top.c.id == self.users.c.id)
        return self._named(source, self.u, extra=[top.c.matches] if counted else [])

    def _named(self, source: Any, rows_from: Columns, extra: Sequence[Any] = ()) -> list[Any]:
        """The page's rows from `source` in sort order, company and unit names joined."""
        company: Any = cast(Any, Company).__table__
        unit: Any = cast(Any, Unit).__table__
        named = (
            select(
                *(rows_from.get(n) for n in SEARCHED_COLUMNS),
                company.c.name.label("company_name"),
                unit.c.name.label("unit_name"),
                *extra,
            )
            .select_from(source)
            .join(company, company.c.id == rows_from.get("company_id"))
            .outerjoin(unit, unit.c.id == rows_from.get("unit_id"))
            .order_by(*self.order_by(rows_from))
        )
        return list(self.session.execute(named).all())

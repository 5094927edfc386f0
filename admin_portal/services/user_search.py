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
  (models/search_rows_ddl.py), goes through them instead: on SQLite the matches stream
  from their FTS5 table in name order, so page and count stop after the rows they need
  (the tail of rows not yet reordered is read whole and merged); on PostgreSQL the
  text-index path reads the rows, which lie in name order on disk, instead of `users`.

Scope is applied in every query: the actor's organisation always, and for administrators
who are not head administrators only their companies and units (sub-units included).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast, get_args

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    tuple_,
    union,
)
from sqlalchemy import column as sa_column
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlmodel import Session

from admin_portal.auth.permissions import Actor, can_use_user_bank
from admin_portal.config import get_settings
from admin_portal.models import (
    Company,
    Unit,
    User,
    UserStatus,
    UserType,
    search_ddl,
    search_rows_ddl,
)
from admin_portal.services.errors import PermissionDenied

SortKey = Literal["name", "username", "created"]
EmailState = Literal["verified", "unverified", "missing"]
Status = Literal["active", "removed"]

PAGE_SIZE_DEFAULT = 25
PAGE_SIZE_MAX = 100
TEXT_MAX = 200
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
# Trigrams need three characters; shorter texts search prefixes through b-tree indexes.
TRIGRAM_MIN = 3
# Numeric IDs are 32-bit integers in both databases.
_INT_MAX = 2**31 - 1
_CURSOR_MAX = 2000

_SORTS: tuple[SortKey, ...] = get_args(SortKey)
_EMAIL_STATES: tuple[EmailState, ...] = get_args(EmailState)
_STATUSES: tuple[Status, ...] = get_args(Status)
_USER_TYPES = frozenset(t.value for t in UserType)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class UserQuery:
    """What the admin asked for. Every field may hold anything a client sent: see `clean()`.

    The user bank (removed users, `status="removed"`) can grow this with a removed-date
    range, removed_by and an exact personnummer: each new filter is a field here, a check
    in `clean()`, one clause in `_Search.filters` (or `_Search.scope` when an index leads
    with the column), and a place in the cursor MAC.
    """

    text: str = ""
    company_id: int | None = None
    unit_id: int | None = None
    user_type: str | None = None
    email_state: EmailState | None = None
    status: Status = "active"
    sort: SortKey = "name"
    descending: bool = False
    cursor: str | None = None
    page_size: int = PAGE_SIZE_DEFAULT

    def clean(self) -> UserQuery:
        """A copy with every field valid: unknown choices fall back to their default."""
        return UserQuery(
            text=clean_text(self.text),
            company_id=_clean_id(self.company_id),
            unit_id=_clean_id(self.unit_id),
            user_type=self.user_type if self.user_type in _USER_TYPES else None,
            email_state=self.email_state if self.email_state in _EMAIL_STATES else None,
            status=self.status if self.status in _STATUSES else UserStatus.ACTIVE.value,  # type: ignore[arg-type]
            sort=self.sort if self.sort in _SORTS else "name",
            descending=self.descending is True,
            cursor=self.cursor
            if isinstance(self.cursor, str) and 0 < len(self.cursor) <= _CURSOR_MAX
            else None,
            page_size=_clean_page_size(self.page_size),
        )


@dataclass(frozen=True)
class UserRow:
    """One table row. Absent e-mail and unit are "" so the page can test them directly."""

    id: int
    full_name: str
    first_name: str
    last_name: str
    username: str
    user_type: str
    company_name: str
    unit_name: str
    email: str
    email_state: EmailState
    status: str
    numeric_id: int | None


@dataclass(frozen=True)
class UserPage:
    rows: list[UserRow]
    next_cursor: str | None
    total: int  # matches of the whole query (not only this page), at most COUNT_CAP
    total_is_lower_bound: bool  # True: there are more than `total` ("1000+")


EMPTY_PAGE = UserPage(rows=[], next_cursor=None, total=0, total_is_lower_bound=False)


def search_users(session: Session, *, actor: Actor, query: UserQuery) -> UserPage:
    """One page of the users in the actor's scope that match `query`, plus a bounded count.

    Raises:
        PermissionDenied: the actor administers nothing.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    q = query.clean()
    if _INVALID in (q.company_id, q.unit_id) or not _may_list(actor, q):
        return EMPTY_PAGE  # a forged or outside id: nothing to show, and nothing revealed
    search = _Search(session, actor, q)
    count = search.count()
    if count.total == 0:
        return EMPTY_PAGE
    rows = search.page(count)
    next_cursor = None
    if len(rows) > q.page_size:
        rows = rows[: q.page_size]
        next_cursor = encode_cursor(
            actor,
            q,
            _sort_values(q.sort, rows[-1]),
            total=count.total,
            more=count.lower_bound,
            probe_hits=count.probe_hits,
            small=count.small_scope,
        )
    return UserPage(
        rows=[_to_row(r) for r in rows],
        next_cursor=next_cursor,
        total=count.total,
        total_is_lower_bound=count.lower_bound,
    )


def select_matching_users(
    session: Session, *, actor: Actor, query: UserQuery
) -> Select[Any] | None:
    """Every user the query matches (scope, filters, text), unpaged and unsorted.

    For actions on "the current search and filters" (bulk verification, export): callers
    take it as a subquery (its columns are `MATCH_COLUMNS`, `id` among them) and read or
    page it themselves. None when the query names a company or unit outside the scope.

    Raises:
        PermissionDenied: the actor administers nothing.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    q = query.clean()
    if _INVALID in (q.company_id, q.unit_id) or not _may_list(actor, q):
        return None
    return _Search(session, actor, q)._matches()


def _may_list(actor: Actor, q: UserQuery) -> bool:
    """Removed users are the user bank's: only head administrators list them (F0.4).

    Anyone else asking for them (a forged filter, an old bookmark, an export link) gets
    nothing, as for a company outside their scope.
    """
    return q.status != UserStatus.REMOVED.value or can_use_user_bank(actor)


# --------------------------------------------------------------------------- input


def clean_text(value: object) -> str:
    """NFC, no control characters (so no match can span the document's field separator),
    single spaces, at most TEXT_MAX characters."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFC", value[: TEXT_MAX * 4])
    text = _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()
    return text[:TEXT_MAX].strip()


_INVALID = -1  # marks an id filter that can match nothing


def _clean_id(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= _INT_MAX:
        return value
    return _INVALID


def _clean_page_size(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        return PAGE_SIZE_DEFAULT
    return max(1, min(PAGE_SIZE_MAX, value))


# --------------------------------------------------------------------------- cursor


def _cursor_mac(actor: Actor, q: UserQuery, payload: bytes) -> bytes:
    # The MAC covers the query too: a cursor only continues the list it came from.
    bound = json.dumps(
        [
            actor.user_id,
            q.text,
            q.company_id,
            q.unit_id,
            q.user_type,
            q.email_state,
            q.status,
            q.sort,
            q.descending,
        ],
        ensure_ascii=True,
    ).encode()
    key = hashlib.sha256(b"user-search-cursor:" + get_settings().secret_key.encode()).digest()
    return hmac.new(key, bound + b"\x00" + payload, hashlib.sha256).digest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(
    actor: Actor,
    q: UserQuery,
    values: Sequence[object],
    *,
    total: int,
    more: bool,
    probe_hits: int,
    small: bool,
) -> str:
    """Opaque and signed: base64 JSON of the last row's sort key and the first page's count.

    The count travels with the cursor so later pages need no count query: the list says
    "1000+" (or 37) as it did when the search started. So does what the first page learnt
    about the scope (small enough to read? how dense are matches?), which shapes the next
    pages' queries.
    """
    payload = json.dumps(
        {"k": [_jsonable(v) for v in values], "n": total, "m": more, "p": probe_hits, "s": small},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    return f"{_b64(payload)}.{_b64(_cursor_mac(actor, q, payload))}"


@dataclass(frozen=True)
class _Cursor:
    after: tuple[object, ...]  # the sort key of the previous page's last row
    total: int
    more: bool
    probe_hits: int
    small: bool


def decode_cursor(actor: Actor, q: UserQuery) -> _Cursor | None:
    """Where a cursor continues; None (start over) for anything not made by encode_cursor."""
    if q.cursor is None or q.cursor.count(".") != 1:
        return None
    body, mac = q.cursor.split(".")
    try:
        payload = _unb64(body)
        if not hmac.compare_digest(_unb64(mac), _cursor_mac(actor, q, payload)):
            return None
        data = json.loads(payload)
    except ValueError:  # bad base64, bad UTF-8 or bad JSON
        return None
    if not isinstance(data, dict):
        return None
    after, total, more = _typed_sort_values(q.sort, data.get("k")), data.get("n"), data.get("m")
    probe_hits, small = data.get("p"), data.get("s")
    if (
        after is None
        or type(total) is not int
        or type(more) is not bool
        or type(probe_hits) is not int
        or type(small) is not bool
    ):
        return None
    return _Cursor(after=after, total=total, more=more, probe_hits=probe_hits, small=small)


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _typed_sort_values(sort: SortKey, values: object) -> tuple[object, ...] | None:
    if not isinstance(values, list):
        return None
    kinds: dict[SortKey, tuple[type, ...]] = {
        "name": (str, str, int),
        "username": (str, int),
        "created": (str, int),
    }
    expected = kinds[sort]
    if len(values) != len(expected) or not all(
        isinstance(v, k) and not isinstance(v, bool) for v, k in zip(values, expected, strict=True)
    ):
        return None
    if sort == "created":
        try:
            created = datetime.fromisoformat(values[0])
        except ValueError:
            return None
        if created.tzinfo is None:
            return None
        return (created, values[1])
    return tuple(values)


def _sort_values(sort: SortKey, row: Any) -> tuple[object, ...]:
    if sort == "name":
        return (row.last_name, row.first_name, row.id)
    if sort == "username":
        return (row.username_key, row.id)
    return (row.created_at, row.id)


# --------------------------------------------------------------------------- output


def email_state_of(email_key: str | None, verified_at: datetime | None) -> EmailState:
    if not email_key:
        return "missing"
    return "verified" if verified_at is not None else "unverified"


def _to_row(r: Any) -> UserRow:
    return UserRow(
        id=r.id,
        full_name=f"{r.first_name} {r.last_name}".strip(),
        first_name=r.first_name,
        last_name=r.last_name,
        username=r.username,
        user_type=r.user_type,
        company_name=r.company_name or "",
        unit_name=r.unit_name or "",
        email=r.email or "",
        email_state=email_state_of(r.email_key, r.email_verified_at),
        status=r.status,
        numeric_id=r.numeric_id,
    )


# --------------------------------------------------------------------------- matching


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _case_variants(text: str, limit: int) -> list[str] | None:
    """Every spelling of `text` with non-ASCII letters in either case ("öb" -> öb, Öb).

    SQLite's LIKE folds ASCII only, so "ÖBERG" must also be tried as "öberg". None if
    there would be more than `limit` spellings.
    """
    variants = [""]
    for ch in text:
        options = {ch}
        if not ch.isascii():
            options |= {c for c in (ch.lower(), ch.upper()) if len(c) == 1}
        if len(variants) * len(options) > limit:
            return None
        variants = [v + o for v in variants for o in sorted(options)]
    return variants


def doc_contains(
    dialect: str, text: str, prefix: str = "users.", *, stored: bool = False
) -> ColumnElement[bool]:
    """The search document of a row (columns qualified by `prefix`) contains `text`.

    `text` is cleaned (see clean_text) and has at least TRIGRAM_MIN characters. On
    PostgreSQL, stored: the generated `search_doc` column, which the trigram GIN indexes
    serve (`prefix` must then be a users table); otherwise the same document spelt out
    over the columns, which a walk along a covering index tests without a heap visit. On
    SQLite a row test (LIKE per case spelling of the non-ASCII letters, or GLOB), which
    the FTS5 table can replace (see fts_match).
    """
    if dialect == "postgresql":
        doc: ColumnElement[str] = literal_column(
            f"{prefix}{search_ddl.PG_SEARCH_COLUMN}" if stored else search_ddl.pg_search_doc(prefix)
        )
        return doc.like(f"%{_like_escape(text.lower())}%", escape="\\")
    doc = literal_column(search_ddl.sqlite_search_doc(prefix))
    variants = _case_variants(text, 8)
    if variants is None:  # many non-ASCII letters: spell each letter as [xX]
        return doc.op("GLOB")(_glob_pattern(text))
    return or_(*(doc.like(f"%{_like_escape(v)}%", escape="\\") for v in variants))


def fts_match(text: str, fts: Any = None) -> tuple[Any, ColumnElement[bool]]:
    """SQLite: (an FTS5 trigram table, users_search_fts by default, its MATCH clause for
    the substring `text`)."""
    if fts is None:
        fts = table(search_ddl.SQLITE_FTS_TABLE, sa_column("rowid"))
    phrase = '"' + text.replace('"', '""') + '"'
    return fts, literal_column(fts.name).op("MATCH")(phrase)


def _prefix_ranges(prefix: str, *, fold_all: bool) -> list[tuple[str, str]]:
    """[lo, hi) byte-order ranges equal to "starts with `prefix`", case-insensitively.

    fold_all: the column is stored case-folded (username_key, email_key): one range.
    Otherwise (names) one range per case spelling: at most 4 for two characters.
    """
    if fold_all:
        spellings = [unicodedata.normalize("NFKC", prefix).casefold()]
    else:
        spellings = [""]
        for ch in prefix:
            options = {ch} | {c for c in (ch.lower(), ch.upper(), ch.title()) if len(c) == 1}
            spellings = [s + o for s in spellings for o in sorted(options)]
    ranges = []
    for s in spellings:
        last = ord(s[-1])
        if last >= 0x10FFFF:
            continue
        ranges.append((s, s[:-1] + chr(last + 1)))
    return ranges


@dataclass(frozen=True)
class _Columns:
    """The users columns a predicate reads: `users` itself or a subquery over it."""

    get: Callable[[str], Any]
    prefix: str  # SQL qualifier for the literal search-document expression


# Every column a predicate, a sort key or a result row reads.
MATCH_COLUMNS = _COLUMNS = (
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
_SORT_COLUMNS: dict[SortKey, tuple[str, ...]] = {
    "name": ("last_name", "first_name", "id"),
    "username": ("username_key", "id"),
    "created": ("created_at", "id"),
}


@dataclass(frozen=True)
class _Count:
    total: int
    lower_bound: bool
    small_scope: bool  # the scope has at most SMALL_SCOPE rows: it was counted by reading it
    probe_hits: int  # matches among the scope's first PROBE_ROWS rows; -1: not probed


class _Search:
    """The SQL for one cleaned query, in the shapes the count and the page choose from."""

    def __init__(self, session: Session, actor: Actor, q: UserQuery) -> None:
        self.session = session
        self.actor = actor
        self.q = q
        connection = session.connection()
        self.dialect = connection.dialect.name
        self.fts = self.dialect == "sqlite" and search_ddl.sqlite_fts_available(connection)
        # The narrow id-keyed index covers scope and name sort, not the filter columns.
        self.key_index = (
            self.fts
            and not (q.user_type or q.email_state)
            and search_ddl.sqlite_key_index_available(connection)
        )
        self.users: Any = cast(Any, User).__table__
        self.u = _Columns(get=lambda n: self.users.c[n], prefix="users.")
        self.cursor = decode_cursor(actor, q)
        self.early_page: list[Any] | None = None
        self.after = None if self.cursor is None else self.cursor.after
        text = q.text
        self.numeric = (
            int(text) if text.isascii() and text.isdigit() and int(text) <= _INT_MAX else None
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
            and search_rows_ddl.search_rows_available(connection)
        )
        self.streamed = self.name_ordered and self.dialect == "sqlite"

    # ---- predicates

    def scope(self, c: _Columns) -> list[ColumnElement[bool]]:
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

    def filters(self, c: _Columns, *, row_test: bool = False) -> list[ColumnElement[bool]]:
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
        self, c: _Columns, *, row_test: bool = False, stored: bool = False
    ) -> list[ColumnElement[bool]]:
        """The text predicate. stored (c is users): on PostgreSQL the GIN-indexed column."""
        if not self.q.text:
            return []
        numeric = [] if self.numeric is None else [c.get("numeric_id") == self.numeric]
        if not self.trigram:
            return [or_(self._prefix_match(c, row_test=row_test), *numeric)]
        return [or_(doc_contains(self.dialect, self.q.text, c.prefix, stored=stored), *numeric)]

    def _prefix_options(self, c: _Columns, *, row_test: bool) -> list[ColumnElement[bool]]:
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
            for lo, hi in _prefix_ranges(self.q.text, fold_all=folded):
                options.append(and_(col >= lo, col < hi))
        return options

    def _prefix_match(self, c: _Columns, *, row_test: bool) -> ColumnElement[bool]:
        return or_(*self._prefix_options(c, row_test=row_test))

    def _row_column(self, c: _Columns, name: str) -> Any:
        """On SQLite `+column`: tested on each row read, never a reason to pick an index."""
        if self.dialect != "sqlite":
            return c.get(name)
        return literal_column(f"+{c.prefix}{name}", type_=self.users.c[name].type)

    # ---- keyset

    def _sort_columns(self, c: _Columns) -> list[Any]:
        return [c.get(n) for n in _SORT_COLUMNS[self.q.sort]]

    def order_by(self, c: _Columns) -> list[Any]:
        cols = self._sort_columns(c)
        return [col.desc() for col in cols] if self.q.descending else cols

    def _after(self, c: _Columns, values: Sequence[object]) -> ColumnElement[bool]:
        cols = self._sort_columns(c)
        bound = tuple_(*(literal(v, type_=col.type) for v, col in zip(values, cols, strict=True)))
        key = tuple_(*cols)
        return key < bound if self.q.descending else key > bound

    def keyset(self, c: _Columns) -> list[ColumnElement[bool]]:
        return [] if self.after is None else [self._after(c, self.after)]

    def _until(self, c: _Columns, values: Sequence[object]) -> ColumnElement[bool]:
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

    def _matches(self, *, key_lookup: bool = False) -> Select[Any]:
        """Every matching row, found through the text index where there is one.

        key_lookup: the caller reads no more than search_ddl.SQLITE_KEY_COLUMNS, so on
        SQLite each FTS match may be looked up in that narrow index instead of the table.
        """
        u = self.u
        where = [*self.scope(u), *self.filters(u)]
        columns = [self.users.c[n] for n in _COLUMNS]
        if self.fts and self.trigram:
            fts, matched = fts_match(self.q.text)
            if self.numeric is None:
                # "+rowid" keeps SQLite from probing the FTS table once per user row: it
                # must read the matches and look each user up, stopping at any LIMIT.
                rowid: ColumnElement[int] = literal_column(f"+{search_ddl.SQLITE_FTS_TABLE}.rowid")
                stmt = (
                    select(*columns)
                    .select_from(fts)
                    .join(self.users, self.users.c.id == rowid)
                    .where(matched, *where)
                )
                if key_lookup and self.key_index:
                    hint = f"INDEXED BY {search_ddl.SQLITE_KEY_INDEX}"
                    stmt = stmt.with_hint(self.users, hint, "sqlite")
                return stmt
            by_text = select(fts.c.rowid).where(matched)
            either = or_(self.users.c.id.in_(by_text), self.users.c.numeric_id == self.numeric)
            return select(*columns).where(either, *where)
        # PostgreSQL: the GIN index serves text_match; prefixes use the prefix indexes.
        # SQLite without the FTS table (create_all in unit tests): a row-by-row test.
        return select(*columns).where(*where, *self.text_match(u, stored=True))

    def count(self) -> _Count:
        """How many rows match, bounded at COUNT_CAP; the method depends on the scope's size."""
        u = self.u
        if self.cursor is not None:  # a later page: the first page counted
            c = self.cursor
            return _Count(c.total, c.more, small_scope=c.small, probe_hits=c.probe_hits)
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
            return _Count(min(n, COUNT_CAP), n > COUNT_CAP, small_scope=True, probe_hits=-1)
        if self.everything_matches:
            n = self._bounded_count(select(literal_column("1")).where(*self.scope(u)), COUNT_CAP)
            return _Count(min(n, COUNT_CAP), n > COUNT_CAP, small_scope=False, probe_hits=-1)
        if self.streamed:
            n = self._bounded_count(self._streamed_matches(), COUNT_CAP)
            return _Count(min(n, COUNT_CAP), n > COUNT_CAP, small_scope=False, probe_hits=-1)
        probe_hits = self._window_count(PROBE_ROWS)
        if probe_hits and not (self.fts and self.trigram):
            # FTS5 streams matches cheaply; elsewhere dense matches are counted by reading on.
            needed = (COUNT_CAP + 1) * PROBE_ROWS // probe_hits
            if needed <= COUNT_WALK_MAX:
                n = self._window_count(min(COUNT_WALK_MAX, needed * 3 // 2))
                if n > COUNT_CAP:
                    return _Count(COUNT_CAP, True, small_scope=False, probe_hits=probe_hits)
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
        return _Count(min(n, COUNT_CAP), n > COUNT_CAP, small_scope=False, probe_hits=probe_hits)

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
        names = _SORT_COLUMNS[self.q.sort]  # the sort key, id last
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
                select(*(self.users.c[n] for n in _COLUMNS))
                .where(self.users.c.id.in_(ids))
                .subquery("p")
            )
            self.early_page = self._named(page, _Columns(get=lambda n: page.c[n], prefix="p."))
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

    def page(self, count: _Count) -> list[Any]:
        """page_size + 1 rows after the cursor (the extra row says there is a next page)."""
        if self.early_page is not None:
            return self.early_page  # the count's statement made the page too
        u = self.u
        wanted = self.q.page_size + 1
        if count.small_scope or self.everything_matches:
            # A small scope, or no test at all: the ordered index read stops after one page.
            stmt = select(*(self.users.c[n] for n in _COLUMNS)).where(
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
        keys = ["id", *(n for n in _SORT_COLUMNS[self.q.sort] if n != "id")]
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
                fc = _Columns(get=lambda n, f=fenced: f.c[n], prefix="")  # type: ignore[misc]
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

    # ---- the name-ordered search rows (models/search_rows_ddl.py)

    def _rows(self) -> _Columns:
        rows = search_rows_ddl.search_rows
        return _Columns(
            get=lambda n: rows.c["user_id" if n == "id" else n],
            prefix=f"{search_rows_ddl.ROWS_TABLE}.",
        )

    def _rows_source(self, source: Any) -> Any:
        """`source` joined to users when the filters need their columns."""
        if not (self.q.user_type or self.q.email_state):
            return source
        rows = search_rows_ddl.search_rows
        return source.join(self.users, self.users.c.id == rows.c.user_id)

    def _rows_keys(self) -> list[Any]:
        rows = search_rows_ddl.search_rows
        return [rows.c.user_id.label("id"), rows.c.last_name, rows.c.first_name]

    def _streamed_matches(self, *extra: ColumnElement[bool]) -> Select[Any]:
        """SQLite: the matches in scope, as their FTS5 table yields them (by pos)."""
        rows = search_rows_ddl.search_rows
        fts, matched = fts_match(self.q.text, search_rows_ddl.search_rows_fts)
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
        rows = search_rows_ddl.search_rows
        rc = self._rows()
        wanted = self.q.page_size + 1
        upto = search_rows_ddl.ordered_upto(self.session.connection())
        pos = search_rows_ddl.search_rows_fts.c.rowid
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
            select(*(self.users.c[n] for n in _COLUMNS))
            .where(self.users.c.id.in_(ids))
            .subquery("p")
        )
        return self._named(page, _Columns(get=lambda n: page.c[n], prefix="p."))

    def _rows_matched_page(self, *, counted: bool) -> list[Any]:
        """PostgreSQL: every match's sort key from the search rows' trigram index, the first
        page_size + 1 in order (counted: each also carries the number of all matches).

        The rows lie in name order on disk, so a common surname's matches are read from a
        few hundred neighbouring pages rather than one page of `users` each.
        """
        rows = search_rows_ddl.search_rows
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

    def _window(self, budget: int, *, from_cursor: bool) -> tuple[Select[Any], _Columns, bool]:
        """The scope's next `budget` rows in sort order, each tested against text and filters.

        Returns (statement, its columns, whether the window reaches the end of the scope).
        SQLite would read a LIMITed subquery in full, so there the window's end is found
        first with an index-only read and the rows are a plain ordered range scan, which
        stops as soon as a LIMIT is met. PostgreSQL streams a LIMITed subquery as it is.
        """
        u = self.u
        keyset = self.keyset(u) if from_cursor else []
        columns = [self.users.c[n] for n in _COLUMNS]
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
        wc = _Columns(get=lambda n: w.c[n], prefix="w.")
        stmt = select(*(w.c[n] for n in _COLUMNS)).where(*self.filters(wc), *self.text_match(wc))
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

    def _finish(
        self,
        stmt: Select[Any],
        c: _Columns,
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
                *(self.users.c[n] for n in _SORT_COLUMNS[self.q.sort] if n != "id"),
            ]
            if counted:
                keys.append(func.count().over().label("matches"))
            keyed = stmt.with_only_columns(*keys)
            return self._finish_keys(
                (keyed.offset(literal_column("0")) if fence else keyed).subquery("m"),
                counted=counted,
            )
        page = stmt.order_by(*self.order_by(c)).limit(limit).subquery("p")
        return self._named(page, _Columns(get=lambda n: page.c[n], prefix="p."))

    def _finish_keys(self, m: Any, *, counted: bool = False) -> list[Any]:
        """The first page_size + 1 of `m` (id and sort key of each match) in sort order,
        each then read whole. counted: `m` also has `matches`, carried into each row."""
        mc = _Columns(get=lambda n: m.c[n], prefix="m.")
        top_columns = [m.c.id, *([m.c.matches] if counted else [])]
        top = (
            select(*top_columns)
            .order_by(*self.order_by(mc))
            .limit(self.q.page_size + 1)
            .subquery("top")
        )
        source = self.users.join(top, top.c.id == self.users.c.id)
        return self._named(source, self.u, extra=[top.c.matches] if counted else [])

    def _named(self, source: Any, rows_from: _Columns, extra: Sequence[Any] = ()) -> list[Any]:
        """The page's rows from `source` in sort order, company and unit names joined."""
        company: Any = cast(Any, Company).__table__
        unit: Any = cast(Any, Unit).__table__
        named = (
            select(
                *(rows_from.get(n) for n in _COLUMNS),
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


def _sqlite_from_hint(compiler: Any, table: Any, text: str | None) -> str | None:
    return text


# SQLAlchemy renders `select().with_hint(table, text, "sqlite")` only for dialects whose
# compiler places table hints; SQLite's does not, although SQLite has one ("INDEXED BY",
# right after the table name). Only this module passes SQLite hints.
setattr(SQLiteCompiler, "get_from_hint_text", _sqlite_from_hint)  # noqa: B010


def _glob_pattern(text: str) -> str:
    out = []
    for ch in text:
        options = {ch} | {c for c in (ch.lower(), ch.upper()) if len(c) == 1}
        if len(options) > 1 or ch in "*?[]":
            out.append("[" + "".join(sorted(options)) + "]")
        else:
            out.append(ch)
    return "*" + "".join(out) + "*"


__all__ = [
    "COUNT_CAP",
    "EMPTY_PAGE",
    "PAGE_SIZE_MAX",
    "TEXT_MAX",
    "EmailState",
    "SortKey",
    "Status",
    "UserPage",
    "UserQuery",
    "UserRow",
    "clean_text",
    "decode_cursor",
    "email_state_of",
    "encode_cursor",
    "search_users",
]

"""SCIM filters (RFC 7644 §3.4.2.2) as SQL on the users table's indexed columns.

The filter arrives parsed by scim2-models (`ScimFilter(...).ast`); this module walks that
tree and builds one SQLAlchemy condition. What each attribute reads:

- userName: `username_key` (unique index; folded as the portal folds usernames, so eq is
  case-insensitive as RFC 7643 says for userName);
- emails / emails.value: `email_key` (indexed, folded);
- externalId: provisioned_users.external_id (unique per organisation; case-exact);
- name.givenName / name.familyName / name.formatted / displayName: the names;
- active, id.

`co` and `sw` of three characters or more are narrowed first through trigram structures
(SQLite: the search's FTS5 table; PostgreSQL: pg_trgm GIN indexes, on the folded keys
themselves for userName and emails, migration 0024, on search_doc for the names), then
checked exactly on the column; `eq` on userName and emails is an index lookup. For
userName and emails the value is folded once (`_search_text`: NFKC + casefold, as the
keys are) and both the narrowing and the exact test use that; on SQLite the search
document holds what was typed, so the few users whose keys are not its lower case
("Ｓｔｒａßｅ") are read besides, through ix_users_scim_key_unlike (models/user.py
KEY_UNLIKE_TEXT). Every path (FTS5-driven or not, PostgreSQL's id ranges, its name walk
or its trigram indexes) gives the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from scim2_models.path.expressions import (
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
)
from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    false,
    func,
    literal_column,
    not_,
    or_,
    true,
    tuple_,
)
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import ProvisionedUser, User, UserStatus
from admin_portal.search import ddl as search_ddl
from admin_portal.search.rows_ddl import search_rows_available as rows_available
from admin_portal.search.text import TRIGRAM_MIN, doc_contains, fts_match
from admin_portal.services.api_clients import scim_keys, scim_positions
from admin_portal.services.api_clients.scim_keys import APART_MAX
from admin_portal.services.api_clients.scim_match import BadFilter, key_trigrams, text_match
from admin_portal.services.api_clients.scim_pages import (
    ScimPage,
    add_key_unlike,
    bounded,
    window_page,
)
from admin_portal.services.api_clients.scim_walks import (
    opaque_like,
    ranges_by_id,
    rows_by_name,
    walk_by_name,
)
from admin_portal.validation.identifiers import email_key, username_key

COUNT_MAX = 200  # the most resources one page returns (ServiceProviderConfig says so)


@dataclass(frozen=True)
class _Ctx:
    dialect: str
    fts: bool
    organisation_id: int
    # SQLite: the comparison whose trigram narrowing is the query's driving FTS5 scan
    # (find_users joins it), so the condition leaves that narrowing out.
    driven: Any = None
    # False: no trigram narrowing at all (PostgreSQL's ordered walk tests rows directly).
    trigrams: bool = True
    # SQLite: the organisation has active users in ix_users_scim_key_unlike (scim_keys).
    key_unlike: bool = True
    # PostgreSQL: the trigram pattern as a one-row subquery (scim_walks.opaque_like): planned
    # at LIKE's default estimate, so ranges AND the bitmaps and an OFFSET page takes the
    # trigram index rather than testing a whole ordered index (0.4 s for "nna").
    opaque: bool = False


def _trigram_narrowing(
    ctx: _Ctx, op: CompareOperator, value: str, *, keyed: Any = None
) -> ColumnElement[bool]:
    """A superset test served by the search's trigram index, for co/sw/ew of ≥ 3 chars.

    keyed: `value` is a folded key (userName, emails), tested on the key column; the
    document holds what was typed, so the rows whose keys differ from it are added.
    """
    if op not in (CompareOperator.co, CompareOperator.sw, CompareOperator.ew):
        return true()
    if len(value) < TRIGRAM_MIN or not ctx.trigrams:
        return true()
    narrowed: ColumnElement[bool]
    if ctx.dialect == "postgresql" and keyed is not None:  # the key's own trigram index
        narrowed = key_trigrams(keyed.key, op, value)
        return opaque_like(narrowed) if ctx.opaque else narrowed
    if ctx.dialect == "postgresql":
        narrowed = doc_contains("postgresql", value, prefix="users.", stored=True)
        narrowed = opaque_like(narrowed) if ctx.opaque else narrowed
    elif ctx.fts:
        fts, matched = fts_match(value)
        narrowed = col(User.id).in_(sa_select(fts.c.rowid).where(matched))
    else:
        return true()
    return (
        or_(narrowed, scim_keys.key_unlike(ctx.dialect)) if keyed and ctx.key_unlike else narrowed
    )


def _keyed(attr: str, sub: str | None) -> Any:
    """The fold of a keyed attribute (userName, emails), or None."""
    if attr == "userName" and not sub:
        return username_key
    if attr == "emails" and sub in (None, "value"):
        return email_key
    return None


def _search_text(node: Comparison) -> str:
    """What the trigram structures are asked for: a keyed attribute's value folded as its
    key is (so narrowing and exact test agree), a name's value as given."""
    value = str(node.value)
    fold = _keyed(node.attr_path.attr, node.attr_path.sub_attr)
    return str(fold(value)) if fold is not None else value


def _folded_key(ctx: _Ctx, column: Any, fold: Any, op: CompareOperator, value: str) -> Any:
    folded = fold(value)  # the one normalisation, for the narrowing and the exact test
    if op is CompareOperator.sw:
        # A range on the folded key: an index walk, whatever the collation of LIKE.
        return and_(column >= folded, column < folded + "\U0010ffff")
    return and_(_trigram_narrowing(ctx, op, folded, keyed=column), text_match(column, op, folded))


def _name_column(attr: str, sub: str | None) -> Any:
    if attr == "name" and sub == "givenName":
        return col(User.first_name)
    if attr == "name" and sub == "familyName":
        return col(User.last_name)
    if (attr == "name" and sub in (None, "formatted")) or (attr == "displayName" and not sub):
        return func.trim(col(User.first_name) + " " + col(User.last_name))
    return None


def _external(ctx: _Ctx, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        sa_select(col(ProvisionedUser.user_id)).where(
            col(ProvisionedUser.user_id) == col(User.id),
            col(ProvisionedUser.organisation_id) == ctx.organisation_id,
            condition,
        )
    )


def _present(ctx: _Ctx, attr: str, sub: str | None) -> ColumnElement[bool]:
    if attr == "userName" or attr == "id" or attr == "active":
        return true()
    if attr == "emails" and sub in (None, "value"):
        return col(User.email).is_not(None)
    if attr == "externalId":
        return _external(ctx, col(ProvisionedUser.external_id).is_not(None))
    if _name_column(attr, sub) is not None:
        return true()
    raise BadFilter()


def _comparison(ctx: _Ctx, node: Comparison) -> ColumnElement[bool]:
    attr, sub, value = node.attr_path.attr, node.attr_path.sub_attr, node.value
    if node is ctx.driven:
        ctx = replace(ctx, fts=False)  # narrowed by the driving scan instead
    if attr == "active" and not sub and isinstance(value, bool):
        disabled = _external(ctx, col(ProvisionedUser.disabled_at).is_not(None))
        wanted = value if node.op is CompareOperator.eq else not value
        if node.op not in (CompareOperator.eq, CompareOperator.ne):
            raise BadFilter()
        return not_(disabled) if wanted else disabled
    if not isinstance(value, str):
        raise BadFilter()
    if attr == "id" and not sub:
        if node.op is not CompareOperator.eq:
            raise BadFilter()
        return col(User.id) == int(value) if value.isdigit() and len(value) < 19 else false()
    if attr == "userName" and not sub:
        return _folded_key(ctx, col(User.username_key), username_key, node.op, value)
    if attr == "emails" and sub in (None, "value"):
        return _folded_key(ctx, col(User.email_key), email_key, node.op, value)
    if attr == "externalId" and not sub:
        return _external(ctx, text_match(col(ProvisionedUser.external_id), node.op, value))
    column = _name_column(attr, sub)
    if column is None:
        raise BadFilter()
    # Names compare case-insensitively (caseExact false in RFC 7643).
    return and_(
        _trigram_narrowing(ctx, node.op, value),
        text_match(func.lower(column), node.op, value.lower()),
    )


def filter_condition(ctx: _Ctx, node: FilterNode) -> ColumnElement[bool]:
    """One SQL condition for a parsed filter. Raises BadFilter for what is not supported."""
    if isinstance(node, LogicalExpr):
        parts = [filter_condition(ctx, term) for term in node.terms]
        return and_(*parts) if node.op is LogicalOperator.and_ else or_(*parts)
    if isinstance(node, Not):
        return not_(filter_condition(ctx, node.expr))
    if isinstance(node, Present):
        return _present(ctx, node.attr_path.attr, node.attr_path.sub_attr)
    if isinstance(node, Comparison):
        return _comparison(ctx, node)
    raise BadFilter()  # valuePath filters (emails[type eq "work"]) are not supported


# How many matches after a page are counted for totalResults (see find_users).
TOTAL_AHEAD = 300
# sortBy -> the users columns ordering the list (id last: a total order). Each is the key
# of an index: ix_users_scim_org_id (migration 0018), the search wing's
# ix_users_search_org_username and its covering ix_users_search_org_name.
SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "userName": ("username_key", "id"),
    "name": ("last_name", "first_name", "id"),
}


_TRIGRAM_OPS = (CompareOperator.co, CompareOperator.sw, CompareOperator.ew)


def _driver(ctx: _Ctx, node: FilterNode | None) -> Comparison | None:
    """SQLite with FTS5: the comparison (the filter, or a term of a top-level `and`) whose
    trigram narrowing should drive the query, or None.

    Driven from the FTS5 table, matches arrive in id order (its rowid is the user id), so
    a page by id stops after its rows and "how many after the page" after TOTAL_AHEAD,
    however many users match; as an `id IN (every trigram match)` test SQLite would
    first collect every candidate.
    """
    if ctx.dialect != "sqlite" or not ctx.fts or node is None:
        return None
    terms: list[FilterNode] = [node]
    if isinstance(node, LogicalExpr) and node.op is LogicalOperator.and_:
        terms = list(node.terms)
    for term in terms:
        if not isinstance(term, Comparison) or term.op not in _TRIGRAM_OPS:
            continue
        value, attr, sub = term.value, term.attr_path.attr, term.attr_path.sub_attr
        if not isinstance(value, str) or len(_search_text(term)) < TRIGRAM_MIN:
            continue
        keyed = _keyed(attr, sub) is not None
        if keyed and term.op is CompareOperator.sw:
            # A range on the folded key, whose matches bound its cost; driven by trigrams,
            # "sw son" would test every "…son" surname's row.
            continue
        if keyed or _name_column(attr, sub) is not None:
            return term
    return None


def _no_index(ctx: _Ctx, column: Any) -> Any:
    """SQLite: the column as `+users.<name>`, which no index serves.

    "after the page" must not steer SQLite's planner into walking the table from there:
    with a filter, the matches come from the filter's own indexes (a key lookup, the
    trigram index) and are then compared with the page's last key.
    """
    if ctx.dialect != "sqlite":
        return column
    return literal_column(f"+{User.__tablename__}.{column.key}")


# The most matches fetched at once for a page and its lookahead (start - 1 + count +
# TOTAL_AHEAD + 1); a deeper startIndex pages with OFFSET and counts the lookahead apart.
WINDOW_MAX = 1_000
RANGES_WINDOW_MAX = 10_000


def _trigram_terms(node: FilterNode | None) -> bool:
    """Whether the filter has a co/sw/ew that the trigram index would narrow."""
    if isinstance(node, LogicalExpr):
        return any(_trigram_terms(term) for term in node.terms)
    if isinstance(node, Not):
        return _trigram_terms(node.expr)
    if not isinstance(node, Comparison) or node.op not in _TRIGRAM_OPS:
        return False
    value, attr, sub = node.value, node.attr_path.attr, node.attr_path.sub_attr
    if _keyed(attr, sub) is not None and node.op is CompareOperator.sw:
        return False  # a range on the folded key
    return isinstance(value, str) and len(_search_text(node)) >= TRIGRAM_MIN


def find_users(
    session: Session,
    *,
    actor: Actor,
    node: FilterNode | None,
    start_index: int = 1,
    count: int = 100,
    sort: str = "id",
    descending: bool = False,
) -> ScimPage:
    """Active users of the actor's organisation matching `node`, in `sort` order.

    startIndex is 1-based (RFC 7644 §3.4.2.4); count is clamped to 0..COUNT_MAX.

    Cost, at 1,000,000 users (bench/results/scim_filter.md): the page is a walk of the
    narrowest index in the requested order, then the page's rows by id; totalResults
    is never a count of every match. It is start - 1 (a match at offset start - 1 proves
    that many precede) + the page + the matches after the page counted up to TOTAL_AHEAD:
    exact whenever at most TOTAL_AHEAD matches follow the page (so on the last pages, and
    for every list of up to about a thousand), otherwise a lower bound that still says
    "more follow" (`total_exact` False). A client that pages until startIndex passes
    totalResults, reading totalResults from each response, sees every match (README).
    While start - 1 + count + TOTAL_AHEAD + 1 <= WINDOW_MAX the page and the lookahead
    are one query (the first that many matches); on PostgreSQL a `co`/`sw`/`ew` by id asks
    the trigram index one id range after another, by name it tries an ordered walk first;
    on SQLite an FTS5-driven `co` by name streams from the name-ordered search rows
    (scim_walks). A deeper page starts from the last
    remembered position before it (scim_positions), skipping fewer than 1,000 entries.

    Raises:
        BadFilter: an attribute or operator this endpoint does not evaluate.
    """
    bind = session.get_bind()
    dialect = bind.dialect.name
    fts = False
    if dialect == "sqlite":
        fts = search_ddl.sqlite_fts_available(session.connection())
    org = actor.organisation_id
    ctx = _Ctx(dialect=dialect, fts=fts, organisation_id=org, opaque=dialect == "postgresql")
    count = max(0, min(count, COUNT_MAX))
    start = max(1, start_index)
    need = start - 1 + count + TOTAL_AHEAD + 1
    keys = [getattr(User, name) for name in SORT_COLUMNS.get(sort, ("id",))]
    multi = len(keys) > 1
    driver = _driver(ctx, node)
    # A keyed driver misses the users of ix_users_scim_key_unlike, which the window adds
    # (scim_pages.add_key_unlike); an OFFSET page cannot, so it narrows with both instead.
    keyed_driver = (
        driver is not None and _keyed(driver.attr_path.attr, driver.attr_path.sub_attr) is not None
    )
    if node is not None and dialect == "sqlite" and _trigram_terms(node):
        unlike = scim_keys.unlike_ids(session, org, dialect, APART_MAX)
        ctx = replace(ctx, key_unlike=bool(unlike))
    keyed_driver = keyed_driver and ctx.key_unlike
    if keyed_driver and need > WINDOW_MAX:
        driver, keyed_driver = None, False
    ctx = replace(ctx, driven=driver)
    condition = and_(
        col(User.organisation_id) == actor.organisation_id,
        col(User.status) == UserStatus.ACTIVE.value,
        filter_condition(ctx, node) if node is not None else true(),
    )
    # With a filter, its own indexes find the matches, which are then sorted: an index in
    # sort order would be walked row by row testing the filter (SQLite's planner likes
    # that walk for OR filters). Without one, the ordered index is the list.
    fenced = keys if node is None else [_no_index(ctx, k) for k in keys]
    order: list[Any] = [f.desc() if descending else f for f in fenced]
    source: Any = User
    where: list[Any] = [condition]
    streamed = None
    if driver is not None:
        fts, matched = fts_match(_search_text(driver))
        rowid: Any = literal_column(f"+{search_ddl.SQLITE_FTS_TABLE}.rowid")
        source = fts.join(User, col(User.id) == rowid)
        where = [matched, condition]
        if sort == "id":
            streamed = fts.c.rowid  # FTS5 yields rowid order itself: no sort, stops early
            order = [streamed.desc() if descending else streamed]
    # PostgreSQL's id ranges find `need` matches at the cost of about `need` candidates:
    # deeper pages too (an OFFSET page would read every candidate of a common term).
    ranged = dialect == "postgresql" and sort == "id" and node is not None
    if need <= (RANGES_WINDOW_MAX if ranged and _trigram_terms(node) else WINDOW_MAX):
        # The page and the lookahead in one query: the first `need` matches in order.
        window = None
        if node is not None and dialect == "postgresql" and _trigram_terms(node):
            if sort == "id":  # id ranges: the trigram bitmap ANDed with each range's
                window = ranges_by_id(session, org, filter_condition(ctx, node), need, descending)
            elif sort == "name":  # without the trigram narrowing: rows tested as they come
                test = filter_condition(replace(ctx, trigrams=False), node)
                window = walk_by_name(session, org, test, need, descending)
        if (
            window is None
            and driver is not None
            and sort == "name"
            and rows_available(session.connection())
        ):
            window = rows_by_name(
                session, actor.organisation_id, _search_text(driver), condition, need, descending
            )
        if window is None:
            query = select(*keys).select_from(source).where(*where).order_by(*order)
            window = list(session.exec(query.limit(need)).all())
        if keyed_driver:
            plain = [f.desc() if descending else f for f in fenced]
            rest = select(*keys).where(condition, scim_keys.key_unlike(dialect)).order_by(*plain)
            extra = list(session.exec(rest.limit(need)).all())
            window = add_key_unlike(window, extra, need, descending, multi=multi)
        return window_page(session, window, start, count, multi=multi, ahead_max=TOTAL_AHEAD)

    def past_of(last: tuple[Any, ...]) -> Any:
        """The matches after the entry whose keys are `last`, in the list's order."""
        if streamed is not None:
            return streamed < last[0] if descending else streamed > last[0]
        if descending:
            return tuple_(*fenced) < tuple_(*last)
        return tuple_(*fenced) > tuple_(*last)

    def ordered(after: tuple[Any, ...] | None) -> Any:
        """Keys first, through the narrowest index in that order (then the rows by id):
        skipping narrow index entries rather than wide rows."""
        query = select(*keys).select_from(source).where(*where)
        if after is not None:
            query = query.where(past_of(after))
        query = query.order_by(*order)
        if node is None and sort == "id":
            # SQLite's planner may prefer a wider index with the same prefix; this one is
            # the narrowest in id order (a model index: it exists on every database).
            query = query.with_hint(User, "INDEXED BY ix_users_scim_org_id", "sqlite")
        return query

    def nth_after(after: tuple[Any, ...] | None, n: int) -> tuple[Any, ...] | None:
        row = session.exec(ordered(after).offset(n - 1).limit(1)).first()
        if row is None:
            return None
        return tuple(row) if multi else (row,)

    found: list[Any] = []
    if count:
        # A deep startIndex seeks from the last remembered position before it.
        list_key = (actor.organisation_id, sort, descending, repr(node))
        after, skip = scim_positions.seek(bind, list_key, start - 1, nth_after)
        found = list(session.exec(ordered(after).offset(skip).limit(count)).all())
    if not found:
        # An empty page: nothing at this offset. Count what precedes it (at most start - 1
        # rows, walked anyway to find the offset empty), plus a lookahead for count=0.
        cap = start - 1 + TOTAL_AHEAD
        total = bounded(session, select(col(User.id)).select_from(source).where(*where), cap)
        return ScimPage(total=min(total, cap), users=[], total_exact=total <= cap)
    past = past_of(tuple(found[-1]) if multi else (found[-1],))
    counted = where
    if node is not None and dialect == "postgresql":
        # PostgreSQL would AND the filter's bitmap with one of every user of the
        # organisation (700,000 bits, most of the count's time): the filter's index alone
        # narrows, the organisation and status are then checked on the rows.
        counted = [
            and_(
                col(User.organisation_id) + 0 == actor.organisation_id,
                func.concat(col(User.status), "") == UserStatus.ACTIVE.value,
                filter_condition(ctx, node),
            )
        ]
    ahead = bounded(
        session, select(col(User.id)).select_from(source).where(*counted, past), TOTAL_AHEAD
    )
    ids = [row[-1] if multi else row for row in found]
    rows = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids))).all()}
    return ScimPage(
        total=start - 1 + len(found) + min(ahead, TOTAL_AHEAD),
        users=[rows[i] for i in ids if i in rows],
        total_exact=ahead <= TOTAL_AHEAD,
    )

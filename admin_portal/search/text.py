"""Search text: cleaning what was typed, and the SQL that tests a row's text against it.

LIKE escaping (`like_contains`) and the case spellings of a letter (`spellings_of`) are
written here once; the users search, the user bank and the small lists all use them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import ColumnElement, literal_column, or_, table
from sqlalchemy import column as sa_column
from sqlmodel import col

from admin_portal.models import User
from admin_portal.search import ddl

TEXT_MAX = 200
# Trigrams need three characters; shorter texts search prefixes through b-tree indexes.
TRIGRAM_MIN = 3
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")
# The small lists' substring test tries at most this many spellings of the name.
_MAX_SPELLINGS = 64


def clean_text(value: object) -> str:
    """NFC, no control characters (so no match can span the document's field separator),
    single spaces, at most TEXT_MAX characters."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFC", value[: TEXT_MAX * 4])
    text = _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()
    return text[:TEXT_MAX].strip()


# --------------------------------------------------------------------------- spellings


def like_escape(text: str) -> str:
    """`text` with LIKE's wildcards and the escape character (backslash) escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_contains(text: str) -> str:
    """The LIKE pattern (escape character backslash) for "contains `text`"."""
    return f"%{like_escape(text)}%"


def spellings_of(ch: str, *, title: bool = False) -> set[str]:
    """`ch` in each case that is a single character (title: also its title case)."""
    cases = (ch.lower(), ch.upper(), ch.title()) if title else (ch.lower(), ch.upper())
    return {ch} | {c for c in cases if len(c) == 1}


def case_variants(text: str, limit: int) -> list[str] | None:
    """Every spelling of `text` with non-ASCII letters in either case ("öb" -> öb, Öb).

    SQLite's LIKE folds ASCII only, so "ÖBERG" must also be tried as "öberg". None if
    there would be more than `limit` spellings.
    """
    variants = [""]
    for ch in text:
        options = {ch} if ch.isascii() else spellings_of(ch)
        if len(variants) * len(options) > limit:
            return None
        variants = [v + o for v in variants for o in sorted(options)]
    return variants


def glob_pattern(text: str) -> str:
    """SQLite GLOB for "contains `text`", every letter spelt as [xX]."""
    out = []
    for ch in text:
        options = spellings_of(ch)
        if len(options) > 1 or ch in "*?[]":
            out.append("[" + "".join(sorted(options)) + "]")
        else:
            out.append(ch)
    return "*" + "".join(out) + "*"


def prefix_ranges(prefix: str, *, fold_all: bool) -> list[tuple[str, str]]:
    """[lo, hi) byte-order ranges equal to "starts with `prefix`", case-insensitively.

    fold_all: the column is stored case-folded (username_key, email_key): one range.
    Otherwise (names) one range per case spelling: at most 4 for two characters.
    """
    if fold_all:
        spellings = [unicodedata.normalize("NFKC", prefix).casefold()]
    else:
        spellings = [""]
        for ch in prefix:
            options = spellings_of(ch, title=True)
            spellings = [s + o for s in spellings for o in sorted(options)]
    ranges = []
    for s in spellings:
        last = ord(s[-1])
        if last >= 0x10FFFF:
            continue
        ranges.append((s, s[:-1] + chr(last + 1)))
    return ranges


# --------------------------------------------------------------------------- predicates


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
            f"{prefix}{ddl.PG_SEARCH_COLUMN}" if stored else ddl.pg_search_doc(prefix)
        )
        return doc.like(like_contains(text.lower()), escape="\\")
    doc = literal_column(ddl.sqlite_search_doc(prefix))
    variants = case_variants(text, 8)
    if variants is None:  # many non-ASCII letters: spell each letter as [xX]
        return doc.op("GLOB")(glob_pattern(text))
    return or_(*(doc.like(like_contains(v), escape="\\") for v in variants))


def fts_match(text: str, fts: Any = None) -> tuple[Any, ColumnElement[bool]]:
    """SQLite: (an FTS5 trigram table, users_search_fts by default, its MATCH clause for
    the substring `text`)."""
    if fts is None:
        fts = table(ddl.SQLITE_FTS_TABLE, sa_column("rowid"))
    phrase = '"' + text.replace('"', '""') + '"'
    return fts, literal_column(fts.name).op("MATCH")(phrase)


def user_text_condition(folded: str) -> Any:
    """Substring over name, username and e-mail, case-insensitive also for å, ä, ö.

    For the small, unindexed lists: lists already narrowed by an index (a date range, the
    brukare of one scope); the big lists go through the trigram indexes instead.
    The keys are stored case-folded. Names are not, and the databases' LIKE (and lower()
    under a C locale) fold ASCII only, so each spelling of the non-ASCII letters is tried.
    """
    full_name = col(User.first_name) + " " + col(User.last_name)
    spellings = case_variants(folded, _MAX_SPELLINGS) or [folded]
    return or_(
        *[full_name.ilike(like_contains(spelling), escape="\\") for spelling in spellings],
        col(User.username_key).like(like_contains(folded), escape="\\"),
        col(User.email_key).like(like_contains(folded), escape="\\"),
    )

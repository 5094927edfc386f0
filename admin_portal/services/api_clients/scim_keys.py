"""SCIM's keys (username_key, email_key) against the search's trigram structures.

The users whose keys are not the lower case of what they typed (ix_users_scim_key_unlike,
models/user.py KEY_UNLIKE_TEXT) are read besides a narrowing through the search document
(`key_unlike`), when the organisation has any (`has_key_unlike`).

PostgreSQL: a trigram index on the keys themselves.

The search's document (search_doc) holds names, username and e-mail as typed, and
pg_trgm splits words at every character that is not a letter or digit: `emails co
"na.ber"` asks it for "na ", " be" and "ber", which tens of thousands of documents hold
("Anna Berg", "Stina Bengtsson"), and each is read and rechecked. This index holds the two
keys with their separators (. @ _ - +) turned into letters, so the same filter asks for
"naq", "aqb", "qbe", "ber" (few hundred users), and tests the keys themselves: no user
needs adding for keys that differ from what was typed (ix_users_scim_key_unlike).
"""

from __future__ import annotations

import weakref
from typing import Any, Final

from sqlalchemy import ColumnElement, literal_column, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from admin_portal.models import User, UserStatus
from admin_portal.models.user import KEY_UNLIKE_TEXT
from admin_portal.search.text import like_contains

INDEX: Final = "ix_users_scim_keys_trgm"
_SEPARATORS: Final = ".@_-+"
_AS: Final = "q" * len(_SEPARATORS)
# Spelt as the index spells it (constants, not parameters), or the planner cannot use it.
KEYS_DOC: Final = (
    f"translate(users.username_key || ' ' || coalesce(users.email_key, ''), "
    f"'{_SEPARATORS}', '{_AS}')"
)
CREATE: Final = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON users USING gin "
    f"((translate(username_key || ' ' || coalesce(email_key, ''), '{_SEPARATORS}', '{_AS}')) "
    "gin_trgm_ops)"
)
DROP: Final = f"DROP INDEX IF EXISTS {INDEX}"
_MAP: Final = str.maketrans(_SEPARATORS, _AS)


def keys_contain(folded: str) -> ColumnElement[bool]:
    """A superset test for "username_key or email_key contains `folded`" (a folded key
    text of 3+ characters), served by the index: the mapping is per character, so a key
    containing the text contains it mapped."""
    doc: Any = literal_column(KEYS_DOC)
    return doc.like(like_contains(folded.translate(_MAP)), escape="\\")  # type: ignore[no-any-return]


_AVAILABLE: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def available(connection: Connection) -> bool:
    """Cached per engine: does the index exist (migration 0023 builds it)?"""
    engine = connection.engine
    found = _AVAILABLE.get(engine)
    if found is None:
        found = bool(
            connection.execute(text(f"SELECT to_regclass('{INDEX}') IS NOT NULL")).scalar()
        )
        _AVAILABLE[engine] = found
    return found


def key_unlike(dialect: str) -> ColumnElement[bool]:
    """The users whose keys are not the lower case of what was typed (the search document
    cannot vouch for them), spelt as ix_users_scim_key_unlike's predicate."""
    return text(f"({KEY_UNLIKE_TEXT[dialect]})")  # type: ignore[return-value]


def has_key_unlike(session: Session, organisation_id: int, dialect: str) -> bool:
    """Whether any active user of the organisation has keys unlike what was typed: one
    probe of the partial index. Mostly none, and the narrowing then stands alone."""
    probe = select(col(User.id)).where(
        col(User.organisation_id) == organisation_id,
        col(User.status) == UserStatus.ACTIVE.value,
        key_unlike(dialect),
    )
    return session.exec(probe.limit(1)).first() is not None

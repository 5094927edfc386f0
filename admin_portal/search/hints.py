"""SQLite's table hint (`INDEXED BY`), rendered only on the engines that ask for it.

SQLAlchemy renders `select().with_hint(table, text, "sqlite")` only for dialects whose
compiler places table hints; SQLite's does not, although SQLite has one ("INDEXED BY",
right after the table name). `install_sqlite_hints(engine)` gives that engine's dialect
(and no other: the class SQLAlchemy ships stays as it is) a compiler that places it;
`admin_portal.db.make_engine` installs it on every SQLite engine of the app. On an engine
without it the hint is left out, which costs speed, never correctness.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Engine


class HintedSQLiteCompiler(SQLiteCompiler):
    """SQLite's compiler, placing the hint text given to `with_hint(..., "sqlite")`."""

    def get_from_hint_text(self, table: Any, text: str | None) -> str | None:
        return text


def install_sqlite_hints(engine: Engine) -> None:
    """Let `engine` (a SQLite engine) render `with_hint(..., "sqlite")` table hints."""
    if engine.dialect.name != "sqlite":
        raise ValueError("SQLite table hints need a SQLite engine")
    engine.dialect.statement_compiler = HintedSQLiteCompiler  # type: ignore[misc]

"""SQLite's INDEXED BY hint: rendered on the app's engines only, never by a global patch."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import column, create_engine, select, table

from admin_portal.db import make_engine
from admin_portal.search.hints import HintedSQLiteCompiler, install_sqlite_hints

_USERS = table("users", column("id"))
_HINTED = select(_USERS.c.id).with_hint(_USERS, "INDEXED BY ix_users_search_key", "sqlite")


def test_the_app_engine_renders_the_hint_after_the_table_name(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        sql = str(_HINTED.compile(engine)).replace("\n", " ")
        assert "FROM users INDEXED BY ix_users_search_key" in sql
    finally:
        engine.dispose()


def test_other_engines_and_sqlalchemys_own_compiler_stay_as_they_are(tmp_path: Path) -> None:
    app = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    plain = create_engine(f"sqlite:///{tmp_path / 'b.db'}")
    try:
        assert app.dialect.statement_compiler is HintedSQLiteCompiler
        assert plain.dialect.statement_compiler is not HintedSQLiteCompiler
        assert "INDEXED BY" not in str(_HINTED.compile(plain))
    finally:
        app.dispose()
        plain.dispose()


def test_hints_need_a_sqlite_engine() -> None:
    engine = create_engine("postgresql+psycopg://nobody@localhost/none")
    try:
        install_sqlite_hints(engine)
    except ValueError:
        pass
    else:
        raise AssertionError("installed on a PostgreSQL engine")

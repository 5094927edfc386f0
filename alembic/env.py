"""Alembic runs against the URL from settings and the metadata of every SQLModel table."""

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

import admin_portal.models  # noqa: F401  (registers every table on SQLModel.metadata)
from admin_portal.config import get_settings
from admin_portal.db import make_engine
from admin_portal.search.structures import is_search_structure

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging_config"):
    fileConfig(config.config_file_name)

target_metadata = SQLModel.metadata


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Search indexes, the SQLite FTS5 tables and PostgreSQL's generated search column live in
    migrations only (search/ddl.py, search/rows_ddl.py): they are physical tuning, not part of the models,
    so `alembic check` must not see drift."""
    search_only = type_ in ("index", "table", "column") and reflected and compare_to is None
    return not (search_only and is_search_structure(name))


def _url() -> str:
    # Tests pass a URL through the config attributes; everyone else uses settings.
    return config.attributes.get("database_url") or get_settings().database_url


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
        include_object=include_object,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = _url()
    engine = make_engine(url)
    sqlite = url.startswith("sqlite")
    with engine.connect() as connection:
        if sqlite:
            # Batch mode rebuilds a table by dropping it: with foreign keys enforced, that
            # fails as soon as another table's rows point at it (an organisation with users).
            # The pragma only works outside a transaction, so it is set before the
            # migrations' transaction, and the keys are checked once they are done.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            include_object=include_object,
            # SQLite cannot ALTER most things in place: batch mode rebuilds tables.
            render_as_batch=sqlite,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"the migrations left broken foreign keys: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

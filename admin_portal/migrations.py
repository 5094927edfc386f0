"""Alembic from Python: the CLI, the test suite and the benchmarks migrate the same way."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from admin_portal.config import PROJECT_ROOT


def alembic_config(database_url: str | None = None, *, keep_logging: bool = False) -> Config:
    """alembic.ini, optionally aimed at another database than the settings' one.

    keep_logging leaves the caller's logging alone (pytest's capture, a benchmark's output)
    instead of applying alembic.ini's logging section.
    """
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    if database_url is not None:
        cfg.attributes["database_url"] = database_url
    if keep_logging:
        cfg.attributes["skip_logging_config"] = True
    return cfg


def upgrade(
    database_url: str | None = None, revision: str = "head", *, keep_logging: bool = False
) -> None:
    command.upgrade(alembic_config(database_url, keep_logging=keep_logging), revision)

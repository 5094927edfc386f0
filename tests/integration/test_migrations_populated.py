"""Migrations upgrade a SQLite database that already holds data.

Batch mode rebuilds a table by dropping it; with foreign keys enforced that failed as soon as
rows pointed at the table (0012 rebuilds `organisations`, which every company points at).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from admin_portal.migrations import upgrade


def test_upgrading_a_populated_sqlite_database_keeps_its_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'populated.db'}"
    upgrade(url, "0008")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("PRAGMA foreign_keys=ON"))
        connection.execute(
            text(
                "INSERT INTO organisations (id, name, user_bank_retention_days, created_at)"
                " VALUES (1, 'Org', 365, '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO companies (id, organisation_id, name, organisation_number, created_at)"
                " VALUES (1, 1, 'Bolag', '556677-8899', '2026-01-01')"
            )
        )
    engine.dispose()

    upgrade(url, "head")

    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM companies")).scalar() == 1
        assert connection.execute(text("PRAGMA foreign_key_check")).fetchall() == []
    engine.dispose()

"""bench/search_10m.py at 3,000 users: the server-side multiplication keeps the data valid.

The 10M dataset is a base multiplied in SQL; what the benchmark's figures rely on is that
the copies are distinct people of the same names: unique usernames, e-mails and numeric
ids, valid personnummer, the base's name frequencies times the copies, the same indexes
as the migrations build, and shapes that run against it.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bench import search_10m
from bench.pg import start_kept_postgres
from bench.user_bank_search import luhn_digit
from tests.support.postgres import _make_base_dir, pg_disabled

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(pg_disabled(), reason="PostgreSQL server not available"),
]

ROWS, BASE = 3000, 300


@pytest.fixture(scope="module")
def built() -> Iterator[Path]:
    directory = _make_base_dir()  # reachable by the postgres OS user when run as root
    try:
        assert search_10m.build(directory, ROWS, BASE, 0.10) == 0
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _rows(directory: Path, sql: str) -> list[tuple[object, ...]]:
    server, url, fresh = start_kept_postgres(directory)
    assert not fresh
    try:
        u = make_url(url)
        with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database) as c:
            return list(c.execute(sql).fetchall())  # type: ignore[arg-type]
    finally:
        server.stop()


def test_copies_are_distinct_people_with_the_base_names(built: Path) -> None:
    rows = _rows(
        built,
        "SELECT id, first_name, last_name, username_key, email_key, national_id, "
        "organisation_id, numeric_id, status FROM users ORDER BY id",
    )
    assert [r[0] for r in rows] == list(range(1, ROWS + 1))
    assert len({r[3] for r in rows}) == ROWS
    emails = [r[4] for r in rows if r[4] is not None]
    assert len(set(emails)) == len(emails)
    numeric = [(r[6], r[7]) for r in rows if r[7] is not None]
    assert len(set(numeric)) == len(numeric)
    assert len({r[5] for r in rows}) > ROWS * 0.99  # new serials per copy
    for r in rows:
        nid = str(r[5])
        if int(r[0]) % 10 == 0:  # type: ignore[call-overload]
            assert luhn_digit(nid[2:11]) == nid[11], nid
    copies = ROWS // BASE
    base_names = Counter((r[1], r[2], r[8]) for r in rows[:BASE])
    assert Counter((r[1], r[2], r[8]) for r in rows) == Counter(
        {k: v * copies for k, v in base_names.items()}
    )


def test_indexes_rebuilt_and_shapes_run(built: Path) -> None:
    names = {
        str(r[0])
        for r in _rows(built, "SELECT indexname FROM pg_indexes WHERE tablename = 'users'")
    }
    assert {"uq_users_username_key", "ix_users_search_doc_trgm", "ix_users_bank_removed"} <= names
    meta = json.loads((built / search_10m.META).read_text())
    assert meta["rows"] == ROWS and meta["national_ids"]
    assert search_10m.measure(built, 1, write=False) == 0

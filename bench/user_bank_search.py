"""User bank search at scale: p50/p95/max of `search_bank` over N banked (removed) users.

    python -m bench.user_bank_search [--rows 1000000] [--db sqlite|postgres|both] [--repeat 200]

Reuses bench/users_search.py: the same Swedish users (names, companies, units, e-mails),
the same load path (`alembic upgrade 0002`, bulk load, `alembic upgrade head`, then on
SQLite `ensure_search_structures`; ANALYZE) and the same throwaway PostgreSQL server.
What differs is the data: every user except each organisation's head administrator is
removed, removed within the last two years by one of four administrators, and every
10th user has a valid personnummer (Luhn check digit over the last 10 digits).
Results go to bench/results/user_bank_search.md.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench import users_search
from bench.report import TARGET_P95_MS
from bench.users_search import (
    FIRST_NAMES,
    HEADER,
    PREFIXES,
    RARE_LAST_NAMES,
    USER_COLUMNS,
    Shape,
    Tree,
    _last_name_weights,
    _substrings,
    _zipf,
    build_tree,
    generate_users,
    load_postgres,
    load_sqlite,
    measure_postgres,
    measure_sqlite,
)

RESULTS = Path(__file__).resolve().parent / "results" / "user_bank_search.md"
WINDOW_DAYS = 730  # removals spread over the last two years
VALID_ID_EVERY = 10  # every 10th user has a valid personnummer
REMOVERS_PER_ORG = 4  # the head administrator plus three administrators
REMOVER_WEIGHTS = [5, 3, 1, 1]

_NID = USER_COLUMNS.index("national_id")
_STATUS = USER_COLUMNS.index("status")
_REMOVED_AT = USER_COLUMNS.index("removed_at")
_REMOVED_BY = USER_COLUMNS.index("removed_by_id")
_ORG = USER_COLUMNS.index("organisation_id")


def luhn_digit(nine: str) -> str:
    """The check digit of a personnummer over YYMMDDNNN (weights 2,1,2,...)."""
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def valid_national_id(rng: random.Random) -> str:
    born = f"{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    serial = f"{rng.randint(1, 999):03d}"
    return born + serial + luhn_digit(born[2:] + serial)


class BankData:
    """Rewrites the users bench's rows into a user bank and remembers what to search for."""

    def __init__(self, now: datetime, seed: int = 4711) -> None:
        self.now = now
        self.rng = random.Random(seed)
        self.removers: dict[int, list[int]] = {}
        self.national_ids: dict[int, list[str]] = {}  # org -> valid personnummer present

    def __call__(self, n: int, tree: Tree) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        for row in generate_users(n, tree, removed_share=1.0):
            values = list(row)
            uid, org = int(values[0]), int(values[_ORG])  # type: ignore[call-overload]
            if uid % VALID_ID_EVERY == 0:
                values[_NID] = valid_national_id(rng)
                self.national_ids.setdefault(org, []).append(values[_NID])  # type: ignore[arg-type]
            removers = self.removers.setdefault(org, [])
            if values[_STATUS] == "active":  # the head administrator stays
                removers.append(uid)
            else:
                if len(removers) < REMOVERS_PER_ORG:
                    removers.append(uid)  # an administrator who has since left
                values[_REMOVED_AT] = self.now - timedelta(
                    seconds=rng.uniform(0, WINDOW_DAYS * 86400)
                )
                values[_REMOVED_BY] = rng.choices(removers, REMOVER_WEIGHTS[: len(removers)])[0]
            yield tuple(values)


def build_shapes(engine: object, tree: Tree, data: BankData) -> list[Shape]:
    from sqlmodel import Session

    from admin_portal.auth.permissions import Actor
    from admin_portal.search.user_bank import BankQuery, search_bank

    org1 = tree.orgs[0][0]
    removers = data.removers[org1]
    head = Actor(
        user_id=removers[0],
        organisation_id=org1,
        full_name="Huvud Admin",
        language="sv",
        is_head_admin=True,
    )
    present = data.national_ids[org1]
    common_first = [
        name for name, _ in sorted(_zipf(FIRST_NAMES, 20, 1.0), key=lambda x: -x[1])[:30]
    ]
    common_last = [name for name, _ in sorted(_last_name_weights(), key=lambda x: -x[1])[:30]]
    today = data.now.date()

    def timed(query: BankQuery) -> float:
        started = time.perf_counter()
        with Session(engine) as session:  # type: ignore[arg-type]
            search_bank(session, actor=head, query=query)
        return time.perf_counter() - started

    def month(rng: random.Random) -> tuple[date, date]:
        start = today - timedelta(days=rng.randint(30, WINDOW_DAYS))
        return start, start + timedelta(days=30)

    def common(rng: random.Random) -> float:
        text = rng.choice(common_first if rng.random() < 0.5 else common_last)
        if rng.random() < 0.3:
            text = text[: rng.randint(3, len(text))]
        return timed(BankQuery(text=text.lower()))

    def rare(rng: random.Random) -> float:
        return timed(BankQuery(text=_substrings(RARE_LAST_NAMES, rng, 4, 8)))

    def two_chars(rng: random.Random) -> float:
        name = rng.choice(common_first + common_last + PREFIXES + RARE_LAST_NAMES)
        return timed(BankQuery(text=name[:2].lower()))

    def personnummer(rng: random.Random) -> float:
        nid = rng.choice(present) if rng.random() < 0.8 else valid_national_id(rng)  # 20 % misses
        form = rng.random()
        if form < 0.4:
            nid = f"{nid[2:8]}-{nid[8:]}"  # YYMMDD-NNNN, as usually typed
        elif form < 0.6:
            nid = f"{nid[:8]}-{nid[8:]}"
        return timed(BankQuery(national_id=nid))

    def date_range(rng: random.Random) -> float:
        start, end = month(rng)
        return timed(BankQuery(removed_from=start, removed_to=end))

    def range_remover(rng: random.Random) -> float:
        start, end = month(rng)
        return timed(
            BankQuery(removed_from=start, removed_to=end, removed_by_id=rng.choice(removers))
        )

    def range_text(rng: random.Random) -> float:
        start, end = month(rng)
        text = rng.choice(
            [
                rng.choice(common_first + common_last).lower(),
                _substrings(common_last, rng),
                _substrings(RARE_LAST_NAMES, rng, 4, 8),
            ]
        )
        return timed(BankQuery(text=text, removed_from=start, removed_to=end))

    def next_page(rng: random.Random) -> float:
        start, end = month(rng)
        query = BankQuery(
            removed_from=start,
            removed_to=end,
            removed_by_id=rng.choice([None, None, rng.choice(removers)]),
        )
        with Session(engine) as session:  # type: ignore[arg-type]
            for _ in range(rng.randint(1, 5)):  # pages 1-5, untimed
                page = search_bank(session, actor=head, query=query)
                query = replace(query, cursor=page.next_cursor)
        return timed(query)

    return [
        Shape(
            "text common name",
            "substring of a common first name or surname (search_users, removed)",
            common,
        ),
        Shape("text rare name", "substring of a surname held by ~1 in 60,000", rare),
        Shape("text 2 chars", "the first two characters of a name", two_chars),
        Shape(
            "personnummer",
            "exact personnummer in 12/10-digit forms, 20 % not in the bank",
            personnummer,
        ),
        Shape(
            "date range", "removed within one month (any month of the last two years)", date_range
        ),
        Shape(
            "range + remover",
            "one month and one of the four removers (weights 5:3:1:1)",
            range_remover,
        ),
        Shape(
            "range + text",
            "one month and a common name, a surname fragment or a rare name",
            range_text,
        ),
        Shape(
            "range next page", "one month (± remover), page 2-6 via the removal cursor", next_page
        ),
    ]


def run_sqlite(n: int, repeat: int, workdir: Path) -> dict[str, object]:
    tree = build_tree()
    data = BankData(datetime.now(UTC))
    return measure_sqlite(
        workdir / "bench_bank.db",
        repeat,
        what=f"{n:,} banked users",
        load=lambda path: _relabel(load_sqlite(path, n, tree, data)),
        shapes_for=lambda engine: build_shapes(engine, tree, data),
    )


def run_postgres(n: int, repeat: int) -> dict[str, object]:
    tree = build_tree()
    data = BankData(datetime.now(UTC))
    return measure_postgres(
        repeat,
        what=f"{n:,} banked users",
        load=lambda url: _relabel(load_postgres(url, n, tree, data)),
        shapes_for=lambda engine: build_shapes(engine, tree, data),
    )


def _relabel(timings: dict[str, float]) -> dict[str, float]:
    """load_* run `alembic upgrade head`: 0003/0006 (search) and 0004 (bank) structures."""
    return {
        (
            "migrations 0003-0006 (indexes, search column)"
            if k.startswith("migrations 0003")
            else k
        ): v
        for k, v in timings.items()
    }


def write_report(n: int, repeat: int, results: list[dict[str, object]]) -> str:
    lines = [
        "# User bank search benchmark",
        "",
        f"`python -m bench.user_bank_search --rows {n} --repeat {repeat}` — "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC,",
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.",
        f"{n:,} users, all removed except each organisation's head administrator (removed within",
        f"the last {WINDOW_DAYS} days by one of {REMOVERS_PER_ORG} administrators; every {VALID_ID_EVERY}th "
        "with a valid personnummer).",
        "Each search is `search_bank` at service level (a new ORM session, one page of 25 rows",
        f"with removal details, plus the bounded count), timed {repeat} times per shape with varying",
        "input after 5 warm-up calls, as a head administrator of the larger organisation (70 %).",
        f"Target: p95 ≤ {TARGET_P95_MS:.0f} ms.",
        "",
    ]
    return "\n".join(lines + users_search.report_sections(results)) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    return users_search.run_cli(
        argv,
        description=(__doc__ or "").split("\n")[0],
        prefix="bench-bank-",
        run_sqlite_fn=run_sqlite,
        run_postgres_fn=run_postgres,
        write_report_fn=write_report,
        results_path=RESULTS,
        header=HEADER,
    )


if __name__ == "__main__":
    sys.exit(main())

"""Users search at scale: p50/p95/max of `search_users` over N realistic Swedish users.

    python -m bench.users_search [--rows 1000000] [--db sqlite|postgres|both] [--repeat 200]

What it does, per database:
1. builds the schema with `alembic upgrade 0002`, bulk-loads N users (executemany on
   SQLite, COPY on PostgreSQL; never the ORM), then `alembic upgrade head`, so migration
   0003 builds its indexes over existing rows as it would in production and its duration
   is reported; `ensure_search_structures` then builds the FTS5 trigram table (SQLite) and
   the name-ordered search rows (both);
2. ANALYZE (PostgreSQL's autovacuum would; on SQLite `PRAGMA optimize` would);
3. times `search_users` (page + bounded count, at service level: the ORM session, the
   query building and the row mapping included) for each query shape, ~`--repeat` times
   each with varying texts, and prints and writes a table to bench/results/users_search.md.

The PostgreSQL server is a throwaway one, started like the test suite's
(tests/support/postgres.py) but with memory settings of a small production server.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.pg import start_postgres
from bench.report import TARGET_P95_MS, percentile, render, verdict

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "users_search.md"

# --------------------------------------------------------------------------- data

# Swedish names built from small lists with realistic frequencies: a few very common
# first names and -son surnames, and a long tail of compound surnames (Berg + ström), so
# "anna" or "andersson" are common (1-3 %) and most surnames are rare, as in Sweden.
FIRST_NAMES = [
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Kristina",
    "Lena",
    "Lars",
    "Mikael",
    "Anders",
    "Johan",
    "Per",
    "Erik",
    "Karl",
    "Sara",
    "Emma",
    "Peter",
    "Jan",
    "Kerstin",
    "Thomas",
    "Ingrid",
    "Marie",
    "Malin",
    "Daniel",
    "Fredrik",
    "Hans",
    "Jenny",
    "Hanna",
    "Linda",
    "Annika",
    "Inger",
    "Bengt",
    "Andreas",
    "Stefan",
    "Magnus",
    "Mats",
    "Susanne",
    "Elin",
    "Monica",
    "Birgitta",
    "Sofia",
    "Johanna",
    "Marcus",
    "Mattias",
    "Bo",
    "Nils",
    "Björn",
    "Jonas",
    "Martin",
    "Oskar",
    "Cecilia",
    "Ulla",
    "Elisabeth",
    "Julia",
    "Ida",
    "Alexander",
    "Gustav",
    "Göran",
    "Håkan",
    "Leif",
    "Ulf",
    "Sven",
    "Louise",
    "Linnéa",
    "Åsa",
    "Ebba",
    "Astrid",
    "Alice",
    "Maja",
    "Wilma",
    "Elsa",
    "Ella",
    "Viktor",
    "Axel",
    "Emil",
    "Elias",
    "Hugo",
    "William",
    "Lucas",
    "Oliver",
    "Ali",
    "Mohammed",
    "Britt",
    "Margareta",
    "Helena",
    "Camilla",
    "Therese",
    "Frida",
    "Matilda",
    "Stig",
    "Ove",
    "Rolf",
    "Kjell",
    "Åke",
    "Märta",
    "Agnes",
    "Signe",
    "Gunnel",
    "Klara",
    "Ronja",
    "Tove",
    "Sigrid",
    "Ylva",
    "Sören",
    "Örjan",
    "Måns",
    "Tore",
    "Gösta",
    "Pär",
    "Ola",
    "Ängla",
    "Åse",
    "Jöns",
]
SON_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Carlsson",
    "Petersson",
    "Magnusson",
    "Olofsson",
    "Mattsson",
    "Axelsson",
    "Jakobsson",
    "Danielsson",
    "Håkansson",
    "Fredriksson",
    "Henriksson",
    "Samuelsson",
    "Isaksson",
    "Fransson",
    "Arvidsson",
    "Claesson",
    "Mårtensson",
    "Eliasson",
    "Pålsson",
    "Abrahamsson",
    "Hermansson",
    "Martinsson",
    "Andreasson",
    "Månsson",
    "Göransson",
    "Gunnarsson",
]
PREFIXES = [
    "Berg",
    "Lind",
    "Lund",
    "Sjö",
    "Ek",
    "Holm",
    "Sund",
    "Ny",
    "Ahl",
    "Ström",
    "Dahl",
    "Hög",
    "Björk",
    "Ås",
    "Öst",
    "Nord",
    "Sand",
    "Fors",
    "Wall",
    "Eng",
    "Hed",
    "Hell",
    "Söder",
    "Lön",
    "Gran",
    "Ask",
    "Rosen",
    "Lilje",
    "Kron",
    "Sten",
    "Bäck",
    "Ros",
    "Löf",
    "Malm",
    "Wik",
    "Ljung",
    "Blom",
    "Falk",
    "Åker",
    "Älv",
]
SUFFIXES = [
    "berg",
    "ström",
    "gren",
    "qvist",
    "lund",
    "man",
    "holm",
    "dahl",
    "by",
    "sjö",
    "näs",
    "vall",
    "stedt",
    "blad",
    "fors",
    "ling",
    "bäck",
    "mark",
    "kvist",
    "ros",
]
OTHER_NAMES = [
    "Ali",
    "Mohammed",
    "Hussein",
    "Ahmed",
    "Hassan",
    "Nguyen",
    "Kowalski",
    "Nowak",
    "Nieminen",
    "Korhonen",
    "Virtanen",
    "Yilmaz",
    "Kaya",
    "Demir",
    "Jovanović",
    "Petrović",
    "Rodríguez",
    "García",
    "Müller",
    "Schmidt",
    "Khan",
    "Rahimi",
    "Karimi",
    "Abdi",
    "Omar",
    "Yusuf",
    "Ibrahim",
    "Osman",
    "Haddad",
    "Lehtonen",
    "Mäkinen",
    "Berg",
    "Lind",
    "Holm",
    "Ek",
    "Strand",
    "Falk",
    "Ström",
    "Blom",
    "Lund",
    "Björk",
    "Dahl",
    "Öberg",
    "Åberg",
    "Wallin",
    "Eklund",
    "Lundin",
    "Nyberg",
    "Sjögren",
]


def _zipf(names: Sequence[str], offset: float, share: float) -> list[tuple[str, float]]:
    raw = [1.0 / (i + offset) for i in range(len(names))]
    total = sum(raw)
    return [(n, share * r / total) for n, r in zip(names, raw, strict=True)]


def _last_name_weights() -> list[tuple[str, float]]:
    compounds = [p + s for p in PREFIXES for s in SUFFIXES]
    # Interleave so the most common compounds are not all "Berg…".
    compounds.sort(key=lambda c: (sum(map(ord, c)) * 7919) % 1009)
    weights = _zipf(SON_NAMES, 6, 0.30) + _zipf(compounds, 40, 0.55) + _zipf(OTHER_NAMES, 5, 0.15)
    merged: dict[str, float] = {}
    for name, w in weights:
        merged[name] = merged.get(name, 0.0) + w
    return list(merged.items())


# Surnames that occur a handful of times per million: the "rare name" searches.
RARE_LAST_NAMES = [
    "Zetterqvist",
    "Östlundh",
    "Quiding",
    "Wahlgren-Ytter",
    "Xenakis",
    "Fjällström",
    "Yngvesson",
    "Qvarnström",
    "Ödeen",
    "Zachrisson",
    "Kjellgren",
    "Tjäder",
]
RARE_EVERY = 5000  # one user in RARE_EVERY gets a rare surname
DOMAINS = [
    "gmail.com",
    "hotmail.se",
    "telia.com",
    "outlook.com",
    "icloud.com",
    "bredband.net",
    "omsorg.se",
]
USER_TYPES = [
    ("employee", 40),
    ("assistant", 25),
    ("brukare", 25),
    ("agent", 8),
    ("administrator", 2),
]
ORGS = [
    ("Omsorg Stor AB-koncernen", 0.7, 6),
    ("Kontaktcenter Norr", 0.3, 3),
]  # name, share, companies
UNITS_PER_COMPANY = 40  # top-level units; each gets two sub-units
NUMERIC_ID_SHARE = 0.4
REMOVED_SHARE = 0.10


def _ascii(name: str) -> str:
    """Usernames and e-mail local parts are ASCII: "Åsa Öberg" -> "asa.oberg"."""
    folded = unicodedata.normalize("NFKD", name.lower())
    return "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch == "-"))


@dataclass
class Tree:
    """The organisations, companies and units the users are spread over (ids as inserted)."""

    orgs: list[tuple[int, str]] = field(default_factory=list)
    companies: list[tuple[int, int, str, str]] = field(default_factory=list)  # id, org, name, orgnr
    units: list[tuple[int, int, int | None, str]] = field(
        default_factory=list
    )  # id, company, parent, name

    def companies_of(self, org_id: int) -> list[int]:
        return [c[0] for c in self.companies if c[1] == org_id]

    def units_of(self, company_id: int) -> list[int]:
        return [u[0] for u in self.units if u[1] == company_id]

    def children_of(self, unit_id: int) -> list[int]:
        return [u[0] for u in self.units if u[2] == unit_id]


def build_tree() -> Tree:
    tree = Tree()
    company_id = unit_id = 0
    for org_id, (org_name, _share, n_companies) in enumerate(ORGS, start=1):
        tree.orgs.append((org_id, org_name))
        for c in range(n_companies):
            company_id += 1
            tree.companies.append(
                (
                    company_id,
                    org_id,
                    f"{org_name.split()[0]} {['Norr', 'Syd', 'Öst', 'Väst', 'Mitt', 'Kust'][c % 6]} AB",
                    f"55{company_id:08d}",
                )
            )
            for u in range(UNITS_PER_COMPANY):
                unit_id += 1
                top = unit_id
                tree.units.append((top, company_id, None, f"Enhet {u + 1} ({company_id})"))
                for s in range(2):
                    unit_id += 1
                    tree.units.append(
                        (unit_id, company_id, top, f"Enhet {u + 1}.{s + 1} ({company_id})")
                    )
    return tree


USER_COLUMNS = (
    "id",
    "organisation_id",
    "company_id",
    "unit_id",
    "first_name",
    "last_name",
    "username",
    "username_key",
    "email",
    "email_key",
    "email_verified_at",
    "national_id",
    "numeric_id",
    "language",
    "user_type",
    "status",
    "removed_at",
    "removed_by_id",
    "created_at",
    "updated_at",
)


def generate_users(
    n: int, tree: Tree, *, seed: int = 20261123, removed_share: float = REMOVED_SHARE
) -> Iterator[tuple[object, ...]]:
    """N users as tuples in USER_COLUMNS order; datetimes are aware UTC datetimes.

    Ids are 1..N. The first user of each organisation is its head administrator (the
    remover of that organisation's removed users). `removed_share` is the chance that any
    other user is removed (1.0: all of them, as in the user bank benchmark).
    """
    rng = random.Random(seed)
    firsts = FIRST_NAMES
    first_w = [w for _, w in _zipf(FIRST_NAMES, 20, 1.0)]
    last_weights = _last_name_weights()
    lasts = [name for name, _ in last_weights]
    last_w = [w for _, w in last_weights]
    types = [t for t, _ in USER_TYPES]
    type_w = [w for _, w in USER_TYPES]
    org_ids = [o[0] for o in tree.orgs]
    org_w = [share for _, share, _ in ORGS]
    companies = {org: tree.companies_of(org) for org in org_ids}
    units = {c[0]: tree.units_of(c[0]) for c in tree.companies}
    first_user: dict[int, int] = {}
    numeric = dict.fromkeys(org_ids, 1000)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 11, 1, tzinfo=UTC) - start).total_seconds()
    batch = 10_000
    for base in range(0, n, batch):
        size = min(batch, n - base)
        f_batch = rng.choices(firsts, first_w, k=size)
        l_batch = rng.choices(lasts, last_w, k=size)
        t_batch = rng.choices(types, type_w, k=size)
        o_batch = rng.choices(org_ids, org_w, k=size)
        for i in range(size):
            uid = base + i + 1
            org = o_batch[i]
            first, last = f_batch[i], l_batch[i]
            if uid % RARE_EVERY == 0:
                last = RARE_LAST_NAMES[(uid // RARE_EVERY) % len(RARE_LAST_NAMES)]
            company = rng.choice(companies[org])
            unit = rng.choice(units[company]) if rng.random() < 0.9 else None
            username = f"{_ascii(first)}.{_ascii(last)}{uid}"
            r = rng.random()
            email = verified = None
            if r < 0.85:
                domain = rng.choice(DOMAINS)
                email = f"{_ascii(first)}.{_ascii(last)}{uid}@{domain}"
            created = start + timedelta(seconds=span * (uid / n) + rng.uniform(-86400, 86400))
            if email and rng.random() < 0.6:
                verified = created + timedelta(days=rng.uniform(0, 30))
            numeric_id = None
            if rng.random() < NUMERIC_ID_SHARE:
                numeric[org] += 1
                numeric_id = numeric[org]
            status, removed_at, removed_by = "active", None, None
            if org not in first_user:
                first_user[org] = uid  # the head admin stays active
            elif rng.random() < removed_share:
                status, removed_by = "removed", first_user[org]
                removed_at = created + timedelta(days=rng.uniform(1, 600))
            national_id = f"{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 9999):04d}"
            yield (
                uid,
                org,
                company,
                unit,
                first,
                last,
                username,
                username.casefold(),
                email,
                email.casefold() if email else None,
                verified,
                national_id,
                numeric_id,
                "sv",
                t_batch[i],
                status,
                removed_at,
                removed_by,
                created,
                created,
            )


# --------------------------------------------------------------------------- loading


def _alembic(url: str, revision: str) -> float:
    from admin_portal.migrations import upgrade

    started = time.perf_counter()
    upgrade(url, revision, keep_logging=True)
    return time.perf_counter() - started


def _datetime_processor(dialect_name: str) -> Callable[[object], object]:
    """How SQLAlchemy itself stores an aware datetime in this database (so keysets agree)."""
    from sqlalchemy.dialects import postgresql, sqlite

    from admin_portal.models import User

    dialect = sqlite.dialect() if dialect_name == "sqlite" else postgresql.psycopg.dialect()
    process = User.__table__.c.created_at.type.bind_processor(dialect)  # type: ignore[attr-defined]
    return process if process is not None else (lambda value: value)


def _tree_rows(tree: Tree, now: datetime) -> tuple[list[tuple[object, ...]], ...]:
    orgs = [(oid, name, 365, now) for oid, name in tree.orgs]
    companies = [(cid, org, name, orgnr, now) for cid, org, name, orgnr in tree.companies]
    units = [(uid, cid, parent, name, now) for uid, cid, parent, name in tree.units]
    return orgs, companies, units


UserRows = Callable[[int, Tree], Iterable[tuple[object, ...]]]


def load_sqlite(
    path: Path, n: int, tree: Tree, users: UserRows = generate_users
) -> dict[str, float]:
    """Schema to 0002, N users (from `users`) through executemany, then head and the FTS table."""
    from admin_portal.db import make_engine
    from admin_portal.search.structures import ensure_search_structures

    url = f"sqlite:///{path}"
    timings = {"schema 0001-0002": _alembic(url, "0002")}
    to_db = _datetime_processor("sqlite")
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    orgs, companies, units = _tree_rows(tree, datetime.now(UTC))
    conn.executemany(
        "INSERT INTO organisations (id, name, user_bank_retention_days, created_at) VALUES (?,?,?,?)",
        [(*r[:3], to_db(r[3])) for r in orgs],
    )
    conn.executemany(
        "INSERT INTO companies (id, organisation_id, name, organisation_number, created_at) VALUES (?,?,?,?,?)",
        [(*r[:4], to_db(r[4])) for r in companies],
    )
    conn.executemany(
        "INSERT INTO units (id, company_id, parent_id, name, created_at) VALUES (?,?,?,?,?)",
        [(*r[:4], to_db(r[4])) for r in units],
    )
    placeholders = ",".join("?" * len(USER_COLUMNS))
    sql = f"INSERT INTO users ({', '.join(USER_COLUMNS)}) VALUES ({placeholders})"
    dt_idx = [
        USER_COLUMNS.index(c)
        for c in ("email_verified_at", "removed_at", "created_at", "updated_at")
    ]
    chunk: list[tuple[object, ...]] = []
    for row in users(n, tree):
        values = list(row)
        for i in dt_idx:
            if values[i] is not None:
                values[i] = to_db(values[i])
        chunk.append(tuple(values))
        if len(chunk) == 50_000:
            conn.executemany(sql, chunk)
            chunk.clear()
    if chunk:
        conn.executemany(sql, chunk)
    conn.commit()
    conn.close()
    timings["load users"] = time.perf_counter() - started
    timings["migrations 0003-0006 (search structures)"] = _alembic(url, "head")
    engine = make_engine(url)
    started = time.perf_counter()
    ensure_search_structures(engine)
    timings["FTS5 trigram table + name-ordered search rows"] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.begin() as c:
        c.exec_driver_sql("ANALYZE")
    with engine.connect() as c:  # fold the build's WAL back into the file, as a quiet app would
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    timings["ANALYZE + checkpoint"] = time.perf_counter() - started
    engine.dispose()
    return timings


def copy_tree_and_users(
    cur: Any, tree: Tree, rows: Iterable[tuple[object, ...]], now: datetime
) -> None:
    """PostgreSQL (a psycopg cursor): the tree's organisations, companies and units, then
    the users through COPY (never the ORM)."""
    orgs, companies, units = _tree_rows(tree, now)
    cur.executemany(
        "INSERT INTO organisations (id, name, user_bank_retention_days, created_at) VALUES (%s,%s,%s,%s)",
        orgs,
    )
    cur.executemany(
        "INSERT INTO companies (id, organisation_id, name, organisation_number, created_at) VALUES (%s,%s,%s,%s,%s)",
        companies,
    )
    cur.executemany(
        "INSERT INTO units (id, company_id, parent_id, name, created_at) VALUES (%s,%s,%s,%s,%s)",
        units,
    )
    with cur.copy(f"COPY users ({', '.join(USER_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load_postgres(
    url: str, n: int, tree: Tree, users: UserRows = generate_users
) -> dict[str, float]:
    """Schema to 0002, N users (from `users`) through COPY, then head (pg_trgm, GIN, b-trees)
    and the name-ordered search rows."""
    import psycopg
    from sqlalchemy.engine import make_url

    timings = {"schema 0001-0002": _alembic(url, "0002")}
    started = time.perf_counter()
    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database) as conn:
        with conn.cursor() as cur:
            copy_tree_and_users(cur, tree, users(n, tree), datetime.now(UTC))
            for table in ("organisations", "companies", "units", "users"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        conn.commit()
    timings["load users"] = time.perf_counter() - started
    timings["migrations 0003-0006 (search structures)"] = _alembic(url, "head")
    from admin_portal.db import make_engine
    from admin_portal.search.structures import ensure_search_structures

    started = time.perf_counter()
    engine = make_engine(url)
    ensure_search_structures(engine)  # as `prepare-database` does after the migrations
    engine.dispose()
    timings["name-ordered search rows"] = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(
        host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True
    ) as conn:
        conn.execute("VACUUM ANALYZE users")
        conn.execute("VACUUM ANALYZE user_search_rows")
    timings["VACUUM ANALYZE"] = time.perf_counter() - started
    return timings


# --------------------------------------------------------------------------- PostgreSQL


# start_postgres: bench/pg.py (imported above; other benches reach it through here too).


# --------------------------------------------------------------------------- shapes


@dataclass
class Shape:
    name: str
    description: str
    run: Callable[[random.Random], float]  # one timed search, in seconds
    times: list[float] = field(default_factory=list)


def _substrings(names: Sequence[str], rng: random.Random, lo: int = 3, hi: int = 8) -> str:
    name = rng.choice(names).lower()
    if len(name) <= lo:
        return name
    size = rng.randint(lo, min(hi, len(name)))
    start = rng.randint(0, len(name) - size)
    return name[start : start + size]


def build_shapes(engine: object, tree: Tree, n: int) -> list[Shape]:
    from sqlmodel import Session

    from admin_portal.auth.permissions import Actor
    from admin_portal.search.query import UserQuery
    from admin_portal.search.users import search_users

    org1 = tree.orgs[0][0]
    head = Actor(
        user_id=1, organisation_id=org1, full_name="Huvud Admin", language="sv", is_head_admin=True
    )
    first_company = tree.companies_of(org1)[0]
    top_unit = tree.units_of(first_company)[0]
    unit_scope = frozenset({top_unit, *tree.children_of(top_unit)})
    unit_admin = Actor(
        user_id=1,
        organisation_id=org1,
        full_name="Enhets Admin",
        language="sv",
        unit_ids=unit_scope,
    )

    common_first = [
        name for name, _ in sorted(_zipf(FIRST_NAMES, 20, 1.0), key=lambda x: -x[1])[:30]
    ]
    common_last = [name for name, _ in sorted(_last_name_weights(), key=lambda x: -x[1])[:30]]
    numeric_max = 1000 + int(n * ORGS[0][1] * NUMERIC_ID_SHARE)

    def timed(actor: Actor, query: UserQuery) -> float:
        started = time.perf_counter()
        with Session(engine) as session:  # type: ignore[arg-type]
            search_users(session, actor=actor, query=query)
        return time.perf_counter() - started

    def common(rng: random.Random) -> float:
        pool = common_first if rng.random() < 0.5 else common_last
        text = rng.choice(pool)
        if rng.random() < 0.3:
            text = text[: rng.randint(3, len(text))]  # typed so far
        return timed(head, UserQuery(text=text.lower()))

    def rare(rng: random.Random) -> float:
        return timed(head, UserQuery(text=_substrings(RARE_LAST_NAMES, rng, 4, 8)))

    def prefix2(rng: random.Random) -> float:
        name = rng.choice(common_first + common_last + PREFIXES + RARE_LAST_NAMES)
        return timed(head, UserQuery(text=name[: rng.choice((1, 2, 2, 2))].lower()))

    def email_fragment(rng: random.Random) -> float:
        kind = rng.random()
        if kind < 0.4:
            text = rng.choice(["@" + d.split(".")[0] for d in DOMAINS] + DOMAINS)
        else:
            text = f"{_ascii(rng.choice(common_first))}.{_ascii(rng.choice(common_last))[: rng.randint(3, 6)]}"
        return timed(head, UserQuery(text=text))

    def numeric(rng: random.Random) -> float:
        return timed(head, UserQuery(text=str(rng.randint(1001, numeric_max))))

    def unit_scoped(rng: random.Random) -> float:
        text = rng.choice(
            ["", _substrings(common_first + common_last, rng), rng.choice(common_last).lower()]
        )
        return timed(
            unit_admin, UserQuery(text=text, sort=rng.choice(["name", "username", "created"]))
        )

    def filter_only(rng: random.Random) -> float:
        return timed(
            head,
            UserQuery(
                user_type=rng.choice([t for t, _ in USER_TYPES]),
                email_state=rng.choice(["verified", "unverified", "missing", None]),
                sort=rng.choice(["name", "username", "created"]),
                descending=rng.random() < 0.5,
            ),
        )

    def deep_page(rng: random.Random) -> float:
        query = UserQuery(
            text=rng.choice(["", "", rng.choice(common_first).lower()]),
            sort=rng.choice(["name", "username", "created"]),
            descending=rng.random() < 0.5,
        )
        with Session(engine) as session:  # type: ignore[arg-type]
            for _ in range(19):  # pages 1-19, untimed
                page = search_users(session, actor=head, query=query)
                query = replace(query, cursor=page.next_cursor)
        return timed(head, query)

    def removed(rng: random.Random) -> float:
        text = rng.choice(
            [
                rng.choice(common_first + common_last).lower(),
                _substrings(common_last, rng),
                _substrings(RARE_LAST_NAMES, rng, 4, 8),
                "",
            ]
        )
        return timed(head, UserQuery(text=text, status="removed"))

    return [
        Shape("common name", "head admin, substring of a common first name or surname", common),
        Shape("rare name", "head admin, substring of a surname held by ~1 in 60,000", rare),
        Shape("1-2 characters", "head admin, prefix search on 1-2 typed characters", prefix2),
        Shape("e-mail fragment", "head admin, '@telia', 'gmail.com', 'anna.lind'", email_fragment),
        Shape("numeric id", "head admin, an exact numeric (agent) id", numeric),
        Shape(
            "unit admin",
            "admin of one unit and its two sub-units (~0.4 % of the org), any sort",
            unit_scoped,
        ),
        Shape(
            "filters only",
            "head admin, user type + e-mail state, any sort and direction",
            filter_only,
        ),
        Shape(
            "page 20",
            "head admin, the 20th page via cursors (list, or a common first name)",
            deep_page,
        ),
        Shape(
            "removed users",
            "head admin, status removed (the user bank's list), names or none",
            removed,
        ),
    ]


# --------------------------------------------------------------------------- run


def measure(shapes: list[Shape], repeat: int, *, seed: int = 1) -> None:
    rng = random.Random(seed)
    for shape in shapes:
        for _ in range(5):  # warm caches and the statement cache
            shape.run(rng)
        shape.times = [shape.run(rng) for _ in range(repeat)]


def table_rows(
    shapes: Sequence[Shape], *, target_ms: float = TARGET_P95_MS
) -> list[tuple[str, str, str, str, str, str]]:
    """Per shape: name, calls, p50, p95, max (ms) and whether p95 meets `target_ms`."""
    rows = []
    for s in shapes:
        ms = [t * 1000 for t in s.times]
        p95 = percentile(ms, 95)
        rows.append(
            (
                s.name,
                str(len(ms)),
                f"{statistics.median(ms):.1f}",
                f"{p95:.1f}",
                f"{max(ms):.1f}",
                verdict(p95, ok="ok", target_ms=target_ms),
            )
        )
    return rows


HEADER = ("shape", "n", "p50 ms", "p95 ms", "max ms", "≤ 25 ms")


def measure_sqlite(
    path: Path,
    repeat: int,
    *,
    what: str,
    load: Callable[[Path], dict[str, float]],
    shapes_for: Callable[[object], list[Shape]],
) -> dict[str, object]:
    """Load a SQLite file with `load`, time the shapes `shapes_for` builds, drop the file."""
    from admin_portal.db import make_engine

    path.unlink(missing_ok=True)
    print(f"[sqlite] loading {what} into {path}", flush=True)
    timings = load(path)
    engine = make_engine(f"sqlite:///{path}")
    shapes = shapes_for(engine)
    print("[sqlite] measuring", flush=True)
    measure(shapes, repeat)
    engine.dispose()
    size = path.stat().st_size / 1e6
    path.unlink(missing_ok=True)
    return {
        "db": f"SQLite {sqlite3.sqlite_version}",
        "timings": timings,
        "rows": table_rows(shapes),
        "shapes": shapes,
        "size": f"{size:,.0f} MB database file",
    }


def measure_postgres(
    repeat: int,
    *,
    what: str,
    load: Callable[[str], dict[str, float]],
    shapes_for: Callable[[object], list[Shape]],
) -> dict[str, object]:
    """The same on a throwaway PostgreSQL server, which is destroyed afterwards."""
    from sqlalchemy import text

    from admin_portal.db import make_engine

    server, url = start_postgres()
    try:
        print(f"[postgres] loading {what}", flush=True)
        timings = load(url)
        engine = make_engine(url)
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
            size = conn.execute(
                text(
                    "SELECT pg_size_pretty(pg_total_relation_size('users')) || ', search rows ' "
                    "|| pg_size_pretty(pg_total_relation_size('user_search_rows'))"
                )
            ).scalar()
        shapes = shapes_for(engine)
        print("[postgres] measuring", flush=True)
        measure(shapes, repeat)
        engine.dispose()
    finally:
        server.destroy()  # type: ignore[attr-defined]
    return {
        "db": f"PostgreSQL {version}",
        "timings": timings,
        "rows": table_rows(shapes),
        "shapes": shapes,
        "size": f"users table + indexes {size}",
    }


def run_sqlite(n: int, repeat: int, workdir: Path) -> dict[str, object]:
    tree = build_tree()
    return measure_sqlite(
        workdir / "bench_users.db",
        repeat,
        what=f"{n:,} users",
        load=lambda path: load_sqlite(path, n, tree),
        shapes_for=lambda engine: build_shapes(engine, tree, n),
    )


def run_postgres(n: int, repeat: int) -> dict[str, object]:
    tree = build_tree()
    return measure_postgres(
        repeat,
        what=f"{n:,} users",
        load=lambda url: load_postgres(url, n, tree),
        shapes_for=lambda engine: build_shapes(engine, tree, n),
    )


def write_report(n: int, repeat: int, results: list[dict[str, object]]) -> str:
    lines = [
        "# Users search benchmark",
        "",
        f"`python -m bench.users_search --rows {n} --repeat {repeat}` — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC,",
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.",
        "Each search is `search_users` at service level (a new ORM session, one page of 25 rows",
        f"plus the bounded count), timed {repeat} times per shape with varying input after 5 warm-up",
        f"calls. Target: p95 ≤ {TARGET_P95_MS:.0f} ms.",
        "",
    ]
    return "\n".join(lines + report_sections(results)) + "\n"


def report_sections(results: list[dict[str, object]]) -> list[str]:
    """The part of a report both benchmarks share: the shapes, then per database its
    table and how long the build took."""
    shapes: list[Shape] = results[0]["shapes"]  # type: ignore[assignment]
    lines = ["Shapes:", "", *(f"- **{s.name}**: {s.description}" for s in shapes)]
    for result in results:
        lines += [
            "",
            f"## {result['db']} ({result['size']})",
            "",
            render(result["rows"], HEADER),  # type: ignore[arg-type]
            "",
            "Build:",
            "",
        ]
        lines += [f"- {k}: {v:.1f} s" for k, v in result["timings"].items()]  # type: ignore[attr-defined]
    return lines


def run_cli(
    argv: Sequence[str] | None,
    *,
    description: str,
    prefix: str,
    run_sqlite_fn: Callable[..., dict],
    run_postgres_fn: Callable[..., dict],
    write_report_fn: Callable[..., str],
    results_path: Path,
    header: Sequence[str],
) -> int:
    """The command line both benchmarks share: sizes, databases, where results go."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--workdir", type=Path, default=None, help="where the SQLite file goes")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results/ alone")
    args = parser.parse_args(argv)
    os.environ.setdefault("ADMIN_PORTAL_SECRET_KEY", "bench-secret-key")
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        if args.db in ("sqlite", "both"):
            results.append(run_sqlite_fn(args.rows, args.repeat, args.workdir or Path(tmp)))
            print(render(results[-1]["rows"], header), flush=True)
        if args.db in ("postgres", "both"):
            results.append(run_postgres_fn(args.rows, args.repeat))
            print(render(results[-1]["rows"], header), flush=True)
    report = write_report_fn(args.rows, args.repeat, results)
    if not args.no_write:
        results_path.parent.mkdir(parents=True, exist_ok=True)
        results_path.write_text(report)
        print(f"written to {results_path.relative_to(ROOT)}")
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(
        argv,
        description=(__doc__ or "").split("\n")[0],
        prefix="bench-users-",
        run_sqlite_fn=run_sqlite,
        run_postgres_fn=run_postgres,
        write_report_fn=write_report,
        results_path=RESULTS,
        header=HEADER,
    )


if __name__ == "__main__":
    sys.exit(main())

"""Hem (gruppkonto) at scale: one page of `list_properties` with 10,000 properties (SQLite).

    python -m bench.properties_home [--properties 10000] [--noise 40000] [--repeat 50]

One partner organisation. The primary account's agreement holds N properties; other
agreements hold `--noise` more (they must cost nothing). An ordinary account has access
rows on all N of the agreement's properties (its reach goes through `property_access`).
Measured per case: p50/p95/max milliseconds of one page (25 rows), the first page, a page
deep in the list (via its cursor, as "Nästa sida" does), and a search.
Results go to bench/results/properties_home.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session, SQLModel

import admin_portal.models  # noqa: F401  (registers every table)
from admin_portal.auth.permissions import Actor
from admin_portal.db import make_engine
from admin_portal.models import (
    Company,
    Organisation,
    PartnerAgreement,
    PrimaryAccount,
    Property,
    PropertyAccess,
    User,
)
from admin_portal.services.properties import list_properties
from admin_portal.services.properties.listing import name_key

RESULTS = Path(__file__).resolve().parent / "results" / "properties_home.md"
_PLACES = ["Fjällbacka", "Strömstad", "Hemavan", "Åre", "Visby", "Ystad", "Kiruna", "Örebro"]
_KINDS = [
    ("Hotell", "hotel"),
    ("Vandrarhem", "hostel"),
    ("Stuga", "cabin"),
    ("Lägenhet", "apartment"),
]


def _load(session: Session, properties: int, noise: int, rng: random.Random) -> None:
    session.add(Organisation(id=1, name="Bench Partner"))
    session.flush()
    session.add(Company(id=1, organisation_id=1, name="Bench AB", organisation_number="5561002000"))
    session.flush()
    agreements = [
        {
            "id": a,
            "organisation_id": 1,
            "company_id": 1,
            "agreement_number": f"AVT-{a}",
            "name": "x",
        }
        for a in range(1, 11)
    ]
    session.execute(insert(PartnerAgreement.__table__), agreements)  # type: ignore[attr-defined]
    session.execute(
        insert(User.__table__),  # type: ignore[attr-defined]
        [
            {
                "id": i,
                "organisation_id": 1,
                "company_id": 1,
                "first_name": "P",
                "last_name": str(i),
                "username": f"u{i}",
                "username_key": f"u{i}",
                "user_type": "employee",
                "language": "sv",
            }
            for i in (1, 2)
        ],
    )
    session.add(PrimaryAccount(user_id=1, agreement_id=1))
    rows = []
    for i in range(1, properties + noise + 1):
        kind_word, kind = rng.choice(_KINDS)
        name = f"{kind_word} {rng.choice(_PLACES)} {i}"
        rows.append(
            {
                "id": i,
                "organisation_id": 1,
                "agreement_id": 1 if i <= properties else rng.randint(2, 10),
                "name": name,
                "name_key": name_key(name),
                "address": f"Storgatan {i % 200 + 1}, {rng.choice(_PLACES)}",
                "property_type": kind,
            }
        )
    session.execute(insert(Property.__table__), rows)  # type: ignore[attr-defined]
    session.execute(
        insert(PropertyAccess.__table__),  # type: ignore[attr-defined]
        [{"property_id": i, "user_id": 2, "bookings": True} for i in range(1, properties + 1)],
    )
    session.commit()
    session.execute(text("ANALYZE"))


def _timed(call: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return statistics.median(samples), p95, samples[-1]


def _deep_cursor(engine, actor: Actor, pages: int) -> str:  # type: ignore[no-untyped-def]
    cursor = ""
    with Session(engine) as session:
        for _ in range(pages):
            cursor = list_properties(session, actor=actor, cursor=cursor).next_cursor
    return cursor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--properties", type=int, default=10_000)
    parser.add_argument("--noise", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-properties-"))
    engine = make_engine(f"sqlite:///{workdir / 'bench.db'}")
    SQLModel.metadata.create_all(engine)
    started = time.perf_counter()
    with Session(engine) as session:
        _load(session, args.properties, args.noise, random.Random(13))
    load_s = time.perf_counter() - started
    primary = Actor(user_id=1, organisation_id=1, full_name="P", language="sv")
    ordinary = Actor(user_id=2, organisation_id=1, full_name="O", language="sv")
    deep_page = args.properties // 25 // 2
    cases: list[tuple[str, Callable[[], object]]] = []
    for label, actor in (("primary account", primary), ("ordinary account", ordinary)):
        deep = _deep_cursor(engine, actor, deep_page)

        def first(actor: Actor = actor) -> object:
            with Session(engine) as session:
                return list_properties(session, actor=actor)

        def middle(actor: Actor = actor, deep: str = deep) -> object:
            with Session(engine) as session:
                return list_properties(session, actor=actor, cursor=deep)

        def search(actor: Actor = actor) -> object:
            with Session(engine) as session:
                return list_properties(session, actor=actor, query="strömstad")

        def rare(actor: Actor = actor) -> object:
            with Session(engine) as session:
                return list_properties(session, actor=actor, query="hotell åre 77")

        cases += [
            (f"{label}: first page", first),
            (f"{label}: page {deep_page + 1} (cursor)", middle),
            (f"{label}: search 'strömstad' (~1/8 match)", search),
            (f"{label}: search 'hotell åre 77' (few match)", rare),
        ]
    lines = [
        "# Hem (gruppkonto): `list_properties` at scale",
        "",
        f"SQLite, {args.properties:,} properties in the account's agreement, {args.noise:,} in "
        f"nine other agreements; the ordinary account has {args.properties:,} access rows. "
        f"{args.repeat} calls per case, each with a fresh ORM session. Python "
        f"{platform.python_version()}, {platform.machine()}. Load: {load_s:.1f} s.",
        "",
        "| Case | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|",
    ]
    for label, call in cases:
        call()  # warm
        p50, p95, worst = _timed(call, args.repeat)
        lines.append(f"| {label} | {p50:.1f} | {p95:.1f} | {worst:.1f} |")
        print(lines[-1], flush=True)
    report = "\n".join(lines) + "\n"
    if not args.no_write:
        RESULTS.write_text(report)
    print(report)


if __name__ == "__main__":
    main()

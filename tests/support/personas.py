"""The callers of the authorization matrix, and a victim organisation none of them owns.

Eight personas, and a ninth since issue 14: the therapist (platform staff, like support).

Built once per test module in its own SQLite file (`build_world`). Every persona but the
anonymous one has a live login session; `cookie_header(world, persona)` is what their
browser would send with the websocket handshake.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Table, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from admin_portal.auth.cookies import session_cookie_name
from admin_portal.auth.tokens import hash_secret
from admin_portal.models import LoginSession, Role, UserType, utcnow
from tests.support.factories import grant, make_company, make_org, make_unit, make_user
from tests.support.world import add_unit_admin, build_care_world

ANONYMOUS = "anonymous"
STANDARD = "standard_user"
UNIT_ADMIN = "unit_admin"
TWO_UNIT_ADMIN = "two_unit_admin"
COMPANY_ADMIN = "company_admin"
HEAD_ADMIN = "head_admin"
SUPPORT = "support_staff"
OTHER_ORG_ADMIN = "other_org_admin"
THERAPIST = "therapist_staff"

PERSONAS = (
    ANONYMOUS,
    STANDARD,
    UNIT_ADMIN,
    TWO_UNIT_ADMIN,
    COMPANY_ADMIN,
    HEAD_ADMIN,
    SUPPORT,
    OTHER_ORG_ADMIN,
    THERAPIST,
)

# Who holds each role word of the handler table (scope is the services' to check).
HOLDERS: dict[str, frozenset[str]] = {
    "signed_in": frozenset(PERSONAS) - {ANONYMOUS},
    "admin": frozenset({UNIT_ADMIN, TWO_UNIT_ADMIN, COMPANY_ADMIN, HEAD_ADMIN, OTHER_ORG_ADMIN}),
    "head_admin": frozenset({HEAD_ADMIN}),
    "support": frozenset({SUPPORT}),
    "therapist": frozenset({THERAPIST}),
}


@dataclass
class World:
    engine: Engine
    user_ids: dict[str, int] = field(default_factory=dict)  # persona -> user id
    organisation_ids: dict[str, int] = field(default_factory=dict)  # persona -> organisation
    raw_sessions: dict[str, str] = field(default_factory=dict)
    victim_org_id: int = 0
    victim_company_id: int = 0
    victim_unit_id: int = 0
    victim_user_id: int = 0
    victim_brukare_id: int = 0
    victim_email: str = "offer@example.se"


def cookie_header(world: World, persona: str) -> str:
    raw = world.raw_sessions.get(persona)
    return f"{session_cookie_name()}={raw}" if raw else ""


def build_world(engine: Engine) -> World:
    world = World(engine=engine)
    with Session(engine, expire_on_commit=False) as session:
        # The home organisation is the shared world; its head, company admin and standard user
        # are three of the personas.
        base = build_care_world(session, head_username="huvudadmin", other_org_name="Annan org")
        first, second = base.company, base.company2
        unit_1, unit_2 = base.unit_a, base.unit_b
        make_unit(session, second, "Enhet 3")
        people = {
            STANDARD: base.standard,
            UNIT_ADMIN: add_unit_admin(session, base),
            TWO_UNIT_ADMIN: make_user(session, first, unit=unit_1, username="omradeschef"),
            COMPANY_ADMIN: base.company_admin,
            HEAD_ADMIN: base.head,
            SUPPORT: make_user(session, first, username="kundtjanst"),
            THERAPIST: make_user(session, first, username="terapeut"),
        }
        grant(session, people[TWO_UNIT_ADMIN], Role.ADMIN, unit=unit_1)
        grant(session, people[TWO_UNIT_ADMIN], Role.ADMIN, unit=unit_2)
        grant(session, people[SUPPORT], Role.SUPPORT)
        grant(session, people[THERAPIST], Role.THERAPIST)

        other_company = base.other_company
        people[OTHER_ORG_ADMIN] = make_user(session, other_company, username="annanadmin")
        grant(session, people[OTHER_ORG_ADMIN], Role.ADMIN, company=other_company)

        victim_org = make_org(session, "Offerorg")
        victim_company = make_company(session, victim_org)
        victim_unit = make_unit(session, victim_company, "Offerenhet")
        victim = make_user(
            session, victim_company, unit=victim_unit, username="offer", email=world.victim_email
        )
        brukare = make_user(
            session, victim_company, unit=victim_unit, user_type=UserType.BRUKARE, username="bru"
        )
        for persona, user in people.items():
            assert user.id is not None
            world.user_ids[persona] = user.id
            world.organisation_ids[persona] = user.organisation_id
            raw = f"matrix-session-{persona}"
            session.add(
                LoginSession(
                    user_id=user.id,
                    token_hash=hash_secret(raw),
                    expires_at=utcnow() + timedelta(days=1),
                )
            )
            world.raw_sessions[persona] = raw
        world.victim_org_id = victim_org.id or 0
        world.victim_company_id = victim_company.id or 0
        world.victim_unit_id = victim_unit.id or 0
        world.victim_user_id = victim.id or 0
        world.victim_brukare_id = brukare.id or 0
        session.commit()
    return world


def _tables(engine: Engine) -> list[Table]:
    # The world's database is made from the models' metadata, so it has exactly these tables.
    return list(SQLModel.metadata.sorted_tables)


def fingerprint(engine: Engine, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """A hash of every row of every table: equal fingerprints, no row changed."""
    result = {}
    with engine.connect() as connection:
        for table in _tables(engine):
            if table.name in skip:
                continue
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            result[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return result


def victim_fingerprint(engine: Engine, world: World) -> dict[str, str]:
    """Every row that belongs to the victim organisation, its users or its address."""
    with Session(engine) as session:
        victim_users = {world.victim_user_id, world.victim_brukare_id}
        result = {}
        for table in _tables(engine):
            columns = table.columns
            if "organisation_id" in columns:
                where = columns["organisation_id"] == world.victim_org_id
            elif "user_id" in columns:
                where = columns["user_id"].in_(victim_users)
            elif "company_id" in columns:
                where = columns["company_id"] == world.victim_company_id
            else:
                continue
            if table.name == "audit_events":
                continue  # refusals recorded about the victim are expected
            rows = session.execute(select(table).where(where)).all()
            result[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
        mail = session.execute(
            select(SQLModel.metadata.tables["outbox_messages"]).where(
                SQLModel.metadata.tables["outbox_messages"].c.to_address == world.victim_email
            )
        ).all()
        result["mail to the victim"] = str(len(mail))
    return result

"""The shared world (`build_care_world`) as issue 14's form tests name it: two companies, three
kinds of admin."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import Company, Unit, User
from admin_portal.state.users import email_check, new, profile
from tests.support.db_scope import route_scopes
from tests.support.factories import make_unit, make_user
from tests.support.world import add_unit_admin, build_care_world


@dataclass
class FormsWorld:
    norr: Company
    syd: Company
    foreign: Company  # another organisation
    centrum: Unit  # norr
    vaster: Unit  # norr
    syd_unit: Unit
    foreign_unit: Unit
    head: Actor
    norr_admin: Actor  # admin of the company norr only
    unit_admin: Actor  # admin of centrum only
    standard: Actor
    taken_norr: User  # holds taken@example.se in norr, placed in vaster
    foreign_holder: User  # holds foreign@example.se in the other organisation


def _actor(session: Session, user: User) -> Actor:
    actor = load_actor(session, user.id or 0)
    assert actor is not None
    return actor


def build(session: Session) -> FormsWorld:
    base = build_care_world(
        session,
        head_username="huvud",
        company_name="Norrbolaget AB",
        company2_name="Sydbolaget AB",
        unit_a_name="Centrum",
        unit_b_name="Väster",
        other_org_name="Annan koncern",
        other_company_name="Främmande AB",
    )
    norr, syd, centrum, vaster = base.company, base.company2, base.unit_a, base.unit_b
    syd_unit = make_unit(session, syd, "Syd-enheten")
    foreign = base.other_company
    foreign_unit = make_unit(session, foreign, "Främmande enhet")
    head, norr_admin, standard = base.head, base.company_admin, base.standard
    unit_admin = add_unit_admin(session, base, username="centrumadmin")
    taken = make_user(session, norr, unit=vaster, username="upptagen", email="taken@example.se")
    holder = make_user(session, foreign, username="utomstaende", email="foreign@example.se")
    session.commit()
    return FormsWorld(
        norr=norr,
        syd=syd,
        foreign=foreign,
        centrum=centrum,
        vaster=vaster,
        syd_unit=syd_unit,
        foreign_unit=foreign_unit,
        head=_actor(session, head),
        norr_admin=_actor(session, norr_admin),
        unit_admin=_actor(session, unit_admin),
        standard=_actor(session, standard),
        taken_norr=taken,
        foreign_holder=holder,
    )


def patch_sessions(engine: Engine, monkeypatch: pytest.MonkeyPatch, *modules: ModuleType) -> None:
    """The handlers' transactions (state helper included) open on the test database."""
    route_scopes(monkeypatch, engine, *modules)


def substate(
    cls: type[rx.State], monkeypatch: pytest.MonkeyPatch, actor: Actor | None, lang: str = "sv"
):  # type: ignore[no-untyped-def]
    """The state as a client would reach it, signed in as `actor` (None: signed out)."""
    monkeypatch.setattr(cls, "_authorized", lambda self, need="admin": actor)
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    state.lang = lang
    return state


def user_form_world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> FormsWorld:
    """The world, with the user forms' handlers (Lägg till användare, the profile and the
    e-mail check) opening their transactions on the test database."""
    with Session(engine, expire_on_commit=False) as session:
        world = build(session)
    patch_sessions(engine, monkeypatch, new, profile, email_check)
    return world

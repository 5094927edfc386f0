"""A small organisation for issue 14's form tests: two companies, three kinds of admin."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import Company, Unit, User
from tests.support.db_scope import route_scopes
from tests.support.factories import Role, grant, make_company, make_org, make_unit, make_user


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
    org = make_org(session, "Omsorg Test")
    norr, syd = (
        make_company(session, org, "Norrbolaget AB"),
        make_company(session, org, "Sydbolaget AB"),
    )
    centrum, vaster = make_unit(session, norr, "Centrum"), make_unit(session, norr, "Väster")
    syd_unit = make_unit(session, syd, "Syd-enheten")
    foreign = make_company(session, make_org(session, "Annan koncern"), "Främmande AB")
    foreign_unit = make_unit(session, foreign, "Främmande enhet")
    head = make_user(session, norr, username="huvud")
    grant(session, head, Role.HEAD_ADMIN)
    norr_admin = make_user(session, norr, username="norradmin")
    grant(session, norr_admin, Role.ADMIN, company=norr)
    unit_admin = make_user(session, norr, unit=centrum, username="centrumadmin")
    grant(session, unit_admin, Role.ADMIN, unit=centrum)
    standard = make_user(session, norr, unit=centrum, username="vanlig")
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

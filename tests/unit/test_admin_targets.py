"""Finding A.1, the admin-target matrix: who may change which admin, on every write path.

Actors {unit admin, admin of two units, company admin, head admin} × targets {peer admin,
wider admin, head admin, standard user in scope} × actions {edit, verification to a new
address, welcome link, remove, bulk remove, import apply, restore}. Every target is placed
in a unit the actor administers, so the old placement-only check let every call through.

The rule (services.users.manage.get_user_for_write): only head admins act on a head admin; an
admin acts on another admin only when every grant of the target lies strictly inside the
actor's own scope. A denied call changes no row, leaves the target as it was and queues
no mail. Restore is the user bank's: head admins only (F0.4).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.i18n import EN, SV
from admin_portal.models import (
    Company,
    OutboxMessage,
    Role,
    Token,
    Unit,
    User,
    UserImportRow,
    UserStatus,
    UserType,
    utcnow,
)
from admin_portal.services import jobs
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError
from admin_portal.services.spreadsheets.import_apply import start_apply
from admin_portal.services.spreadsheets.import_preview import preview_import
from admin_portal.services.user_bank.manage import restore_user
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import (
    send_invitation,
    update_user,
)
from admin_portal.services.users.removal import (
    remove_user,
    remove_users,
)
from admin_portal.services.verification.email import send_verification
from tests.support.factories import grant, make_unit, make_user
from tests.support.row_counts import snapshot
from tests.support.world import build_care_world

ACTORS = ("unit", "two_unit", "company", "head")
TARGETS = ("peer", "wider", "head_admin", "standard")
ACTIONS = (
    "edit",
    "verify_new_address",
    "welcome_link",
    "remove",
    "bulk_remove",
    "import",
    "restore",
)
OUT_OF_REACH = "users.admin_out_of_reach"
NEW_ADDRESS = "ny.adress@angripare.example"


# --------------------------------------------------------------------------- world


@dataclass
class World:
    """The shared world (`build_care_world`) under the names this matrix uses, with its actors
    and targets added."""

    company: Company
    other_company: Company  # the shared world's company2: the same organisation
    unit: Unit  # U1: every actor administers it; every target is placed in it
    child: Unit  # U1a, below U1
    sibling: Unit  # U2, beside U1 in the same company
    actors: dict[str, User]
    people: dict[str, User]  # targets and helpers, by name

    def actor(self, session: Session, name: str) -> Actor:
        found = load_actor(session, self.actors[name].id or 0)
        assert found is not None
        return found


def _admin(
    session: Session,
    company: Company,
    placed: Unit,
    name: str,
    *,
    units: tuple[Unit, ...] = (),
    companies: tuple[Company, ...] = (),
    head: bool = False,
    support: bool = False,
) -> User:
    """An administrator placed in `placed` (no password, an unverified address) with grants."""
    person = make_user(
        session,
        company,
        unit=placed,
        username=name,
        email=f"{name}@example.se",
        user_type=UserType.ADMINISTRATOR,
        first_name=name.capitalize(),
    )
    if head:
        grant(session, person, Role.HEAD_ADMIN)
    if support:
        grant(session, person, Role.SUPPORT)
    for held in companies:
        grant(session, person, Role.ADMIN, company=held)
    for held_unit in units:
        grant(session, person, Role.ADMIN, unit=held_unit)
    return person


@pytest.fixture
def w(session: Session) -> World:
    base = build_care_world(session, standard_email="vanlig@example.se")
    company, other_company = base.company, base.company2  # both in the one organisation
    unit, sibling = base.unit_a, base.unit_b
    child = make_unit(session, company, "U1a", parent=unit)
    actors = {
        "unit": _admin(session, company, unit, "enhetsadmin", units=(unit,)),
        "two_unit": _admin(session, company, unit, "tvaenheter", units=(unit, sibling)),
        "company": _admin(session, company, unit, "foretagsadmin", companies=(company,)),
        "head": _admin(session, company, unit, "huvudadmin", head=True),
    }
    for actor in actors.values():
        actor.password_hash = "x"  # they signed in; targets have no password yet
    people = {
        # peers: the very scope of an actor
        "unit_peer": _admin(session, company, unit, "enhetskollega", units=(unit,)),
        "two_unit_peer": _admin(session, company, unit, "tvakollega", units=(unit, sibling)),
        "company_peer": _admin(session, company, unit, "foretagskollega", companies=(company,)),
        "head_peer": _admin(session, company, unit, "huvudkollega", head=True),
        # wider than the company admin: a second company
        "two_companies": _admin(
            session, company, unit, "tvaforetag", companies=(company, other_company)
        ),
        # strictly inside every non-head actor: an admin of U1a only
        "inner": _admin(session, company, child, "underenhet", units=(child,)),
        # an admin of U1 only: narrower than the two-unit admin, yet not strictly inside
        "narrow_peer": _admin(session, company, unit, "smalkollega", units=(unit,)),
        # support staff placed in the unit
        "support": _admin(session, company, unit, "kundtjanst", support=True),
        "standard": base.standard,
        "bystander": make_user(session, company, unit=unit, username="bredvid"),
    }
    session.commit()
    return World(company, other_company, unit, child, sibling, actors, people)


# Which person is "peer admin", "wider admin", ... for each actor.
TARGET_OF: dict[tuple[str, str], str] = {
    ("unit", "peer"): "unit_peer",
    ("unit", "wider"): "two_unit_peer",  # also holds U2, outside the unit admin's scope
    ("two_unit", "peer"): "two_unit_peer",
    ("two_unit", "wider"): "company_peer",
    ("company", "peer"): "company_peer",
    ("company", "wider"): "two_companies",
    ("head", "peer"): "head_peer",
    ("head", "wider"): "two_companies",  # nothing is wider than a head admin
}


def target_name(actor: str, target: str) -> str:
    if target == "head_admin":
        return "head_peer"
    if target == "standard":
        return "standard"
    return TARGET_OF[(actor, target)]


def allowed(actor: str, target: str, action: str) -> bool:
    if action == "restore":
        return actor == "head"  # the user bank is the head admins' (F0.4)
    return actor == "head" or target in ("standard", "inner")


# --------------------------------------------------------------------------- actions


def _key() -> str:
    return secrets.token_urlsafe(16)


def _form(person: User, **changes: object) -> UserInput:
    values: dict[str, object] = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "username": person.username,
        "user_type": person.user_type,
        "company_id": person.company_id,
        "unit_id": person.unit_id,
        "email": person.email or "",
        "language": person.language,
        "keep_national_id_when_blank": True,
    }
    values.update(changes)
    return UserInput(**values)  # type: ignore[arg-type]


def _bank(session: Session, person: User) -> None:
    person.status, person.removed_at = UserStatus.REMOVED, utcnow()
    session.add(person)
    session.commit()


def _csv(username: str, email: str) -> bytes:
    return f"\ufeffAnvändarnamn;E-post\n{username};{email}\n".encode()


def act(
    action: str, engine: Engine, session: Session, actor: Actor, person: User, w: World
) -> Callable[[], object]:
    uid = person.id or 0
    if action == "edit":
        return lambda: update_user(
            session, actor=actor, user_id=uid, data=_form(person, last_name="Ändrad")
        )
    if action == "verify_new_address":
        return lambda: send_verification(session, actor=actor, user_id=uid, email=NEW_ADDRESS)
    if action == "welcome_link":
        return lambda: send_invitation(session, actor=actor, user_id=uid)
    if action == "remove":
        return lambda: remove_user(session, actor=actor, user_id=uid)
    if action == "bulk_remove":
        # All or none: the bystander (always in reach) goes only if the target may go too.
        bystander = w.people["bystander"].id or 0
        return lambda: remove_users(session, actor=actor, user_ids=[bystander, uid])
    if action == "restore":
        _bank(session, person)
        return lambda: restore_user(
            session, actor=actor, user_id=uid, company_id=None, unit_id=None
        )
    raise AssertionError(action)


def _state(session: Session, user_id: int) -> tuple[object, ...]:
    session.expire_all()
    u = session.get(User, user_id)
    assert u is not None
    return (u.last_name, u.email, u.email_verified_at, u.status, u.company_id, u.unit_id)


def _mail_to(session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.user_id == user_id)
    ).one()


def _changed_as_allowed(session: Session, action: str, person: User, w: World) -> None:
    session.expire_all()
    after = session.get(User, person.id)
    assert after is not None
    if action == "edit":
        assert after.last_name == "Ändrad"
    elif action in ("verify_new_address", "import"):
        assert after.email == NEW_ADDRESS and after.email_verified_at is None
    if action in ("verify_new_address", "welcome_link", "restore"):
        assert _mail_to(session, person.id or 0) == 1
    if action in ("remove", "bulk_remove"):
        assert after.status == UserStatus.REMOVED
    if action == "bulk_remove":
        assert session.get(User, w.people["bystander"].id).status == UserStatus.REMOVED  # type: ignore[union-attr]
    if action == "restore":
        assert after.status == UserStatus.ACTIVE


# --------------------------------------------------------------------------- the matrix


def _run_import(engine: Engine, session: Session, actor: Actor, person: User) -> str:
    """Preview and apply one row giving the target a new address; returns the preview outcome."""
    summary = preview_import(
        session, actor=actor, filename="mall.csv", data=_csv(person.username, NEW_ADDRESS)
    )
    outcome = session.exec(
        select(UserImportRow.outcome).where(UserImportRow.import_id == summary.id)
    ).one()
    start_apply(session, actor=actor, import_id=summary.id, request_key=_key())
    session.commit()
    jobs.run_until_idle(engine)
    return outcome


def check(engine: Engine, session: Session, w: World, actor_name: str, person_name: str, action: str, expect: bool) -> None:  # fmt: skip
    actor = w.actor(session, actor_name)
    person = w.people[person_name]
    uid = person.id or 0
    if action == "import":
        before = _state(session, uid)
        outcome = _run_import(engine, session, actor, person)
        if expect:
            assert outcome == "email_changed", outcome
            _changed_as_allowed(session, action, person, w)
        else:
            assert outcome == "admin_out_of_reach", outcome
            assert _state(session, uid) == before
            assert session.exec(select(func.count()).select_from(Token)).one() == 0
        assert _mail_to(session, uid) == 0  # an import never mails
        return
    call = act(action, engine, session, actor, person, w)
    if expect:
        call()
        session.flush()
        _changed_as_allowed(session, action, person, w)
        return
    before_rows, before_target = snapshot(session), _state(session, uid)
    bystander_before = _state(session, w.people["bystander"].id or 0)
    with pytest.raises(ServiceError) as refused:
        call()
    if action == "restore":
        assert isinstance(refused.value, NotFound)  # the bank does not exist for them
    else:
        assert isinstance(refused.value, PermissionDenied), refused.value
        key = "users.bulk_remove_out_of_reach" if action == "bulk_remove" else OUT_OF_REACH
        assert refused.value.key == key
        assert SV.get(key) and EN.get(key)
    assert snapshot(session) == before_rows, "a denied call changes no row"
    assert _state(session, uid) == before_target
    assert _state(session, w.people["bystander"].id or 0) == bystander_before
    assert _mail_to(session, uid) == 0, "a denied call queues no mail"


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_admin_target_matrix(
    engine: Engine, session: Session, w: World, actor: str, target: str, action: str
) -> None:
    check(
        engine,
        session,
        w,
        actor,
        target_name(actor, target),
        action,
        allowed(actor, target, action),
    )


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    ("actor", "person", "expect"),
    [
        # Strictly inside: a unit nested below the actor's unit, or any unit of their company.
        ("unit", "inner", True),
        ("two_unit", "inner", True),
        ("company", "inner", True),
        # An admin of U1 only is narrower than the admin of U1 and U2, yet not strictly
        # inside: U1 is the two-unit admin's own unit, not one below it.
        ("two_unit", "narrow_peer", False),
        ("company", "narrow_peer", True),
        # Support grants lie outside every admin scope; head admins act on anyone.
        ("unit", "support", False),
        ("company", "support", False),
        ("head", "support", True),
    ],
)
def test_the_rule_beyond_the_matrix(
    engine: Engine, session: Session, w: World, actor: str, person: str, expect: bool, action: str
) -> None:
    check(
        engine,
        session,
        w,
        actor,
        person,
        action,
        expect and (action != "restore" or actor == "head"),
    )


def test_an_admin_still_sees_the_admin_they_may_not_change(session: Session, w: World) -> None:
    """Reads keep the placement rule: the profile opens, its actions are not offered."""
    from admin_portal.services.users.profile import get_user_profile

    actor = w.actor(session, "unit")
    profile = get_user_profile(session, actor=actor, user_id=w.people["two_unit_peer"].id)
    assert profile.username == "tvakollega"
    assert profile.may_change is False
    inner = get_user_profile(session, actor=actor, user_id=w.people["inner"].id)
    assert inner.may_change is True
    own = get_user_profile(session, actor=actor, user_id=w.actors["unit"].id)
    assert own.may_change is True  # one's own account is within reach


def test_a_denied_admin_in_the_import_is_refused_again_at_apply(
    engine: Engine, session: Session, w: World
) -> None:
    """Previewed while in reach, then given a wider grant: apply re-checks and refuses."""
    actor = w.actor(session, "company")
    person = w.people["inner"]
    summary = preview_import(
        session, actor=actor, filename="mall.csv", data=_csv(person.username, NEW_ADDRESS)
    )
    grant(session, person, Role.ADMIN, company=w.other_company)
    start_apply(session, actor=actor, import_id=summary.id, request_key=_key())
    session.commit()
    jobs.run_until_idle(engine)
    session.expire_all()
    row = session.exec(select(UserImportRow).where(UserImportRow.import_id == summary.id)).one()
    assert (row.outcome, row.applied_outcome, row.applied_at) == (
        "email_changed",
        "admin_out_of_reach",
        None,
    )
    assert session.get(User, person.id).email == "underenhet@example.se"  # type: ignore[union-attr]


def test_bulk_remove_refuses_the_whole_selection(session: Session, w: World) -> None:
    actor = w.actor(session, "unit")
    ids = [w.people["standard"].id, w.people["bystander"].id, w.people["unit_peer"].id]
    before = snapshot(session)
    with pytest.raises(PermissionDenied):
        remove_users(session, actor=actor, user_ids=ids)
    assert snapshot(session) == before
    statuses = session.exec(select(User.status).where(col(User.id).in_(ids))).all()
    assert set(statuses) == {UserStatus.ACTIVE}

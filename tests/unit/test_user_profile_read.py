"""Read models for the add form and the profile page: profile, placement options, brukare picker."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor, can_use_company_unit
from admin_portal.models import (
    Company,
    OutboxMessage,
    OutboxStatus,
    Role,
    Unit,
    User,
    UserStatus,
    UserType,
    utcnow,
)
from admin_portal.services.auth.login import set_password_with_link
from admin_portal.services.errors import NotFound, PermissionDenied
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import (
    create_user,
    send_invitation,
    update_user,
)
from admin_portal.services.users.profile import (
    Option,
    find_brukare,
    get_user_profile,
    placement_options,
)
from admin_portal.services.users.removal import (
    remove_user,
)
from tests.support.factories import grant, make_unit, make_user
from tests.support.world import CareWorld, build_care_world

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "en lång och hemlig lösenfras"
TOKEN = re.compile(r"/satt-losenord\?token=([A-Za-z0-9_-]+)")


pytestmark = pytest.mark.usefixtures("cheap_argon2")


@dataclass
class World(CareWorld):
    unit_a_child: Unit
    unit_n: Unit  # in company2
    other_unit: Unit
    unit_admin: User
    revealer: User
    berit: User  # brukare, unit_a
    bengt: User  # brukare, unit_a_child
    britta: User  # brukare, unit_b
    nils: User  # brukare, company2
    gone: User  # brukare, unit_a, removed
    foreign: User  # brukare, other organisation
    employee: User  # unit_a, not a brukare


@pytest.fixture
def w(session: Session) -> World:
    base = build_care_world(session, head_username="huvud", other_company_name="Annat Bolag AB")
    company, company2, unit_a = base.company, base.company2, base.unit_a
    unit_a_child = make_unit(session, company, "Enhet A natt", parent=unit_a)
    unit_n = make_unit(session, company2, "Enhet N")
    other_unit = make_unit(session, base.other_company, "Främmande enhet")
    unit_admin = make_user(session, company, unit=unit_a, username="enhet.admin")
    grant(session, unit_admin, Role.ADMIN, unit=unit_a)
    revealer = make_user(session, company, username="visa.admin")
    grant(session, revealer, Role.ADMIN, company=company).may_reveal_national_id = True

    def brukare(company: Company, unit: Unit | None, first: str, last: str, username: str) -> User:
        return make_user(
            session,
            company,
            unit=unit,
            username=username,
            first_name=first,
            last_name=last,
            user_type=UserType.BRUKARE,
        )

    berit = brukare(company, unit_a, "Berit", "Andersson", "berit.a")
    bengt = brukare(company, unit_a_child, "Bengt", "Berg", "bengt.natt")
    britta = brukare(company, base.unit_b, "Britta", "Carlsson", "britta.b")
    nils = brukare(company2, unit_n, "Nils", "Dahl", "nils.norr")
    gone = brukare(company, unit_a, "Gunnar", "Borta", "gunnar.borta")
    gone.status, gone.removed_at = UserStatus.REMOVED, utcnow()
    foreign = brukare(base.other_company, None, "Berit", "Främling", "berit.annan")
    employee = make_user(
        session, company, unit=unit_a, username="berit.medarbetare", first_name="Berit"
    )
    session.add(gone)
    session.commit()
    return base.extend(
        World,
        unit_a_child=unit_a_child,
        unit_n=unit_n,
        other_unit=other_unit,
        unit_admin=unit_admin,
        revealer=revealer,
        berit=berit,
        bengt=bengt,
        britta=britta,
        nils=nils,
        gone=gone,
        foreign=foreign,
        employee=employee,
    )


def _new_user(session: Session, w: World, actor: Actor, **values: object) -> int:
    data = {
        "first_name": "Anna",
        "last_name": "Assistent",
        "username": "anna.assistent",
        "company_id": w.company.id,
        "unit_id": w.unit_a.id,
        "email": "anna@example.se",
        **values,
    }
    new_id = create_user(session, actor=actor, data=UserInput(**data))  # type: ignore[arg-type]
    session.commit()
    return new_id


def _option(user: User) -> Option:
    assert user.id is not None
    return Option(id=user.id, label=f"{user.first_name} {user.last_name} ({user.username})")


# --------------------------------------------------------------------------- profile


def test_profile_shows_the_stored_fields(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    new_id = _new_user(
        session,
        w,
        actor,
        mobile="070-123 45 67",
        language="en",
        notes="Anteckning",
        email="Anna@Example.SE",
    )
    profile = get_user_profile(session, actor=actor, user_id=new_id)
    assert (profile.id, profile.first_name, profile.last_name, profile.username) == (
        new_id,
        "Anna",
        "Assistent",
        "anna.assistent",
    )
    assert (profile.user_type, profile.company_id, profile.company_name) == (
        "employee",
        w.company.id,
        "Solsidan Assistans AB",
    )
    assert (profile.unit_id, profile.unit_name) == (w.unit_a.id, "Enhet A")
    assert (profile.email, profile.email_verified, profile.mobile) == (
        "Anna@example.se",
        False,
        "+46701234567",
    )
    assert (profile.language, profile.notes) == ("en", "Anteckning")
    assert (profile.national_id_masked, profile.brukare, profile.assistants) == ("", [], [])
    assert (profile.mail_history, profile.invitation_pending_until) == ([], "")


def test_profile_without_unit_or_optional_fields(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    new_id = _new_user(session, w, actor, unit_id=None, email="")
    profile = get_user_profile(session, actor=actor, user_id=new_id)
    assert (profile.unit_id, profile.unit_name, profile.email, profile.mobile, profile.notes) == (
        None,
        "",
        "",
        "",
        "",
    )


@pytest.mark.parametrize(
    ("typed", "masked"),
    [("850101-1236", "19850101-****"), ("19850161-1233", "19850161-****")],
)
def test_personnummer_is_masked_on_the_profile(
    session: Session, w: World, typed: str, masked: str
) -> None:
    actor = w.actor(session, w.head)
    new_id = _new_user(session, w, actor, national_id=typed)
    profile = get_user_profile(session, actor=actor, user_id=new_id)
    assert profile.national_id_masked == masked
    stored = session.get(User, new_id).national_id  # type: ignore[union-attr]
    assert stored and stored not in repr(profile) and stored[2:] not in repr(profile)


def test_profile_says_whether_the_actor_may_reveal(session: Session, w: World) -> None:
    w.employee.national_id = "198501011236"
    session.add(w.employee)
    session.commit()
    for who, may in (
        ("head", True),
        ("revealer", True),
        ("company_admin", False),
        ("unit_admin", False),
    ):
        actor = w.actor(session, getattr(w, who))
        profile = get_user_profile(session, actor=actor, user_id=w.employee.id)
        assert profile.can_reveal_national_id is may, who
        assert profile.national_id_masked == "19850101-****"


def test_links_are_shown_on_both_sides(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    anna = _new_user(
        session, w, actor, user_type="assistant", brukare_ids=(w.berit.id, w.britta.id)
    )
    olle = _new_user(
        session,
        w,
        actor,
        first_name="Olle",
        last_name="Aronsson",
        username="olle.a",
        email="olle@example.se",
        user_type="assistant",
        brukare_ids=(w.berit.id,),
    )
    assistant = get_user_profile(session, actor=actor, user_id=anna)
    assert assistant.brukare == [_option(w.berit), _option(w.britta)]
    assert assistant.assistants == []
    brukare = get_user_profile(session, actor=actor, user_id=w.berit.id)
    assert brukare.brukare == []
    assert brukare.assistants == [
        Option(id=olle, label="Olle Aronsson (olle.a)"),
        Option(id=anna, label="Anna Assistent (anna.assistent)"),
    ]
    assert [
        o.id for o in get_user_profile(session, actor=actor, user_id=w.britta.id).assistants
    ] == [anna]


def test_mail_history_is_newest_first(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    with time_machine.travel(T0, tick=False):
        new_id = create_user(
            session,
            actor=actor,
            data=UserInput(
                first_name="Anna",
                last_name="Assistent",
                username="anna.assistent",
                company_id=w.company.id,
                email="anna@example.se",
            ),
            send_invitation=True,
        )
        session.commit()
    first = session.exec(select(OutboxMessage).where(OutboxMessage.user_id == new_id)).one()
    first.status, first.sent_at = OutboxStatus.SENT, T0 + timedelta(minutes=1)
    session.add(first)
    session.commit()
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        update_user(
            session,
            actor=actor,
            user_id=new_id,
            data=UserInput(
                first_name="Anna",
                last_name="Assistent",
                username="anna.assistent",
                company_id=w.company.id,
                email="anna@example.se",
                language="en",
            ),
        )
        send_invitation(session, actor=actor, user_id=new_id)
        session.commit()
    history = get_user_profile(session, actor=actor, user_id=new_id).mail_history
    assert [(m.created_at, m.kind, m.status, m.sent_at) for m in history] == [
        ("2030-03-01 11:00", "welcome", OutboxStatus.PENDING, ""),
        ("2030-03-01 09:00", "welcome", OutboxStatus.SENT, "2030-03-01 09:01"),
    ]
    assert history[0].subject != history[1].subject  # English, then the earlier Swedish one
    # Another user's mail is not in this history.
    other = get_user_profile(session, actor=actor, user_id=w.employee.id)
    assert other.mail_history == []


def test_invitation_pending_until_follows_the_live_link(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    new_id = _new_user(session, w, actor)
    assert get_user_profile(session, actor=actor, user_id=new_id).invitation_pending_until == ""
    with time_machine.travel(T0, tick=False):
        send_invitation(session, actor=actor, user_id=new_id)
        session.commit()
        profile = get_user_profile(session, actor=actor, user_id=new_id)
        assert profile.invitation_pending_until == "2030-03-04 09:00"  # 72 hours
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        send_invitation(session, actor=actor, user_id=new_id)  # voids the first link
        session.commit()
        profile = get_user_profile(session, actor=actor, user_id=new_id)
        assert profile.invitation_pending_until == "2030-03-04 10:00"
        newest = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == new_id)
            .order_by(col(OutboxMessage.id).desc())
        ).first()
        assert newest is not None
        match = TOKEN.search(newest.text_body)
        assert match
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        set_password_with_link(
            session, raw_token=match.group(1), password=PASSWORD, repeat=PASSWORD
        )
        session.commit()
        assert get_user_profile(session, actor=actor, user_id=new_id).invitation_pending_until == ""


def test_an_expired_invitation_is_not_pending(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    new_id = _new_user(session, w, actor)
    with time_machine.travel(T0, tick=False):
        send_invitation(session, actor=actor, user_id=new_id)
        session.commit()
    with time_machine.travel(T0 + timedelta(hours=72, seconds=1), tick=False):
        assert get_user_profile(session, actor=actor, user_id=new_id).invitation_pending_until == ""


def test_profile_is_scoped(session: Session, w: World) -> None:
    unit_admin = w.actor(session, w.unit_admin)
    assert get_user_profile(session, actor=unit_admin, user_id=w.bengt.id).id == w.bengt.id
    for hidden in (w.britta, w.nils, w.foreign, w.gone):
        with pytest.raises(NotFound):
            get_user_profile(session, actor=unit_admin, user_id=hidden.id)
    for junk in (None, "1", True, 10**9):
        with pytest.raises(NotFound):
            get_user_profile(session, actor=w.actor(session, w.head), user_id=junk)
    with pytest.raises((NotFound, PermissionDenied)):
        get_user_profile(session, actor=w.actor(session, w.standard), user_id=w.berit.id)


def test_a_removed_users_profile_is_not_shown(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    remove_user(session, actor=actor, user_id=w.employee.id)
    with pytest.raises(NotFound):
        get_user_profile(session, actor=actor, user_id=w.employee.id)


# --------------------------------------------------------------------------- placement


def _labels(options: list[Option]) -> list[str]:
    return [o.label for o in options]


def test_placement_options_for_a_head_admin(session: Session, w: World) -> None:
    placement = placement_options(session, actor=w.actor(session, w.head))
    assert placement.companies == [
        Option(id=w.company2.id or 0, label="Norrsidan AB"),
        Option(id=w.company.id or 0, label="Solsidan Assistans AB"),
    ]
    assert _labels(placement.units) == [
        "Norrsidan AB – Enhet N",
        "Solsidan Assistans AB – Enhet A",
        "Solsidan Assistans AB – Enhet A natt",
        "Solsidan Assistans AB – Enhet B",
    ]
    assert [u.id for u in placement.units] == [
        w.unit_n.id,
        w.unit_a.id,
        w.unit_a_child.id,
        w.unit_b.id,
    ]


def test_placement_options_for_a_company_admin(session: Session, w: World) -> None:
    placement = placement_options(session, actor=w.actor(session, w.company_admin))
    assert _labels(placement.companies) == ["Solsidan Assistans AB"]
    assert [u.id for u in placement.units] == [w.unit_a.id, w.unit_a_child.id, w.unit_b.id]


def test_placement_options_for_a_unit_admin(session: Session, w: World) -> None:
    placement = placement_options(session, actor=w.actor(session, w.unit_admin))
    assert placement.companies == []  # a bare company is not theirs to place users in
    assert _labels(placement.units) == [
        "Solsidan Assistans AB – Enhet A",
        "Solsidan Assistans AB – Enhet A natt",
    ]


def test_placement_options_of_another_organisation(session: Session, w: World) -> None:
    placement = placement_options(session, actor=w.actor(session, w.other_head))
    assert _labels(placement.companies) == ["Annat Bolag AB"]
    assert _labels(placement.units) == ["Annat Bolag AB – Främmande enhet"]


def test_every_offered_placement_is_accepted(session: Session, w: World) -> None:
    for who in ("head", "company_admin", "unit_admin", "other_head"):
        actor = w.actor(session, getattr(w, who))
        placement = placement_options(session, actor=actor)
        for option in placement.companies:
            company = session.get(Company, option.id)
            assert company and can_use_company_unit(actor, company=company, unit=None), who
        for option in placement.units:
            unit = session.get(Unit, option.id)
            assert unit is not None
            company = session.get(Company, unit.company_id)
            assert company and can_use_company_unit(actor, company=company, unit=unit), who


def test_placement_and_picker_refuse_standard_users(session: Session, w: World) -> None:
    actor = w.actor(session, w.standard)
    with pytest.raises(PermissionDenied):
        placement_options(session, actor=actor)
    with pytest.raises(PermissionDenied):
        find_brukare(session, actor=actor, text="")


# --------------------------------------------------------------------------- brukare picker


def test_find_brukare_lists_active_brukare_in_scope(session: Session, w: World) -> None:
    for who, expected in (
        ("head", ["berit", "bengt", "britta", "nils"]),  # by last name
        ("company_admin", ["berit", "bengt", "britta"]),
        ("unit_admin", ["berit", "bengt"]),  # their unit and the one below it
        ("other_head", ["foreign"]),
    ):
        found = find_brukare(session, actor=w.actor(session, getattr(w, who)), text="")
        assert found == [_option(getattr(w, name)) for name in expected], who


def test_find_brukare_matches_name_or_username(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    for text, expected in (
        ("berit", ["berit"]),  # first name; not the employee Berit, not the foreign Berit
        ("BERIT", ["berit"]),
        ("  ber  ", ["berit", "bengt"]),  # "Berit" and "Berg"
        ("Carls", ["britta"]),  # last name
        ("NILS.NO", ["nils"]),  # username
        ("natt", ["bengt"]),  # part of a username
        ("borta", []),  # removed
        ("medarbetare", []),  # not a brukare
        ("zzz", []),
    ):
        found = find_brukare(session, actor=actor, text=text)
        assert found == [_option(getattr(w, name)) for name in expected], text


def test_find_brukare_text_stays_in_scope(session: Session, w: World) -> None:
    actor = w.actor(session, w.unit_admin)
    assert find_brukare(session, actor=actor, text="britta") == []
    assert find_brukare(session, actor=actor, text="nils") == []


def test_find_brukare_limits_and_odd_input(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    assert len(find_brukare(session, actor=actor, text="", limit=2)) == 2
    assert len(find_brukare(session, actor=actor, text="", limit=0)) == 1
    assert len(find_brukare(session, actor=actor, text=None)) == 4  # type: ignore[arg-type]
    assert find_brukare(session, actor=actor, text="x" * 5000) == []
    for n in range(60):
        make_user(session, w.company, username=f"massa{n:02}", user_type=UserType.BRUKARE)
    session.commit()
    assert len(find_brukare(session, actor=actor, text="")) == 20
    assert len(find_brukare(session, actor=actor, text="massa", limit=1000)) == 50

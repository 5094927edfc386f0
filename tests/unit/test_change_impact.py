"""Type and placement changes on the profile (issue 14): the impact preview, then confirm.

The preview (`preview_user_update`) is read-only and scope-checked, and `update_user`
applies exactly what it showed: admin grants lost, care links lost, the placement change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import CareLink, Role, RoleAssignment, User, UserType
from admin_portal.services.errors import NotFound, ServiceError, ValidationFailed
from admin_portal.services.users.change_impact import ChangeImpact
from admin_portal.services.users.manage import preview_user_update, update_user
from admin_portal.state.users import profile as profile_module
from admin_portal.state.users.profile import UserProfileState
from tests.support.factories import grant, make_user
from tests.support.forms_world import FormsWorld, build, patch_sessions, substate
from tests.support.profile_input import profile_form, profile_input


@dataclass
class World:
    base: FormsWorld
    admin: User  # administrator of Centrum and of Syd-enheten, placed in Centrum
    assistant: User  # Centrum, linked to Bodil (Centrum) and Sixten (Syd)
    bodil: User  # brukare in Centrum
    sixten: User  # brukare in Syd: outside the Norr admin's scope
    employee: User  # Centrum
    two_units_admin: Actor  # admin of Centrum and Väster, for the out-of-scope cases


def _link(session: Session, assistant: User, brukare: User) -> None:
    session.add(
        CareLink(
            organisation_id=assistant.organisation_id,
            assistant_id=assistant.id or 0,
            brukare_id=brukare.id or 0,
        )
    )


@pytest.fixture
def w(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> World:
    with Session(engine, expire_on_commit=False) as session:
        b = build(session)
        admin = make_user(
            session,
            b.norr,
            unit=b.centrum,
            username="ada.admin",
            user_type=UserType.ADMINISTRATOR,
            first_name="Ada",
            last_name="Admin",
        )
        grant(session, admin, Role.ADMIN, unit=b.centrum)
        grant(session, admin, Role.ADMIN, unit=b.syd_unit)
        assistant = make_user(
            session,
            b.norr,
            unit=b.centrum,
            username="assar",
            user_type=UserType.ASSISTANT,
            first_name="Assar",
            last_name="Assistent",
        )
        bodil = make_user(
            session,
            b.norr,
            unit=b.centrum,
            username="bodil",
            user_type=UserType.BRUKARE,
            first_name="Bodil",
            last_name="Brukare",
        )
        sixten = make_user(
            session,
            b.syd,
            unit=b.syd_unit,
            username="sixten",
            user_type=UserType.BRUKARE,
            first_name="Sixten",
            last_name="Syd",
        )
        _link(session, assistant, bodil)
        _link(session, assistant, sixten)
        employee = make_user(session, b.norr, unit=b.centrum, username="emil", first_name="Emil")
        two = make_user(session, b.norr, unit=b.centrum, username="tva.enheter")
        grant(session, two, Role.ADMIN, unit=b.centrum)
        grant(session, two, Role.ADMIN, unit=b.vaster)
        session.commit()
        two_actor = load_actor(session, two.id or 0)
    assert two_actor is not None
    patch_sessions(engine, monkeypatch, profile_module)
    return World(b, admin, assistant, bodil, sixten, employee, two_actor)


def _counts(session: Session) -> tuple[int, int, list[tuple[str, int | None, int | None]]]:
    grants = session.exec(select(func.count()).select_from(RoleAssignment)).one()
    links = session.exec(select(func.count()).select_from(CareLink)).one()
    people = session.exec(
        select(User.user_type, User.company_id, User.unit_id).order_by(col(User.id))
    ).all()
    return grants, links, [tuple(p) for p in people]


def test_a_type_change_shows_the_admin_grants_lost_and_the_save_removes_them(w, session) -> None:
    head = w.base.head
    data = profile_input(w.admin, user_type=UserType.EMPLOYEE)
    before = _counts(session)
    impact = preview_user_update(session, actor=head, user_id=w.admin.id, data=data)
    assert _counts(session) == before  # the preview writes nothing
    assert impact.changed and impact.type_changed and not impact.placement_changed
    assert (impact.type_from, impact.type_to) == ("administrator", "employee")
    assert impact.grants_lost == ("Norrbolaget AB – Centrum", "Sydbolaget AB – Syd-enheten")
    assert impact.links_lost == () and impact.links_lost_outside == 0

    assert update_user(session, actor=head, user_id=w.admin.id, data=data) == impact
    left = session.exec(select(RoleAssignment).where(RoleAssignment.user_id == w.admin.id)).all()
    assert left == []


def test_a_head_admins_own_grant_is_never_part_of_it(w, session) -> None:
    grant(session, w.admin, Role.HEAD_ADMIN)
    head = w.base.head
    data = profile_input(w.admin, user_type=UserType.EMPLOYEE)
    impact = preview_user_update(session, actor=head, user_id=w.admin.id, data=data)
    assert len(impact.grants_lost) == 2
    update_user(session, actor=head, user_id=w.admin.id, data=data)
    roles = session.exec(
        select(RoleAssignment.role).where(RoleAssignment.user_id == w.admin.id)
    ).all()
    assert roles == [Role.HEAD_ADMIN]


def test_an_assistant_who_stops_being_one_loses_their_links_named_only_in_scope(w, session) -> None:
    actor = w.base.norr_admin  # Sixten (Syd) is outside this admin's scope
    data = profile_input(w.assistant, user_type=UserType.EMPLOYEE)
    impact = preview_user_update(session, actor=actor, user_id=w.assistant.id, data=data)
    assert impact.links_lost == ("Bodil Brukare",)
    assert impact.links_lost_outside == 1
    assert "Sixten" not in repr(impact.as_dict().get("links_lost"))
    update_user(session, actor=actor, user_id=w.assistant.id, data=data, expected=impact)
    assert session.exec(select(CareLink).where(CareLink.assistant_id == w.assistant.id)).all() == []


def test_a_brukare_who_stops_being_one_loses_the_links_to_their_assistants(w, session) -> None:
    head = w.base.head
    data = profile_input(w.bodil, user_type=UserType.EMPLOYEE)
    impact = preview_user_update(session, actor=head, user_id=w.bodil.id, data=data)
    assert impact.links_lost == ("Assar Assistent",)
    update_user(session, actor=head, user_id=w.bodil.id, data=data, expected=impact)
    assert session.exec(select(CareLink).where(CareLink.brukare_id == w.bodil.id)).all() == []
    # The assistant's other link stays.
    assert (
        len(session.exec(select(CareLink).where(CareLink.assistant_id == w.assistant.id)).all())
        == 1
    )


def test_a_placement_change_says_from_where_to_where(w, session) -> None:
    actor = w.base.norr_admin
    data = profile_input(w.employee, unit_id=w.base.vaster.id)
    impact = preview_user_update(session, actor=actor, user_id=w.employee.id, data=data)
    assert impact.changed and impact.placement_changed and not impact.type_changed
    assert impact.placement_from == "Norrbolaget AB – Centrum"
    assert impact.placement_to == "Norrbolaget AB – Väster"
    assert impact.grants_lost == () and impact.links_lost == ()


def test_becoming_an_administrator_says_what_they_will_administer(w, session) -> None:
    head = w.base.head
    data = profile_input(w.employee, user_type=UserType.ADMINISTRATOR)
    impact = preview_user_update(session, actor=head, user_id=w.employee.id, data=data)
    assert impact.grant_gained == "Norrbolaget AB – Centrum"
    update_user(session, actor=head, user_id=w.employee.id, data=data, expected=impact)
    held = session.exec(select(RoleAssignment).where(RoleAssignment.user_id == w.employee.id)).all()
    assert [(g.role, g.unit_id) for g in held] == [(Role.ADMIN, w.base.centrum.id)]


def test_a_no_op_change_has_no_impact(w, session) -> None:
    for person in (w.admin, w.assistant, w.bodil, w.employee):
        data = profile_input(person, first_name="Nytt", brukare_ids=(w.bodil.id,))
        if person is not w.assistant:
            data = replace(data, brukare_ids=())
        impact = preview_user_update(session, actor=w.base.head, user_id=person.id, data=data)
        assert not impact.changed
        assert impact.grants_lost == () and impact.links_lost == () and not impact.grant_gained


def test_the_preview_is_scope_checked_like_the_save(w, session) -> None:
    unit_admin = w.base.unit_admin
    with pytest.raises(NotFound):  # Sixten is in Syd
        preview_user_update(
            session, actor=unit_admin, user_id=w.sixten.id, data=profile_input(w.sixten)
        )
    with pytest.raises(ValidationFailed) as failure:  # a placement outside the scope
        preview_user_update(
            session,
            actor=unit_admin,
            user_id=w.employee.id,
            data=profile_input(w.employee, unit_id=w.base.vaster.id),
        )
    assert failure.value.errors == {"unit_id": "users.placement_outside_scope"}
    with pytest.raises(ValidationFailed):  # only a head admin changes an admin's type
        preview_user_update(
            session,
            actor=w.two_units_admin,
            user_id=w.employee.id,
            data=profile_input(w.employee, user_type=UserType.ADMINISTRATOR),
        )


def test_a_save_whose_impact_changed_since_the_preview_is_refused(w, session) -> None:
    head = w.base.head
    data = profile_input(w.admin, user_type=UserType.EMPLOYEE)
    shown = preview_user_update(session, actor=head, user_id=w.admin.id, data=data)
    grant(session, w.admin, Role.ADMIN, unit=w.base.vaster)  # meanwhile, another grant
    before = _counts(session)
    with pytest.raises(ServiceError) as refused:
        update_user(session, actor=head, user_id=w.admin.id, data=data, expected=shown)
    assert refused.value.key == "change.impact_changed"
    session.rollback()
    assert _counts(session)[0] == before[0] - 1  # the rollback took only the test's grant


def test_the_impact_survives_the_state_round_trip() -> None:
    impact = ChangeImpact(
        "administrator",
        "employee",
        "A",
        "A – B",
        (1, None),
        (1, 2),
        ("A",),
        (7,),
        "",
        ("X Y",),
        1,
        (9,),
    )
    as_lists = {k: list(v) if isinstance(v, tuple) else v for k, v in impact.as_dict().items()}
    assert ChangeImpact.from_dict(as_lists) == impact


# --- The profile's handlers, as a client calls them


def _profile(w: World, monkeypatch: pytest.MonkeyPatch, actor: Actor, user: User, lang: str = "sv"):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(UserProfileState, "_user_id", lambda self: user.id)
    state = substate(UserProfileState, monkeypatch, actor, lang=lang)
    UserProfileState.load.fn(state)
    assert state.found
    return state


def _type_of(engine: Engine, user: User) -> str:
    with Session(engine) as s:
        found = s.get(User, user.id)
        assert found is not None
        return found.user_type


def test_spara_with_a_type_change_shows_the_preview_and_saves_nothing(
    w, monkeypatch, engine
) -> None:
    state = _profile(w, monkeypatch, w.base.head, w.admin)
    UserProfileState.save.fn(state, profile_form(w.admin, user_type="employee"))
    assert state.impact_open is True
    assert state.impact_type == "Användartyp ändras från Administratör till Medarbetare."
    assert state.impact_grants == ["Norrbolaget AB – Centrum", "Sydbolaget AB – Syd-enheten"]
    assert state.impact_placement == ""
    assert _type_of(engine, w.admin) == "administrator"

    UserProfileState.set_impact_open.fn(state, False)  # Avbryt
    assert state.impact_open is False
    assert _type_of(engine, w.admin) == "administrator"


def test_bekrafta_saves_exactly_what_was_shown(w, monkeypatch, engine) -> None:
    state = _profile(w, monkeypatch, w.base.head, w.admin)
    form = profile_form(w.admin, user_type="employee")
    UserProfileState.save.fn(state, form)
    UserProfileState.confirm_change.fn(state, True)
    UserProfileState.save.fn(state, form)
    assert state.impact_open is False
    assert state.notice == "Ändringarna är sparade."
    assert _type_of(engine, w.admin) == "employee"
    with Session(engine) as s:
        assert (
            s.exec(select(RoleAssignment).where(RoleAssignment.user_id == w.admin.id)).all() == []
        )


def test_a_confirm_for_another_change_shows_the_new_preview_instead(w, monkeypatch, engine) -> None:
    state = _profile(w, monkeypatch, w.base.head, w.admin, lang="en")
    UserProfileState.save.fn(state, profile_form(w.admin, user_type="employee"))
    UserProfileState.confirm_change.fn(state, True)
    # The form was changed behind the dialog: another type and another unit.
    UserProfileState.save.fn(
        state, profile_form(w.admin, user_type="brukare", unit_id=str(w.base.vaster.id))
    )
    assert state.impact_open is True and state.impact_refreshed is True
    assert state.impact_type == "User type changes from Administrator to Care recipient."
    assert state.impact_placement == (
        "Placement changes from Norrbolaget AB – Centrum to Norrbolaget AB – Väster."
    )
    assert _type_of(engine, w.admin) == "administrator"


def test_a_forged_confirm_without_a_preview_only_previews(w, monkeypatch, engine) -> None:
    state = _profile(w, monkeypatch, w.base.head, w.admin)
    UserProfileState.confirm_change.fn(state, True)
    UserProfileState.save.fn(state, profile_form(w.admin, user_type="employee"))
    assert state.impact_open is True
    assert _type_of(engine, w.admin) == "administrator"


def test_a_save_without_type_or_placement_change_saves_at_once(w, monkeypatch, engine) -> None:
    state = _profile(w, monkeypatch, w.base.norr_admin, w.employee)
    UserProfileState.save.fn(state, profile_form(w.employee, first_name="Emilia"))
    assert state.impact_open is False
    assert state.notice == "Ändringarna är sparade."
    with Session(engine) as s:
        found = s.get(User, w.employee.id)
        assert found is not None and found.first_name == "Emilia"


def test_the_links_outside_the_scope_are_counted_in_the_preview(w, monkeypatch) -> None:
    state = _profile(w, monkeypatch, w.base.norr_admin, w.assistant)
    UserProfileState.save.fn(state, profile_form(w.assistant, user_type="employee"))
    assert state.impact_links == ["Bodil Brukare"]
    assert state.impact_links_outside.endswith(": 1.")

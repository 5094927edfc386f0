"""Företag on Lägg till användare (issue 14): required, preselected when the scope holds one.

The intro names every required field for the admin in front of it: Företag when a choice
is needed, the preselected company when there is one, Enhet for a unit admin (whose company
follows from the unit).
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.i18n import EN, SV, t
from admin_portal.models import User
from admin_portal.services.errors import ValidationFailed
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import create_user
from admin_portal.state.users import new as new_module
from admin_portal.state.users.new import UserNewState
from tests.support.forms_world import FormsWorld, build, patch_sessions, substate


@pytest.fixture
def w(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> FormsWorld:
    with Session(engine, expire_on_commit=False) as session:
        world = build(session)
    patch_sessions(engine, monkeypatch, new_module)
    return world


def test_a_company_admin_of_one_company_gets_it_preselected_and_named(w, monkeypatch) -> None:
    state = substate(UserNewState, monkeypatch, w.norr_admin)
    UserNewState.load.fn(state)
    assert state.preselected_company_id == str(w.norr.id)
    assert state.preselected_company == "Norrbolaget AB"
    assert state.unit_choice_only is False
    assert state.chosen_company_id == str(w.norr.id)  # the e-mail check starts from it


def test_a_head_admin_with_two_companies_chooses(w, monkeypatch) -> None:
    state = substate(UserNewState, monkeypatch, w.head)
    UserNewState.load.fn(state)
    assert [c["label"] for c in state.companies] == ["Norrbolaget AB", "Sydbolaget AB"]
    assert state.preselected_company_id == ""
    assert state.preselected_company == ""
    assert state.unit_choice_only is False


def test_a_unit_admin_chooses_a_unit_and_the_company_follows(w, monkeypatch) -> None:
    state = substate(UserNewState, monkeypatch, w.unit_admin)
    UserNewState.load.fn(state)
    assert state.companies == []
    assert [u["label"] for u in state.units] == ["Norrbolaget AB – Centrum"]
    assert state.unit_choice_only is True
    assert state.preselected_company_id == ""


def test_the_signed_out_caller_gets_nothing(w, monkeypatch) -> None:
    state = substate(UserNewState, monkeypatch, None)
    UserNewState.load.fn(state)
    assert state.companies == [] and state.preselected_company == ""


def test_the_intros_name_every_required_field_in_both_languages() -> None:
    assert "Företag" in SV["users.new_intro"] and "Company" in EN["users.new_intro"]
    assert "Enhet" in SV["users.new_intro_unit"] and "Unit" in EN["users.new_intro_unit"]
    for lang in ("sv", "en"):
        text = t("users.new_intro_one_company", lang, company="Norrbolaget AB")
        assert "Norrbolaget AB" in text


def test_the_preselected_company_is_what_the_form_sends_and_the_user_lands_there(
    w, monkeypatch, engine
) -> None:
    state = substate(UserNewState, monkeypatch, w.norr_admin)
    UserNewState.load.fn(state)
    form = {
        "first_name": "Nora",
        "last_name": "Nyberg",
        "username": "nora.nyberg",
        "user_type": "employee",
        "company_id": state.preselected_company_id,
        "unit_id": "",
    }
    UserNewState.submit.fn(state, form)
    assert state.form_error == ""
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "nora.nyberg")).one()
        assert user.company_id == w.norr.id


def test_without_company_or_unit_the_save_names_foretag(w, session) -> None:
    data = UserInput(first_name="Ada", last_name="Ek", username="ada.ek", user_type="employee")
    with pytest.raises(ValidationFailed) as failure:
        create_user(session, actor=w.head, data=data)
    assert failure.value.errors == {"company_id": "users.company_required"}


def test_a_unit_admins_unit_gives_the_company(w, session) -> None:
    data = UserInput(
        first_name="Ada",
        last_name="Ek",
        username="ada.ek",
        user_type="employee",
        unit_id=w.centrum.id,
    )
    user = session.get(User, create_user(session, actor=w.unit_admin, data=data))
    assert user is not None and (user.company_id, user.unit_id) == (w.norr.id, w.centrum.id)

"""F0.8 while typing (issue 14): "same e-mail in the same company", with the reason.

Like the username check, the answer says only that the address is taken in this company,
never by whom, and only for a placement the admin may use: it cannot be asked about other
companies or organisations, and excluding someone cannot reveal their address.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from admin_portal.services.errors import PermissionDenied, ValidationFailed
from admin_portal.services.users.email_check import EmailVerdict, check_email_in_company
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import create_user
from admin_portal.state.users.new import UserNewState
from admin_portal.state.users.profile import UserProfileState
from tests.support.forms_world import FormsWorld, substate, user_form_world

TAKEN_SV = "E-postadressen används redan av en annan person i samma företag."
TAKEN_EN = "The e-mail address is already used by another person in the same company."


@pytest.fixture
def w(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> FormsWorld:
    return user_form_world(engine, monkeypatch)


def _check(session, actor, email, **placement):  # type: ignore[no-untyped-def]
    return check_email_in_company(session, actor=actor, email=email, **placement).verdict


def test_taken_in_the_company_whatever_the_case(w, session) -> None:
    assert _check(session, w.head, " Taken@Example.SE ", company_id=w.norr.id) == (
        EmailVerdict.TAKEN_IN_COMPANY
    )


def test_the_same_address_is_free_in_another_company(w, session) -> None:
    assert _check(session, w.head, "taken@example.se", company_id=w.syd.id) == (
        EmailVerdict.AVAILABLE
    )


def test_a_unit_admin_learns_of_a_clash_in_their_company_but_not_who(w, session) -> None:
    # The holder is placed in Väster, outside the unit admin's scope: the verdict is the same
    # words the save would give, and carries no id, name or unit.
    check = check_email_in_company(
        session, actor=w.unit_admin, email="taken@example.se", unit_id=w.centrum.id
    )
    assert check.verdict is EmailVerdict.TAKEN_IN_COMPANY
    assert check.message_key == "users.email_taken_in_company"
    assert set(vars(check)) == {"verdict", "message_key"}


def test_no_verdict_for_a_placement_outside_the_scope(w, session) -> None:
    cases = [
        (w.unit_admin, {"company_id": w.norr.id}),  # a unit admin places by unit
        (w.unit_admin, {"unit_id": w.vaster.id}),
        (w.norr_admin, {"company_id": w.syd.id}),
        (w.head, {"company_id": w.foreign.id}),  # another organisation
        (w.head, {"unit_id": w.foreign_unit.id}),
        (w.head, {"company_id": w.norr.id, "unit_id": w.syd_unit.id}),  # unit of another company
        (w.head, {}),  # nothing chosen yet
        (w.head, {"company_id": True}),
        (w.head, {"company_id": "1"}),
        (w.head, {"unit_id": 2**40}),
    ]
    for actor, placement in cases:
        assert _check(session, actor, "foreign@example.se", **placement) is EmailVerdict.UNKNOWN
        assert _check(session, actor, "taken@example.se", **placement) is EmailVerdict.UNKNOWN


def test_no_verdict_for_what_is_not_yet_an_address(w, session) -> None:
    for typed in ("", "   ", "taken@", "taken", None, 42, ["taken@example.se"]):
        assert _check(session, w.head, typed, company_id=w.norr.id) is EmailVerdict.UNKNOWN


def test_the_persons_own_address_is_no_clash_on_their_profile(w, session) -> None:
    assert (
        _check(
            session,
            w.norr_admin,
            "taken@example.se",
            company_id=w.norr.id,
            exclude_user_id=w.taken_norr.id,
        )
        is EmailVerdict.AVAILABLE
    )


def test_excluding_someone_out_of_scope_reveals_nothing(w, session) -> None:
    # The unit admin may not see the holder (Väster): excluding them changes nothing.
    assert (
        _check(
            session,
            w.unit_admin,
            "taken@example.se",
            unit_id=w.centrum.id,
            exclude_user_id=w.taken_norr.id,
        )
        is EmailVerdict.TAKEN_IN_COMPANY
    )


def test_only_admins_may_ask(w, session) -> None:
    with pytest.raises(PermissionDenied):
        _check(session, w.standard, "taken@example.se", company_id=w.norr.id)


def test_the_save_checks_again_whatever_was_shown(w, session) -> None:
    data = UserInput(
        first_name="Ny",
        last_name="Person",
        username="ny.person",
        user_type="employee",
        company_id=w.norr.id,
        email="TAKEN@example.se",
    )
    with pytest.raises(ValidationFailed) as failure:
        create_user(session, actor=w.norr_admin, data=data)
    assert failure.value.errors == {"email": "users.email_taken_in_company"}


# --- The handlers, as a client calls them


def test_the_reason_appears_at_the_field_in_the_admins_language(w, monkeypatch) -> None:
    for lang, words in (("sv", TAKEN_SV), ("en", TAKEN_EN)):
        state = substate(UserNewState, monkeypatch, w.norr_admin, lang=lang)
        UserNewState.load.fn(state)
        UserNewState.check_email.fn(state, "taken@example.se")
        assert state.errors["email"] == words
        UserNewState.check_email.fn(state, "free@example.se")
        assert state.errors["email"] == ""


def test_choosing_another_company_checks_the_typed_address_again(w, monkeypatch) -> None:
    state = substate(UserNewState, monkeypatch, w.head)
    UserNewState.load.fn(state)
    UserNewState.check_email.fn(state, "taken@example.se")
    assert state.errors["email"] == ""  # no company chosen yet: nothing to say
    follow_up = UserNewState.choose_company.fn(state, str(w.norr.id))
    assert follow_up is not None  # the check runs again, for the new company
    UserNewState.check_email.fn(state, state.email_typed)
    assert state.errors["email"] == TAKEN_SV
    UserNewState.choose_company.fn(state, str(w.syd.id))
    UserNewState.check_email.fn(state, state.email_typed)
    assert state.errors["email"] == ""


def test_a_unit_admin_is_checked_through_the_chosen_unit(w, monkeypatch) -> None:
    state = substate(UserNewState, monkeypatch, w.unit_admin)
    UserNewState.load.fn(state)
    UserNewState.choose_unit.fn(state, str(w.centrum.id))
    UserNewState.check_email.fn(state, "taken@example.se")
    assert state.errors["email"] == TAKEN_SV


def test_on_the_profile_the_persons_own_address_is_fine(w, monkeypatch) -> None:
    monkeypatch.setattr(UserProfileState, "_user_id", lambda self: w.taken_norr.id)
    state = substate(UserProfileState, monkeypatch, w.norr_admin)
    UserProfileState.load.fn(state)
    assert state.chosen_company_id == str(w.norr.id)
    UserProfileState.check_email.fn(state, "TAKEN@example.se")
    assert state.errors["email"] == ""


def test_signed_out_callers_learn_nothing(w, monkeypatch) -> None:
    state = substate(UserNewState, monkeypatch, None)
    state.chosen_company_id = str(w.norr.id)
    UserNewState.check_email.fn(state, "taken@example.se")
    assert state.errors["email"] == ""

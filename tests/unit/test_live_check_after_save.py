"""A live check that answers after a save keeps the save's message at the field.

The username and e-mail checks are debounced: an admin who types and presses the button at
once has the save judged first, and the check of the very same text arrives after it. That
answer used to clear the field's message (and its aria-invalid) while the banner still said
to fix the marked fields. It may clear it only for other text, or when it finds the text fine.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from admin_portal.state.users.new import UserNewState
from tests.support.forms_world import FormsWorld, substate, user_form_world


@pytest.fixture
def w(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> FormsWorld:
    return user_form_world(engine, monkeypatch)


def _saved(state: UserNewState, w: FormsWorld, *, username: str, email: str) -> None:
    UserNewState.submit.fn(  # type: ignore[attr-defined]
        state,
        {
            "first_name": "Nora",
            "last_name": "Nyström",
            "username": username,
            "company_id": str(w.norr.id),
            "email": email,
            "language": "sv",
        },
    )


def test_the_username_check_of_the_refused_text_keeps_the_saves_message(w, monkeypatch) -> None:
    state = substate(UserNewState, monkeypatch, w.norr_admin)
    UserNewState.load.fn(state)  # type: ignore[attr-defined]
    _saved(state, w, username="upptagen", email="nora@example.se")
    refused = state.errors["username"]
    assert refused  # taken: the save says so at Användarnamn

    UserNewState.check_username.fn(state, "upptagen")  # type: ignore[attr-defined]
    assert state.errors["username"] == refused
    assert state.form_error  # the banner and the field agree

    UserNewState.check_username.fn(state, "nora.nystrom")  # type: ignore[attr-defined]
    assert state.errors["username"] == ""  # other text: the old message is gone
    assert state.username_ok


def test_the_email_check_of_the_refused_text_keeps_the_saves_message(w, monkeypatch) -> None:
    state = substate(UserNewState, monkeypatch, w.norr_admin)
    UserNewState.load.fn(state)  # type: ignore[attr-defined]
    _saved(state, w, username="nora.nystrom", email="nora@")
    refused = state.errors["email"]
    assert refused  # not an address: the save explains the format

    UserNewState.check_email.fn(state, "nora@")  # type: ignore[attr-defined]
    assert state.errors["email"] == refused  # the check has no verdict on a broken address

    UserNewState.check_email.fn(state, "nora@example.se")  # type: ignore[attr-defined]
    assert state.errors["email"] == ""

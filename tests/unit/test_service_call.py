"""The state helper: a refused call runs no service, a refusal rolls back and is shown."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import Organisation
from admin_portal.services.errors import NotFound, PermissionDenied, ValidationFailed
from admin_portal.state.service_call import ServiceCall
from tests.support.db_scope import route_scopes

ACTOR = Actor(user_id=1, organisation_id=1, full_name="Test Person", language="sv")


@dataclass
class _State:
    """What ServiceCall needs of a state: a var to set and the translator."""

    error: str = ""
    shown: list[str] = field(default_factory=list)

    def _text(self, key: str, **params: object) -> str:
        self.shown.append(key)
        return f"<{key}>"


@pytest.fixture
def routed(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    route_scopes(monkeypatch, engine)
    return engine


def _organisations(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Organisation.name)).all())


def test_a_refused_call_stops_at_its_first_use_of_actor_or_session(routed: Engine) -> None:
    state, reached = _State(), []
    with ServiceCall(state, None, "error") as call:
        reached.append("before")
        call.session.add(Organisation(name="Never"))
        reached.append("after")
    assert reached == ["before"]
    assert (call.refused, call.ok, call.error, state.error) == (True, False, None, "")
    assert _organisations(routed) == []


def test_a_success_commits(routed: Engine) -> None:
    with ServiceCall(_State(), ACTOR, "error") as call:
        call.session.add(Organisation(name="Sparad"))
    assert call.ok and _organisations(routed) == ["Sparad"]


def test_a_refusal_rolls_back_and_shows_the_first_wrong_field(routed: Engine) -> None:
    state = _State()
    with ServiceCall(state, ACTOR, "error") as call:
        call.session.add(Organisation(name="Ångrad"))
        call.session.flush()
        raise ValidationFailed({"name": "users.name_required", "email": "users.email_bad"})
    assert isinstance(call.error, ValidationFailed) and not call.ok
    assert state.error == "<users.name_required>"
    assert _organisations(routed) == []


def test_a_refusal_outside_catch_propagates_after_the_rollback(routed: Engine) -> None:
    call = ServiceCall(_State(), ACTOR, "error", catch=(NotFound,))
    with pytest.raises(PermissionDenied), call:
        call.session.add(Organisation(name="Ångrad"))
        call.session.flush()
        raise PermissionDenied()
    assert _organisations(routed) == []


def test_without_an_error_var_the_refusal_is_only_kept(routed: Engine) -> None:
    state = _State()
    with ServiceCall(state, ACTOR, None) as call:
        raise NotFound()
    assert isinstance(call.error, NotFound) and state.error == "" and state.shown == []
    assert call.message() == "<error.not_found>"

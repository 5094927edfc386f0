"""A.2: /dev/mail is a head administrator's local mailbox, and exists only without Resend.

The outbox holds live set-password and invitation links: reading it is taking over the
accounts it mentions. So the service itself refuses everyone but a signed-in head admin,
shows only their organisation's mail, and does not exist in production or with a Resend key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import reflex as rx
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.config import Settings
from admin_portal.mail.messages import welcome_message
from admin_portal.mail.outbox import enqueue_message
from admin_portal.models import Organisation
from admin_portal.services.auth.login import SignedIn
from admin_portal.services.dev_mailbox import list_local_mail
from admin_portal.services.errors import NotFound, PermissionDenied
from admin_portal.state import admin_pages
from admin_portal.state.admin_pages import DevMailState
from tests.support.world import add_unit_admin, build_care_world


def _mail(session: Session, org: Organisation, to: str) -> None:
    message = welcome_message(lang="sv", name="Anna", username="anna", raw_token="live-token")
    enqueue_message(session, message, to_address=to, organisation_id=org.id, user_id=None)


@pytest.fixture
def world(session: Session) -> dict[str, Actor | None]:
    base = build_care_world(session, head_username="huvud", other_org_name="Annan org")
    org, other_org = base.org, base.other_org
    head, company_admin, standard = base.head, base.company_admin, base.standard
    unit_admin = add_unit_admin(session, base, username="enhet")
    other_head = base.other_head
    _mail(session, org, "mine@example.se")
    _mail(session, other_org, "theirs@example.se")
    session.flush()
    return {
        name: load_actor(session, user.id or 0)
        for name, user in {
            "head": head,
            "unit_admin": unit_admin,
            "company_admin": company_admin,
            "standard": standard,
            "other_head": other_head,
        }.items()
    }


def test_a_head_admin_reads_only_their_own_organisations_mail(
    session: Session, world: dict[str, Actor | None]
) -> None:
    mine = list_local_mail(session, actor=world["head"])
    theirs = list_local_mail(session, actor=world["other_head"])

    assert [m.to_address for m in mine] == ["mine@example.se"]
    assert [m.to_address for m in theirs] == ["theirs@example.se"]
    assert any("live-token" in link for link in mine[0].links)


@pytest.mark.parametrize("who", ["unit_admin", "company_admin", "standard", None])
def test_anyone_but_a_head_admin_is_refused(
    session: Session, world: dict[str, Actor | None], who: str | None
) -> None:
    with pytest.raises(PermissionDenied):
        list_local_mail(session, actor=world[who] if who else None)


def test_with_a_resend_key_there_is_no_mailbox_even_for_a_head_admin(
    session: Session, world: dict[str, Actor | None], configure: Callable[..., None]
) -> None:
    configure(resend_api_key="re_live_key")
    with pytest.raises(NotFound):
        list_local_mail(session, actor=world["head"])


def test_in_production_there_is_no_mailbox(
    session: Session, world: dict[str, Actor | None], configure: Callable[..., None]
) -> None:
    configure(environment="production", resend_api_key=None)
    with pytest.raises(NotFound):
        list_local_mail(session, actor=world["head"])


@pytest.mark.parametrize("typo", ["prod", "Production", "staging", ""])
def test_an_unknown_environment_refuses_to_start(typo: str) -> None:
    with pytest.raises(ValidationError, match="development', 'test' or 'production"):
        Settings(environment=typo)  # type: ignore[arg-type]


def test_an_unknown_environment_stops_the_command_line_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "ADMIN_PORTAL_ENVIRONMENT": "prod",
        "ADMIN_PORTAL_SECRET_KEY": "k" * 40,
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import rxconfig"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "environment" in done.stderr and "'production'" in done.stderr


# -- the Reflex handler, called as a forging client could -------------------------------------


@pytest.fixture
def handler(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Callable[[Actor | None], tuple]:
    @contextmanager
    def scope() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as s:
            yield s

    monkeypatch.setattr(admin_pages, "session_scope", scope)

    def call(actor: Actor | None) -> tuple:
        signed_in = None if actor is None else SignedIn(actor=actor, username="x", email=None)
        monkeypatch.setattr(DevMailState, "_signed_in", lambda self: signed_in)
        root = rx.State(_reflex_internal_init=True)
        state = root.get_substate(DevMailState.get_full_name().split(".")[1:])
        result = DevMailState.load.fn(state)
        return result, state.messages

    return call


def test_the_handler_sends_a_visitor_to_the_login_and_shows_nothing(
    session: Session, world: dict[str, Actor | None], handler: Callable[[Actor | None], tuple]
) -> None:
    session.commit()
    result, messages = handler(None)
    assert messages == []
    assert "logga-in" in str(result)


def test_the_handler_shows_a_unit_admin_nothing(
    session: Session, world: dict[str, Actor | None], handler: Callable[[Actor | None], tuple]
) -> None:
    session.commit()
    _, messages = handler(world["unit_admin"])
    assert messages == []
    _, messages = handler(world["head"])
    assert [m["to_address"] for m in messages] == ["mine@example.se"]


def test_the_handler_with_a_resend_key_shows_even_a_head_admin_nothing(
    session: Session,
    world: dict[str, Actor | None],
    handler: Callable[[Actor | None], tuple],
    configure: Callable[..., None],
) -> None:
    # The page is not even built with a key, but the handler stays callable by any client.
    session.commit()
    configure(resend_api_key="re_live_key")
    _, messages = handler(world["head"])
    assert messages == []

"""Logga in and Glömt lösenord? under a burst, through the real Reflex handlers.

The handlers run on an asyncio loop as Reflex runs them, with the client address the socket
gives (`router.session.client_ip`), a real SQLite database and real argon2id. A limited
attempt shows "För många försök…", hashes nothing and queues no mail; and a login that is
verifying a password leaves the loop free for everyone else.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Literal, TypeVar

import pytest
import reflex as rx
from argon2 import PasswordHasher
from reflex.istate.data import ReflexURL, SessionData, URLData
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.auth import passwords
from admin_portal.auth.tokens import issue_token
from admin_portal.config import get_settings
from admin_portal.i18n import t
from admin_portal.models import OutboxMessage, TokenPurpose, User
from admin_portal.services.auth.rate_limits import reset_rate_limits
from admin_portal.state.auth import pages as auth_pages
from admin_portal.state.auth.pages import ForgotPasswordState, LoginState, SetPasswordState
from tests.support.factories import make_company, make_org, make_user

R = TypeVar("R")

PASSWORD = "en lång och hemlig lösenfras"
WRONG = "fel lösenfras här"
TOO_MANY = "För många försök. Vänta en stund och försök igen."


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def apply(**values: object) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"ADMIN_PORTAL_{name.upper()}", str(value))
        get_settings.cache_clear()

    apply(rate_limit_storage_url="memory://")
    reset_rate_limits()
    yield apply
    reset_rate_limits()
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Cheap argon2id, counting every verification."""
    calls: list[str] = []
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            calls.append("verify")
            return cheap.verify(hash, password)

    monkeypatch.setattr(
        passwords, "_hasher", Counting(time_cost=1, memory_cost=1024, parallelism=1)
    )
    passwords._dummy_hash.cache_clear()
    yield calls
    passwords._dummy_hash.cache_clear()


@pytest.fixture
def database(engine: Engine, monkeypatch: pytest.MonkeyPatch, hasher: list[str]) -> Engine:
    with Session(engine, expire_on_commit=False) as session:
        company = make_company(session, make_org(session))
        make_user(session, company, username="anna.berg", password=PASSWORD)
        make_user(session, company, username="berit.ek", password=PASSWORD)
        for n in range(8):
            make_user(
                session,
                company,
                username=f"person{n}",
                email=f"person{n}@example.se",
                verified=True,
            )
        session.commit()

    @contextmanager
    def scope() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    monkeypatch.setattr(auth_pages, "session_scope", scope)
    hasher.clear()  # the factories hashed passwords; count only the handlers' work
    return engine


def _state(cls: type[rx.State], address: str):  # type: ignore[no-untyped-def]
    root = rx.State(_reflex_internal_init=True)
    root.rx_router_session = SessionData(client_token="tab", client_ip=address)
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _log_in(address: str, username: str = "anna.berg", password: str = WRONG) -> str:
    state = _state(LoginState, address)
    asyncio.run(LoginState.log_in.fn(state, {"username": username, "password": password}))
    return state.error


def _send_link(address: str, identifier: str) -> tuple[str, str]:
    state = _state(ForgotPasswordState, address)
    asyncio.run(ForgotPasswordState.send_link.fn(state, {"identifier": identifier}))
    return state.error, state.done_message


def _outbox(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage)).all())


def test_the_handler_sees_the_address_the_socket_gives() -> None:
    state = _state(LoginState, "203.0.113.7")

    assert auth_pages._client_address(state) == "203.0.113.7"


def test_a_login_burst_from_one_address_is_cut_off_without_hashing(
    database: Engine, settings_env: Callable[..., None], hasher: list[str]
) -> None:
    settings_env(login_rate_limit_per_address="5/minute", login_rate_limit_global="1000/minute")

    errors = [_log_in("203.0.113.7") for _ in range(9)]

    assert errors[:5] == [t("login.failed", "sv")] * 5
    assert errors[5:] == [TOO_MANY] * 4
    assert len(hasher) == 5  # the refused attempts cost no argon2 work
    # Another address is still served (anna is locked by now: the per-username lockout stays).
    assert _log_in("198.51.100.20") == t("login.failed", "sv")
    assert _log_in("198.51.100.20", username="berit.ek", password=PASSWORD) == ""


def test_a_limited_login_with_the_right_password_is_refused_too(
    database: Engine, settings_env: Callable[..., None], hasher: list[str]
) -> None:
    settings_env(login_rate_limit_per_address="2/minute", login_rate_limit_global="1000/minute")
    _log_in("203.0.113.7")
    _log_in("203.0.113.7")
    hasher.clear()

    assert _log_in("203.0.113.7", password=PASSWORD) == TOO_MANY
    assert hasher == []


def test_the_message_follows_the_language(
    database: Engine, settings_env: Callable[..., None]
) -> None:
    settings_env(login_rate_limit_per_address="1/minute", login_rate_limit_global="1000/minute")
    _log_in("203.0.113.7")
    state = _state(LoginState, "203.0.113.7")
    state.lang = "en"

    asyncio.run(LoginState.log_in.fn(state, {"username": "anna.berg", "password": "x" * 20}))

    assert state.error == "Too many attempts. Wait a while and try again."


def test_the_global_login_limit_cuts_in_across_addresses(
    database: Engine, settings_env: Callable[..., None], hasher: list[str]
) -> None:
    settings_env(login_rate_limit_per_address="100/minute", login_rate_limit_global="6/minute")

    errors = [_log_in(f"198.51.100.{n}") for n in range(1, 10)]

    assert errors.count(TOO_MANY) == 3
    assert errors[-3:] == [TOO_MANY] * 3
    assert len(hasher) == 6


def test_a_reset_burst_from_one_address_queues_no_more_mail(
    database: Engine, settings_env: Callable[..., None], hasher: list[str]
) -> None:
    settings_env(reset_rate_limit_per_address="3/hour", reset_rate_limit_global="1000/hour")

    answers = [_send_link("203.0.113.7", f"person{n}") for n in range(6)]

    done = t("forgot.done", "sv", minutes=get_settings().reset_password_link_minutes)
    assert answers[:3] == [("", done)] * 3
    assert answers[3:] == [(TOO_MANY, "")] * 3
    assert len(_outbox(database)) == 3
    assert _send_link("198.51.100.20", "person7") == ("", done)
    assert len(_outbox(database)) == 4


def test_the_global_reset_limit_cuts_in_across_addresses(
    database: Engine, settings_env: Callable[..., None]
) -> None:
    settings_env(reset_rate_limit_per_address="100/hour", reset_rate_limit_global="2/hour")

    answers = [_send_link(f"198.51.100.{n}", f"person{n}") for n in range(1, 6)]

    assert [error for error, _ in answers] == ["", "", TOO_MANY, TOO_MANY, TOO_MANY]
    assert len(_outbox(database)) == 2


def test_repeated_requests_for_one_person_answer_the_same_and_send_one_mail(
    database: Engine, settings_env: Callable[..., None]
) -> None:
    settings_env(reset_rate_limit_per_address="100/hour", reset_mail_cooldown_minutes=10)

    answers = {_send_link(f"198.51.100.{n}", "person1") for n in range(1, 5)}
    answers.add(_send_link("198.51.100.9", "PERSON1@example.se"))

    assert len(answers) == 1  # nothing on the page tells that a mail was skipped
    assert len(_outbox(database)) == 1


# -- the loop stays free ------------------------------------------------------------------------


class _TimedHasher(PasswordHasher):
    """A deliberately slow argon2id (about half a second a hash on this machine's cores)
    that notes when each of its hashes and checks began and ended."""

    def __init__(self) -> None:
        super().__init__(time_cost=12, memory_cost=32 * 1024, parallelism=1)
        self.runs: list[tuple[float, float]] = []

    def _timed(self, work: Callable[[], R]) -> R:
        started = time.perf_counter()
        try:
            return work()
        finally:
            self.runs.append((started, time.perf_counter()))

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        return self._timed(lambda: PasswordHasher.hash(self, password, salt=salt))

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        return self._timed(lambda: PasswordHasher.verify(self, hash, password))


def _slow_argon2(monkeypatch: pytest.MonkeyPatch) -> _TimedHasher:
    slow = _TimedHasher()
    monkeypatch.setattr(passwords, "_hasher", slow)
    passwords._dummy_hash.cache_clear()
    passwords._dummy_hash()  # made before any clock starts
    slow.runs.clear()
    return slow


async def _ticks_while(handler_call) -> list[float]:  # type: ignore[no-untyped-def]
    """When another coroutine on the same loop ran while the handler was busy."""
    ticks: list[float] = []
    stop = asyncio.Event()

    async def other_admin() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.005)

    ticker = asyncio.create_task(other_admin())
    await handler_call
    stop.set()
    await ticker
    return ticks


def _assert_the_loop_ran_while_hashing(slow: _TimedHasher, ticks: list[float]) -> None:
    """Hashed on the event loop, the hash holds the loop for its whole run: not one tick of
    the other coroutine can fall inside it. Hashed in a thread, the loop goes on ticking.

    The ticks are counted inside the hash's own measured run, not against wall time: on a
    loaded machine the loop ticks less often, but it still ticks while the hash runs.
    """
    assert slow.runs, "nothing was hashed: the test proves nothing"
    assert sum(end - start for start, end in slow.runs) > 0.1, (
        "the slow hash was not slow: the test proves nothing"
    )
    inside = [tick for tick in ticks if any(start < tick < end for start, end in slow.runs)]
    assert len(inside) >= 3, (len(inside), len(ticks), slow.runs)


def test_setting_a_password_leaves_the_event_loop_free(
    database: Engine, settings_env: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(database, expire_on_commit=False) as session:
        user = session.exec(select(User).where(User.username == "person1")).one()
        old_hash = user.password_hash
        raw = issue_token(
            session,
            user_id=user.id or 0,
            purpose=TokenPurpose.RESET_PASSWORD,
            lifetime=timedelta(minutes=30),
        )
        session.commit()
    slow = _slow_argon2(monkeypatch)
    state = _state(SetPasswordState, "203.0.113.7")
    root = state.parent_state.parent_state  # SetPasswordState -> SessionState -> the root
    root.rx_router_url = URLData.from_url(
        ReflexURL(f"http://portal.test/satt-losenord?token={raw}")
    )
    password = "sommar vid havet med många måsar"

    ticks = asyncio.run(
        _ticks_while(SetPasswordState.save.fn(state, {"password": password, "repeat": password}))
    )

    assert state.done, (state.password_error, state.repeat_error, state.link_state)
    with Session(database) as session:
        assert (
            session.exec(select(User).where(User.username == "person1")).one().password_hash
            != old_hash
        )
    _assert_the_loop_ran_while_hashing(slow, ticks)


def test_a_verifying_login_leaves_the_event_loop_free(
    database: Engine, settings_env: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = _slow_argon2(monkeypatch)
    state = _state(LoginState, "203.0.113.7")

    ticks = asyncio.run(
        _ticks_while(LoginState.log_in.fn(state, {"username": "nobody", "password": "x" * 20}))
    )

    assert state.error == t("login.failed", "sv")
    _assert_the_loop_ran_while_hashing(slow, ticks)

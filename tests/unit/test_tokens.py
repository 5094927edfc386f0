"""Single-use tokens: only a keyed hash is stored, looking is free, using is once, time runs out."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.auth import tokens
from admin_portal.auth.tokens import (
    TokenState,
    consume_token,
    hash_secret,
    inspect_token,
    issue_token,
    void_tokens,
)
from admin_portal.models import Token, TokenPurpose, User
from tests.support.factories import make_company, make_org, make_user

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
SET = TokenPurpose.SET_PASSWORD.value
RESET = TokenPurpose.RESET_PASSWORD.value


def _user(session: Session) -> User:
    return make_user(session, make_company(session, make_org(session)))


def _issue(session: Session, user: User, purpose: str = SET, lifetime: timedelta = HOUR) -> str:
    assert user.id is not None
    return issue_token(session, user_id=user.id, purpose=purpose, lifetime=lifetime)


def test_only_a_keyed_hash_of_the_token_is_stored(session: Session) -> None:
    raw = _issue(session, _user(session))

    row = session.exec(select(Token)).one()
    assert row.token_hash == hash_secret(raw)
    assert raw not in {row.token_hash, row.email, row.purpose}
    # Keyed (HMAC), not a bare digest anyone could compute from a guessed token.
    assert row.token_hash != hashlib.sha256(raw.encode()).hexdigest()


def test_the_hash_depends_on_the_secret_key(configure: Callable[..., None]) -> None:
    before = hash_secret("same-raw-token")
    configure(secret_key="another-secret-key-for-this-test")

    assert hash_secret("same-raw-token") != before


def test_tokens_are_long_and_random(session: Session) -> None:
    user = _user(session)
    raws = {_issue(session, user, lifetime=HOUR) for _ in range(5)}

    assert len(raws) == 5
    assert all(len(raw) >= 40 for raw in raws)  # 32 random bytes, url-safe base64


def test_inspecting_does_not_consume(session: Session) -> None:
    raw = _issue(session, _user(session))

    first, _ = inspect_token(session, raw, SET)
    second, token = inspect_token(session, raw, SET)

    assert first is second is TokenState.VALID
    assert token is not None and token.used_at is None


def test_consuming_works_once_and_then_answers_used(session: Session) -> None:
    raw = _issue(session, _user(session))

    state, token = consume_token(session, raw, SET)
    assert state is TokenState.VALID
    assert token is not None and token.used_at is not None

    again, _ = consume_token(session, raw, SET)
    assert again is TokenState.USED
    assert inspect_token(session, raw, SET)[0] is TokenState.USED


def test_unknown_empty_and_oversized_tokens_are_unknown(session: Session) -> None:
    _issue(session, _user(session))

    assert inspect_token(session, "no-such-token", SET) == (TokenState.UNKNOWN, None)
    assert inspect_token(session, "", SET) == (TokenState.UNKNOWN, None)
    assert inspect_token(session, "x" * 201, SET) == (TokenState.UNKNOWN, None)
    assert consume_token(session, "no-such-token", SET) == (TokenState.UNKNOWN, None)


def test_a_new_token_voids_the_earlier_unused_one_of_the_same_purpose(session: Session) -> None:
    user = _user(session)
    older = _issue(session, user)
    newer = _issue(session, user)

    assert inspect_token(session, older, SET)[0] is TokenState.USED
    assert consume_token(session, older, SET)[0] is TokenState.USED
    assert consume_token(session, newer, SET)[0] is TokenState.VALID


def test_a_new_token_leaves_other_purposes_and_other_users_alone(session: Session) -> None:
    user = _user(session)
    other_user = make_user(session, make_company(session, make_org(session, "Annan org")))
    reset = _issue(session, user, RESET)
    someone_elses = _issue(session, other_user, SET)

    _issue(session, user, SET)

    assert inspect_token(session, reset, RESET)[0] is TokenState.VALID
    assert inspect_token(session, someone_elses, SET)[0] is TokenState.VALID


def test_issuing_without_voiding_keeps_the_earlier_token(session: Session) -> None:
    user = _user(session)
    assert user.id is not None
    first = _issue(session, user)
    issue_token(session, user_id=user.id, purpose=SET, lifetime=HOUR, void_earlier=False)

    assert inspect_token(session, first, SET)[0] is TokenState.VALID


def test_void_tokens_kills_every_unused_token_of_the_user(session: Session) -> None:
    user = _user(session)
    assert user.id is not None
    used = _issue(session, user, TokenPurpose.LOGIN_TICKET.value)
    consume_token(session, used, TokenPurpose.LOGIN_TICKET.value)
    set_raw, reset_raw = _issue(session, user, SET), _issue(session, user, RESET)

    assert void_tokens(session, user_id=user.id) == 2
    assert inspect_token(session, set_raw, SET)[0] is TokenState.USED
    assert inspect_token(session, reset_raw, RESET)[0] is TokenState.USED


def test_purposes_do_not_mix(session: Session) -> None:
    raw = _issue(session, _user(session), SET)

    assert inspect_token(session, raw, RESET) == (TokenState.UNKNOWN, None)
    assert consume_token(session, raw, TokenPurpose.LOGIN_TICKET.value) == (
        TokenState.UNKNOWN,
        None,
    )
    # A page that accepts several purposes finds it; the failed attempts did not use it up.
    assert inspect_token(session, raw, (RESET, SET))[0] is TokenState.VALID


def test_a_token_expires_when_the_clock_passes_expires_at(session: Session) -> None:
    user = _user(session)
    with time_machine.travel(T0, tick=False) as traveller:
        raw = _issue(session, user, lifetime=HOUR)
        token = session.exec(select(Token)).one()
        assert token.expires_at == T0 + HOUR

        traveller.shift(HOUR - timedelta(seconds=1))
        assert inspect_token(session, raw, SET)[0] is TokenState.VALID

        traveller.shift(timedelta(seconds=1))
        assert inspect_token(session, raw, SET)[0] is TokenState.EXPIRED


def test_an_expired_token_cannot_be_consumed(session: Session) -> None:
    user = _user(session)
    with time_machine.travel(T0, tick=False) as traveller:
        raw = _issue(session, user, lifetime=HOUR)
        traveller.shift(HOUR + timedelta(minutes=1))

        state, token = consume_token(session, raw, SET)

    assert state is TokenState.EXPIRED
    assert token is not None and token.used_at is None


def test_a_used_token_stays_used_after_it_expires(session: Session) -> None:
    user = _user(session)
    with time_machine.travel(T0, tick=False) as traveller:
        raw = _issue(session, user, lifetime=HOUR)
        consume_token(session, raw, SET)
        traveller.shift(2 * HOUR)

        assert inspect_token(session, raw, SET)[0] is TokenState.USED


def _race(
    engine: Engine, raw: str, *, after_inspect: threading.Barrier | None = None
) -> list[TokenState]:
    """Two threads, each with its own Session, consume the same token at the same moment."""
    start = threading.Barrier(2)
    results: list[TokenState] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def consumer() -> None:
        try:
            with Session(engine, expire_on_commit=False) as own:
                start.wait(timeout=10)
                state, _ = consume_token(own, raw, SET)
                own.commit()
            with lock:
                results.append(state)
        except BaseException as exc:  # surfaced in the main thread below
            if after_inspect is not None:
                after_inspect.abort()
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=consumer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return results


def test_two_concurrent_consumers_get_exactly_one_valid(engine: Engine, session: Session) -> None:
    raw = _issue(session, _user(session))
    session.commit()

    results = _race(engine, raw)

    assert sorted(results) == sorted([TokenState.VALID, TokenState.USED])


def test_two_consumers_that_both_saw_a_valid_token_still_get_one_winner(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _issue(session, _user(session))
    session.commit()
    # Hold both threads after their look-up so both have seen VALID before either writes:
    # only the conditional UPDATE can then stop the second one.
    both_looked = threading.Barrier(2)
    real_inspect = tokens.inspect_token

    def inspect_then_wait(s: Session, raw_token: str, purposes: str | tuple[str, ...]):  # type: ignore[no-untyped-def]
        found = real_inspect(s, raw_token, purposes)
        both_looked.wait(timeout=10)
        return found

    monkeypatch.setattr(tokens, "inspect_token", inspect_then_wait)

    results = _race(engine, raw, after_inspect=both_looked)

    assert sorted(results) == sorted([TokenState.VALID, TokenState.USED])
    with Session(engine) as fresh:
        assert fresh.exec(select(Token)).one().used_at is not None

"""argon2id hashing: format, verification, and a real hash even when there is no user."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from admin_portal.auth import passwords
from admin_portal.auth.passwords import hash_password, needs_rehash, verify_password

PASSPHRASE = "en lång lösenfras med mellanslag"


@pytest.fixture
def verify_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every hash handed to argon2's verify, which still runs for real."""
    calls: list[str] = []
    real_verify = PasswordHasher.verify

    def counting_verify(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        calls.append(hash if isinstance(hash, str) else hash.decode())
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    return calls


def test_hash_is_argon2id_in_phc_format() -> None:
    hashed = hash_password(PASSPHRASE)

    assert hashed.startswith("$argon2id$v=19$")
    assert PASSPHRASE not in hashed


def test_hashing_twice_gives_different_salted_hashes() -> None:
    assert hash_password(PASSPHRASE) != hash_password(PASSPHRASE)


def test_verify_accepts_the_right_password() -> None:
    assert verify_password(hash_password(PASSPHRASE), PASSPHRASE) is True


def test_verify_rejects_a_wrong_password() -> None:
    hashed = hash_password(PASSPHRASE)

    assert verify_password(hashed, PASSPHRASE + "!") is False
    assert verify_password(hashed, PASSPHRASE.upper()) is False
    assert verify_password(hashed, "") is False


def test_verify_rejects_a_malformed_hash_without_raising() -> None:
    assert verify_password("not-a-hash", PASSPHRASE) is False
    assert verify_password("$argon2id$v=19$garbage", PASSPHRASE) is False


def test_verify_with_no_hash_is_false() -> None:
    assert verify_password(None, PASSPHRASE) is False
    assert verify_password("", PASSPHRASE) is False


def test_verify_with_no_hash_still_runs_one_real_argon2_verification(
    verify_calls: list[str],
) -> None:
    assert verify_password(None, PASSPHRASE) is False

    assert len(verify_calls) == 1
    assert verify_calls[0].startswith("$argon2id$")


def test_verify_with_no_hash_is_false_even_for_the_dummy_password(verify_calls: list[str]) -> None:
    # Whatever the dummy hash was made from, a missing hash never verifies.
    dummy_source = "a password nobody has, hashed once per process"

    assert verify_password(None, dummy_source) is False
    assert len(verify_calls) == 1


def test_unknown_and_known_users_cost_the_same_number_of_verifications(
    verify_calls: list[str],
) -> None:
    hashed = hash_password(PASSPHRASE)

    verify_password(hashed, "fel lösenord helt och hållet")
    known = len(verify_calls)
    verify_password(None, "fel lösenord helt och hållet")
    unknown = len(verify_calls) - known

    assert known == unknown == 1
    # The dummy uses the same parameters as real hashes, so it costs the same.
    assert verify_calls[1].split("$")[3] == verify_calls[0].split("$")[3]


def test_a_fresh_hash_needs_no_rehash() -> None:
    assert needs_rehash(hash_password(PASSPHRASE)) is False


def test_a_hash_with_weaker_parameters_needs_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSPHRASE)

    assert needs_rehash(weak) is True
    assert verify_password(weak, PASSPHRASE) is True


def test_module_hasher_uses_argon2id() -> None:
    from argon2 import Type

    assert passwords._hasher.type is Type.ID

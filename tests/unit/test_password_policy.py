"""Password rules after NIST SP 800-63B: length, no composition rules, no common or personal words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from admin_portal.auth.password_policy import MAX_LENGTH, MIN_LENGTH, password_problems

PERSONAL = ["Helena", "Huvudsson", "hhuvud"]


def test_minimum_is_fifteen_and_maximum_is_256() -> None:
    assert (MIN_LENGTH, MAX_LENGTH) == (15, 256)


def test_fourteen_characters_are_too_short() -> None:
    assert "password.too_short" in password_problems("mossa blå ek 4")  # 14 characters


def test_fifteen_characters_are_enough() -> None:
    assert password_problems("mossa blå ek 42") == []  # 15 characters


def test_length_counts_characters_not_bytes() -> None:
    # 15 characters (20 bytes in UTF-8).
    assert password_problems("älg på ö är kåt") == []


def test_a_hundred_character_passphrase_with_spaces_is_accepted() -> None:
    passphrase = ("the tall giraffe reads quietly under a green lamp while seven " * 2)[:100]
    assert len(passphrase) == 100

    assert password_problems(passphrase) == []


def test_256_characters_are_accepted_and_257_are_too_long() -> None:
    words = "granen står grön och skön i skogen medan ugglan sover "
    at_limit = (words * 10)[:256]

    assert password_problems(at_limit) == []
    assert "password.too_long" in password_problems(at_limit + "x")


@pytest.mark.parametrize(
    "passphrase",
    [
        "correct horse battery staple",  # only lowercase letters and spaces
        "korvmojjen springer fort",  # no digits, no symbols, no capitals
        "sjuttiosju gröna päron",  # non-ASCII letters
        "SKRIKER HELA TIDEN OCH ÄNDÅ",  # only capitals
        "8417 3390 2265 1048",  # only digits and spaces, no pattern
    ],
)
def test_no_composition_rules(passphrase: str) -> None:
    assert password_problems(passphrase) == []


@pytest.mark.parametrize(
    "password",
    [
        "passwordpassword",
        "password password password",
        "PasswordPasswordPassword",
        "iloveyouiloveyou",
        "aaaaaaaaaaaaaaa",
        "abcabcabcabcabc",
        "1234123412341234",
        "123456789012345",
        "1234567890123456",
        "987654321098765",
        "abcdefghijklmnop",
        "1234567890qwerty",
        "qazwsxedcrfvtgb",
        "password12345678",
        "adminportal2024!",
        "lösenord lösenord",
    ],
)
def test_common_and_guessable_passwords_are_rejected(password: str) -> None:
    assert "password.common" in password_problems(password)


@pytest.mark.parametrize(
    "password",
    [
        "helena och katten kalle",  # first name
        "katten kalle HUVUDSSON springer",  # last name, other case
        "mitt konto hhuvud är bäst",  # username
        "katten H e l e n a springer",  # spaced out
    ],
)
def test_the_users_own_names_are_rejected(password: str) -> None:
    assert "password.personal" in password_problems(password, personal_words=PERSONAL)


def test_the_same_passphrase_is_fine_for_someone_else() -> None:
    assert password_problems("helena och katten kalle", personal_words=["Erik", "Enhetsson"]) == []


def test_very_short_personal_words_are_ignored() -> None:
    # A two-letter name would forbid far too many passphrases.
    assert password_problems("bo bor i ett stort hus", personal_words=["Bo", "Li"]) == []


def test_every_broken_rule_is_reported() -> None:
    problems = password_problems("helena", personal_words=PERSONAL)

    assert "password.too_short" in problems
    assert "password.personal" in problems


_WORDS = [
    "kanel", "fjäder", "molnet", "trappa", "lykta", "björk", "sill", "gurka", "vante",
    "räv", "skorsten", "tallrik", "ekorre", "cykel", "hallon", "pärla", "granit", "sommar",
    "mosse", "kaffe", "fyrtorn", "spade", "ugglor", "vinter",
]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.sampled_from(_WORDS), min_size=4, max_size=12, unique=True),
    separator=st.sampled_from([" ", "-", ".", ""]),
)
def test_any_passphrase_of_random_words_is_accepted(words: list[str], separator: str) -> None:
    passphrase = separator.join(words)  # four distinct words are always 15+ characters

    assert len(passphrase) >= MIN_LENGTH
    assert password_problems(passphrase, personal_words=["Helena", "Huvudsson", "hhuvud"]) == []

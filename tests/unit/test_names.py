"""First/last names and usernames (F0.1, F0.3), and the validation message catalogue."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from admin_portal.i18n import EN, SV, t, validation_en, validation_sv
from admin_portal.validation import email, names, national_id, phone
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.identifiers import username_key
from admin_portal.validation.names import (
    NAME_KEYS,
    NAME_MAX_LENGTH,
    USERNAME_KEY_MAX_LENGTH,
    USERNAME_KEYS,
    USERNAME_MAX_LENGTH,
    clean_person_name,
    clean_username,
)

FAST = settings(max_examples=200, deadline=None)


def name_error(text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        clean_person_name(text)
    assert caught.value.key in NAME_KEYS
    return caught.value


def username_error(text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        clean_username(text)
    assert caught.value.key in USERNAME_KEYS
    return caught.value


# Names


def test_a_name_is_trimmed_and_inner_whitespace_collapsed() -> None:
    assert clean_person_name("  Anna \t  Maria\n ") == "Anna Maria"


def test_names_keep_case_apostrophes_hyphens_and_any_script() -> None:
    for name in ["Åsa-Britt", "O'Connor", "de la Cruz", "Øystein", "Nguyễn", "Ли", "محمد", "李"]:
        assert clean_person_name(name) == name


def test_a_decomposed_name_is_stored_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë Åström")

    assert clean_person_name(decomposed) == "Zoë Åström"
    assert len(clean_person_name(decomposed)) == len("Zoë Åström")


@pytest.mark.parametrize("typed", ["", " ", "   \t\n", "\u00a0\u2003"])
def test_empty_or_whitespace_only_name_is_required(typed: str) -> None:
    assert name_error(typed).key == "name.required"


def test_a_300_character_name_is_too_long() -> None:
    assert name_error("A" * 300).key == "name.too_long"


def test_a_100_character_name_is_accepted_and_101_is_too_long() -> None:
    assert clean_person_name("A" * NAME_MAX_LENGTH) == "A" * 100
    assert name_error("A" * (NAME_MAX_LENGTH + 1)).key == "name.too_long"


def test_length_is_counted_after_collapsing_whitespace() -> None:
    assert clean_person_name("Anna" + " " * 200 + "Svensson") == "Anna Svensson"


@pytest.mark.parametrize("typed", ["123", "-", "...", "😀", "1 2 3"])
def test_a_name_without_any_letter_is_invalid(typed: str) -> None:
    assert name_error(typed).key == "name.invalid"


@pytest.mark.parametrize(
    "typed",
    [
        "Anna\x00",
        "An\x07na",
        "Anna\x1b[31m",
        "Anna\u202eanssvS",  # right-to-left override
        "An\u200bna",  # zero-width space
        "\ufeffAnna",  # byte-order mark
        "Anna\ue000",  # private use
    ],
)
def test_control_and_invisible_characters_make_a_name_invalid(typed: str) -> None:
    assert name_error(typed).key == "name.invalid"


@FAST
@given(st.text(max_size=150))
def test_any_text_is_either_a_clean_name_or_a_known_error(text: str) -> None:
    try:
        cleaned = clean_person_name(text)
    except InvalidInput as problem:
        assert problem.key in NAME_KEYS
    else:
        assert cleaned == cleaned.strip() and "  " not in cleaned
        assert 1 <= len(cleaned) <= NAME_MAX_LENGTH
        assert clean_person_name(cleaned) == cleaned  # idempotent


# Usernames


@pytest.mark.parametrize(
    "typed",
    ["anna.svensson", "Anna_S", "anna-s", "anna@example.se", "åsa", "Ωmega", "user42", "ab"],
)
def test_allowed_usernames_are_kept_as_typed(typed: str) -> None:
    assert clean_username(typed) == typed


def test_username_is_trimmed() -> None:
    assert clean_username("  anna.s  ") == "anna.s"


def test_a_username_with_a_space_has_invalid_characters() -> None:
    assert username_error("anna svensson").key == "username.invalid_chars"


@pytest.mark.parametrize(
    "typed",
    [
        "anna<script>",
        "<",
        "anna/svensson",
        "anna+1",
        "anna!",
        "anna\tsvensson",
        "anna\u00a0s",
        "an\u200bna",
        "anna'); DROP TABLE users;--",
        "😀anna",
        "\u0301anna",  # a combining mark with no letter before it
    ],
)
def test_characters_outside_the_allowed_set_are_refused(typed: str) -> None:
    assert username_error(typed).key == "username.invalid_chars"


def test_the_invalid_chars_message_lists_the_allowed_characters() -> None:
    for lang in ("sv", "en"):
        message = t("username.invalid_chars", lang)
        for symbol in (".", "_", "-", "@"):
            assert symbol in message


def test_a_letter_with_combining_marks_is_allowed() -> None:
    assert clean_username("नमस्ते") == "नमस्ते"  # Devanagari vowel signs and virama
    assert clean_username(unicodedata.normalize("NFD", "zoë")) == "zoë"


@pytest.mark.parametrize("typed", ["", "   "])
def test_empty_username_is_required(typed: str) -> None:
    assert username_error(typed).key == "username.required"


def test_a_one_character_username_is_too_short() -> None:
    assert username_error("a").key == "username.too_short"


def test_100_characters_are_allowed_and_101_too_long() -> None:
    assert clean_username("a" * USERNAME_MAX_LENGTH) == "a" * 100
    assert username_error("a" * (USERNAME_MAX_LENGTH + 1)).key == "username.too_long"


def test_sharp_s_grows_in_the_key_but_100_of_them_fit() -> None:
    username = "ß" * USERNAME_MAX_LENGTH

    assert len(username_key(username)) == 200  # casefold: ß -> ss
    assert clean_username(username) == username


def test_a_username_whose_key_would_exceed_400_characters_is_too_long() -> None:
    # U+FDFA is one Arabic letter whose NFKC form is 18 characters long.
    username = "\ufdfa" * 30
    assert len(username) == 30
    assert len(username_key(username)) > USERNAME_KEY_MAX_LENGTH

    assert username_error(username).key == "username.too_long"


@FAST
@given(st.text(max_size=120))
def test_any_text_is_either_a_clean_username_or_a_known_error(text: str) -> None:
    try:
        cleaned = clean_username(text)
    except InvalidInput as problem:
        assert problem.key in USERNAME_KEYS
    else:
        assert 2 <= len(cleaned) <= USERNAME_MAX_LENGTH
        assert len(username_key(cleaned)) <= USERNAME_KEY_MAX_LENGTH
        assert not any(char.isspace() for char in cleaned)
        assert clean_username(cleaned) == cleaned


# The catalogue for every validator


ALL_KEYS = national_id.KEYS + phone.KEYS + email.KEYS + names.KEYS


def test_every_validation_key_has_swedish_and_english_text() -> None:
    missing = [key for key in ALL_KEYS if key not in SV or key not in EN]

    assert missing == []


def test_the_validation_catalogues_hold_the_same_keys_and_only_validator_keys() -> None:
    assert set(validation_sv.MESSAGES) == set(validation_en.MESSAGES) == set(ALL_KEYS)


def test_translating_with_the_raised_params_gives_the_same_text() -> None:
    # Callers may drop params; the texts therefore never depend on them.
    for bad, check in [
        ("A" * 300, clean_person_name),
        ("a" * 101, clean_username),
        ("a", clean_username),
    ]:
        with pytest.raises(InvalidInput) as caught:
            check(bad)
        for lang in ("sv", "en"):
            assert t(caught.value.key, lang, **caught.value.params) == t(caught.value.key, lang)

"""Mobile numbers: 00 + country code, + or Swedish national form, stored as E.164."""

from __future__ import annotations

import pytest

from admin_portal.i18n import EN, SV, t
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.phone import KEYS, MAX_INPUT_LENGTH, parse_mobile


def error_key(text: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        parse_mobile(text)
    assert caught.value.key in KEYS
    return caught.value.key


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0701234567", "+46701234567"),
        ("070-123 45 67", "+46701234567"),
        ("070-1234567", "+46701234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("+46 (0)70 123 45 67", "+46701234567"),
        ("0046701234567", "+46701234567"),
        ("00 46 70 123 45 67", "+46701234567"),
        ("  0701234567  ", "+46701234567"),
        ("0761234567", "+46761234567"),
        ("+4915112345678", "+4915112345678"),
        ("004915112345678", "+4915112345678"),
        ("+358 40 123 4567", "+358401234567"),  # Finnish mobile
        ("+1 202 555 0123", "+12025550123"),  # +1 does not tell mobile from fixed: accepted
    ],
)
def test_accepted_forms_are_stored_as_e164(typed: str, stored: str) -> None:
    assert parse_mobile(typed) == stored


def test_full_width_digits_and_no_break_spaces_are_read_normally() -> None:
    assert parse_mobile("０７０\u00a0１２３ ４５ ６７") == "+46701234567"


def test_a_swedish_landline_is_not_a_mobile() -> None:
    assert error_key("08-123 456 78") == "phone.not_mobile"
    assert error_key("+46 8 123 456 78") == "phone.not_mobile"


def test_a_foreign_landline_is_not_a_mobile() -> None:
    assert error_key("+49 30 1234567") == "phone.not_mobile"


def test_a_foreign_mobile_without_country_code_is_invalid_and_the_message_says_add_it() -> None:
    # A German mobile typed nationally is read as Swedish and is no Swedish number.
    assert error_key("015112345678") == "phone.invalid"
    assert "00" in t("phone.invalid", "sv") and "+" in t("phone.invalid", "sv")
    assert "landsnumret" in t("phone.invalid", "sv")
    assert "country code" in t("phone.invalid", "en")


@pytest.mark.parametrize("typed", ["070 123", "070123456789", "+46 70 12", "+999 123 456 789"])
def test_too_short_too_long_or_unknown_country_is_invalid(typed: str) -> None:
    assert error_key(typed) == "phone.invalid"


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "inget nummer",
        "1-800-FLOWERS",
        "0701234567 ext 3",
        "+46701234567x12",
        "++46701234567",
        "46+701234567",
        "+",
        "-",
        "0",
        "070<script>",
        "0701234567\n0701234568",
    ],
)
def test_anything_but_digits_and_separators_is_a_format_error(typed: str) -> None:
    assert error_key(typed) == "phone.format"


def test_input_longer_than_40_characters_is_a_format_error() -> None:
    padded = "070" + " " * (MAX_INPUT_LENGTH - 10) + "1234567"
    assert len(padded) == MAX_INPUT_LENGTH
    assert parse_mobile(padded) == "+46701234567"

    assert error_key("0" + padded) == "phone.format"


@pytest.mark.parametrize("typed", ["", "   "])
def test_blank_is_required_error(typed: str) -> None:
    assert error_key(typed) == "phone.required"


def test_every_key_has_swedish_and_english_text_without_placeholders() -> None:
    for key in KEYS:
        assert key in SV and key in EN, key
        assert "{" not in SV[key] and "{" not in EN[key], key
        assert t(key, "sv") != t(key, "en")

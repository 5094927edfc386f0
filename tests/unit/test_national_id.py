"""Personnummer and samordningsnummer (F0.9): checksum, date, day + 60, century, masking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from personnummer import personnummer  # the package re-exports nothing

from admin_portal.i18n import EN, SV, t
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.national_id import (
    KEYS,
    MAX_AGE_YEARS,
    is_coordination_number,
    mask_national_id,
    parse_national_id,
)

TODAY = date(2025, 6, 15)
OLDEST = date(TODAY.year - MAX_AGE_YEARS - 1, TODAY.month, TODAY.day + 1)
HUNDREDTH_BIRTHDAY_CUTOFF = date(TODAY.year - 100, TODAY.month, TODAY.day)
FAST = settings(max_examples=200, deadline=None)


def luhn_digit(nine: str) -> str:
    """The check digit for YYMMDDNNN, written out independently of the code under test."""
    total = 0
    for index, char in enumerate(nine):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def with_check(nine: str) -> str:
    return nine + luhn_digit(nine)


def error_key(text: str, today: date = TODAY) -> str:
    with pytest.raises(InvalidInput) as caught:
        parse_national_id(text, today=today)
    assert caught.value.key in KEYS
    return caught.value.key


@st.composite
def valid_numbers(draw: st.DrawFn) -> tuple[date, str, str]:
    """(birth date, 12 digits as stored, how it may be typed)."""
    birth = draw(st.dates(min_value=OLDEST, max_value=TODAY))
    serial = draw(st.integers(min_value=1, max_value=999))
    coordination = draw(st.booleans())
    day = birth.day + (60 if coordination else 0)
    ten = with_check(f"{birth:%y%m}{day:02d}{serial:03d}")
    twelve = f"{birth:%Y}{ten[2:]}"
    at_least_100 = birth <= HUNDREDTH_BIRTHDAY_CUTOFF
    forms = [twelve, f"{twelve[:8]}-{twelve[8:]}", f"{ten[:6]}+{ten[6:]}" if at_least_100 else None]
    if not at_least_100:
        forms += [ten, f"{ten[:6]}-{ten[6:]}"]
    typed = draw(st.sampled_from([form for form in forms if form is not None]))
    return birth, twelve, typed


@FAST
@given(valid_numbers())
def test_every_valid_number_parses_to_its_twelve_digits(case: tuple[date, str, str]) -> None:
    _birth, twelve, typed = case

    assert parse_national_id(typed, today=TODAY) == twelve
    assert personnummer.valid(twelve)  # the library agrees (independent oracle)


@FAST
@given(valid_numbers(), st.integers(min_value=2, max_value=11), st.integers(0, 9))
def test_any_single_digit_change_in_the_luhn_covered_digits_fails(
    case: tuple[date, str, str], position: int, digit: int
) -> None:
    _birth, twelve, _typed = case
    assume(twelve[position] != str(digit))
    changed = twelve[:position] + str(digit) + twelve[position + 1 :]

    assert error_key(changed) in {
        "national_id.checksum",
        "national_id.date",
        "national_id.future",
        "national_id.format",  # the serial became 000
    }
    assert not personnummer.valid(changed)


@FAST
@given(valid_numbers(), st.integers(min_value=0, max_value=9), st.integers(0, 9))
def test_a_single_digit_change_in_the_ten_digit_form_fails(
    case: tuple[date, str, str], position: int, digit: int
) -> None:
    _birth, twelve, _typed = case
    ten = twelve[2:]
    assume(ten[position] != str(digit))
    changed = ten[:position] + str(digit) + ten[position + 1 :]

    error_key(changed)


@st.composite
def impossible_dates(draw: st.DrawFn) -> tuple[int, int, int]:
    """(year, month, day) with 1 <= day <= 31 that is no date, e.g. 31 February."""
    year = draw(st.integers(min_value=TODAY.year - 99, max_value=TODAY.year - 1))
    month = draw(st.sampled_from([2, 4, 6, 9, 11]))
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    day = draw(st.integers(min_value=last + 1, max_value=31))
    return year, month, day


@FAST
@given(impossible_dates(), st.integers(min_value=1, max_value=999))
def test_samordningsnummer_whose_day_minus_60_is_no_date_is_a_date_error(
    ymd: tuple[int, int, int], serial: int
) -> None:
    year, month, day = ymd
    ten = with_check(f"{year % 100:02d}{month:02d}{day + 60}{serial:03d}")

    assert error_key(f"{year}{ten[2:]}") == "national_id.date"
    assert error_key(ten) == "national_id.date"


def test_samordningsnummer_is_the_birth_day_plus_60() -> None:
    number = with_check("850161123")  # born 1 January 1985

    assert parse_national_id(number, today=TODAY) == "19" + number
    assert is_coordination_number("19" + number)
    assert not is_coordination_number("198501011234")


@pytest.mark.parametrize("day", ["00", "32", "59", "60", "92", "99"])
def test_days_that_are_neither_a_birth_day_nor_birth_day_plus_60_are_date_errors(
    day: str,
) -> None:
    assert error_key(with_check(f"8501{day}123")) == "national_id.date"


def test_31_february_is_a_date_error_also_with_a_correct_check_digit() -> None:
    assert error_key(with_check("850231123")) == "national_id.date"
    assert error_key("19" + with_check("850231123")) == "national_id.date"


def test_31_february_as_a_samordningsnummer_day_91_is_a_date_error() -> None:
    assert error_key(with_check("850291123")) == "national_id.date"


def test_month_13_is_a_date_error() -> None:
    assert error_key(with_check("851301123")) == "national_id.date"


def test_29_february_exists_only_in_leap_years() -> None:
    assert parse_national_id(with_check("000229123"), today=TODAY) == "20" + with_check("000229123")
    assert error_key(with_check("010229123")) == "national_id.date"
    # With "+" the number is from 1900, which was not a leap year.
    assert error_key(with_check("000229123")[:6] + "+" + with_check("000229123")[6:]) == (
        "national_id.date"
    )


def test_a_wrong_check_digit_is_a_checksum_error() -> None:
    good = with_check("850101123")
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)

    assert error_key(wrong) == "national_id.checksum"
    assert error_key(f"{wrong[:6]}-{wrong[6:]}") == "national_id.checksum"
    assert error_key("19" + wrong) == "national_id.checksum"


def test_known_valid_test_number_with_and_without_separators() -> None:
    # 811218-9876 is the example number from Skatteverket's documentation.
    for typed in ("811218-9876", "8112189876", "19811218-9876", "198112189876", " 811218-9876 "):
        assert parse_national_id(typed, today=TODAY) == "198112189876"


def test_a_typographic_dash_counts_as_a_hyphen() -> None:
    assert parse_national_id("811218\u20139876", today=TODAY) == "198112189876"
    assert parse_national_id("811218\u22129876", today=TODAY) == "198112189876"


def test_full_width_digits_are_read_as_digits() -> None:
    assert parse_national_id("８１１２１８-９８７６", today=TODAY) == "198112189876"


@pytest.mark.parametrize(
    "typed",
    [
        "81121",
        "81121898761",  # 11 digits
        "1981121898761",  # 13 digits
        "811218 9876",  # a space is not a separator
        "811218--9876",
        "811218/9876",
        "8112l89876",  # a letter l for a 1
        "19811218+-9876",
        "\u0668\u0661\u0661\u0662\u0661\u0668\u0669\u0668\u0667\u0666",  # Arabic-Indic digits
        "1" * 500,
    ],
)
def test_wrong_length_or_characters_are_format_errors(typed: str) -> None:
    assert error_key(typed) == "national_id.format"


def test_serial_000_is_never_issued() -> None:
    assert error_key(with_check("850101000")) == "national_id.format"


@pytest.mark.parametrize("typed", ["", "   ", "\t\n"])
def test_blank_is_required_error(typed: str) -> None:
    assert error_key(typed) == "national_id.required"


# Century rules, with today fixed at 15 June 2025.


def test_without_plus_the_person_is_at_most_99() -> None:
    born_today = with_check("250615123")
    birthday_tomorrow = with_check("250616123")
    last_century = with_check("990101123")

    assert parse_national_id(born_today, today=TODAY)[:4] == "2025"
    assert parse_national_id(birthday_tomorrow, today=TODAY)[:4] == "1925"  # turns 100 tomorrow
    assert (
        parse_national_id(f"{birthday_tomorrow[:6]}-{birthday_tomorrow[6:]}", today=TODAY)[:4]
        == "1925"
    )
    assert parse_national_id(last_century, today=TODAY)[:4] == "1999"


def test_plus_means_the_person_has_turned_100() -> None:
    hundred_today = with_check("250615123")
    old = with_check("990101123")
    turn_of_century = with_check("000101123")

    assert parse_national_id(f"{hundred_today[:6]}+{hundred_today[6:]}", today=TODAY)[:4] == (
        "1925"
    )
    assert parse_national_id(f"{old[:6]}+{old[6:]}", today=TODAY)[:4] == "1899"
    assert parse_national_id(f"{turn_of_century[:6]}+{turn_of_century[6:]}", today=TODAY)[:4] == (
        "1900"
    )


def test_plus_for_someone_not_yet_100_would_make_them_200_and_is_refused() -> None:
    number = with_check("250616123")  # 100th birthday is tomorrow: "+" would mean 1825

    assert error_key(f"{number[:6]}+{number[6:]}") == "national_id.date"


def test_the_century_follows_the_injected_today() -> None:
    number = with_check("300101123")

    assert parse_national_id(number, today=date(2025, 1, 1))[:4] == "1930"
    assert parse_national_id(number, today=date(2030, 1, 1))[:4] == "2030"


def test_default_today_is_the_real_date() -> None:
    assert parse_national_id("811218-9876") == "198112189876"


def test_a_twelve_digit_number_born_tomorrow_is_in_the_future() -> None:
    tomorrow = TODAY + timedelta(days=1)
    number = f"{tomorrow:%Y}" + with_check(f"{tomorrow:%y%m%d}123")[2:]

    assert error_key(number) == "national_id.future"
    assert parse_national_id(number, today=tomorrow) == number


@pytest.mark.parametrize("century", ["00", "03", "10", "17", "18"])
def test_an_impossible_century_is_refused(century: str) -> None:
    # The ten Luhn-covered digits are valid; only the century is wrong.
    assert error_key(century + with_check("850101123")) == "national_id.date"


@pytest.mark.parametrize("century", ["21", "22", "99"])
def test_a_century_in_the_future_is_refused(century: str) -> None:
    assert error_key(century + with_check("850101123")) == "national_id.future"


def test_older_than_the_maximum_age_is_refused() -> None:
    turns_131_tomorrow = date(TODAY.year - MAX_AGE_YEARS - 1, TODAY.month, TODAY.day + 1)
    turned_131_today = date(TODAY.year - MAX_AGE_YEARS - 1, TODAY.month, TODAY.day)
    oldest = f"{turns_131_tomorrow:%Y}" + with_check(f"{turns_131_tomorrow:%y%m%d}123")[2:]
    too_old = f"{turned_131_today:%Y}" + with_check(f"{turned_131_today:%y%m%d}123")[2:]

    assert parse_national_id(oldest, today=TODAY) == oldest
    assert error_key(too_old) == "national_id.date"


def test_a_separator_in_a_twelve_digit_number_is_decoration() -> None:
    assert parse_national_id("19811218+9876", today=TODAY) == "198112189876"


def test_errors_never_carry_the_number() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_national_id("811218-9877", today=TODAY)

    assert caught.value.params == {}
    assert "811218" not in str(caught.value)
    assert "811218" not in repr(caught.value)
    assert caught.value.__cause__ is None


# Masking


def test_mask_shows_the_date_and_hides_the_last_four() -> None:
    assert mask_national_id("198501011234") == "19850101-****"


def test_mask_shows_a_samordningsnummer_day_as_stored() -> None:
    assert mask_national_id("198501611234") == "19850161-****"


@pytest.mark.parametrize("stored", ["", "8501011234", "19850101-1234", "abcdefghijkl"])
def test_mask_of_a_malformed_value_hides_everything(stored: str) -> None:
    assert mask_national_id(stored) == "********-****"


def test_is_coordination_number_wants_twelve_digits() -> None:
    with pytest.raises(ValueError):
        is_coordination_number("8501611234")


# Messages


def test_every_key_has_swedish_and_english_text_without_placeholders() -> None:
    for key in KEYS:
        assert key in SV and key in EN, key
        assert "{" not in SV[key] and "{" not in EN[key], key
        assert t(key, "sv") != t(key, "en")


def test_the_checksum_message_tells_the_admin_what_to_do() -> None:
    assert "Kontrollsiffran" in t("national_id.checksum", "sv")
    assert "Kontrollera" in t("national_id.checksum", "sv")

"""Personnummer and samordningsnummer (F0.9): parse, validate, store as 12 digits, mask.

Accepted forms: ``YYMMDD-NNNN``, ``YYMMDD+NNNN``, ``YYMMDDNNNN``, ``YYYYMMDD-NNNN`` and
``YYYYMMDDNNNN`` (surrounding whitespace is ignored; a typographic dash counts as ``-``).
A samordningsnummer has the birth day plus 60 (61–91). The stored form is always
``YYYYMMDDNNNN`` with the day as written, so a samordningsnummer keeps its 61–91.

Century of a 10-digit number (Skatteverket's rule): ``+`` means the person has turned
100; ``-`` or no separator means the person is at most 99 years old on ``today``.
With 12 digits the century is given and a separator is only decoration.

The ``personnummer`` package (3.2) is used by the tests as an independent oracle but
not here, because it is too lenient for input from a form: its pattern uses ``\\d``
(so Arabic-Indic and other Unicode digits pass), it takes the century from the
system clock (not injectable, and by year only, so a 10-digit number born later this
year gets this year's century, i.e. a birth date in the future), it accepts
12-digit numbers born in the future or in year 0001, and it reports a wrong check
digit and an impossible date as the same error.

Nothing here logs the number or puts it in an exception: errors carry a key only.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from admin_portal.validation.errors import InvalidInput

REQUIRED = "national_id.required"
FORMAT = "national_id.format"
DATE = "national_id.date"
CHECKSUM = "national_id.checksum"
FUTURE = "national_id.future"

#: Every message key `parse_national_id` can raise (the i18n test checks both catalogues).
KEYS: tuple[str, ...] = (REQUIRED, FORMAT, DATE, CHECKSUM, FUTURE)

#: Nobody living is older than this; an older birth date is a typing error (wrong century).
MAX_AGE_YEARS = 130

#: Day numbers above this are a samordningsnummer (day of birth + 60).
COORDINATION_OFFSET = 60

_MAX_INPUT = 20  # longer input is rejected before any parsing
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d", "-"))
_PATTERN = re.compile(
    r"(?P<century>[0-9]{2})?(?P<yymmdd>[0-9]{6})(?P<sep>[-+]?)(?P<serial>[0-9]{3})(?P<check>[0-9])"
)
_TWELVE = re.compile(r"[0-9]{12}")


def parse_national_id(text: str, *, today: date | None = None) -> str:
    """The 12 digits YYYYMMDDNNNN of a valid personnummer or samordningsnummer.

    Raises InvalidInput with national_id.required (blank), national_id.format (not 10 or
    12 digits, or serial 000), national_id.date (no such date, a samordningsnummer whose
    day minus 60 is no date, or older than MAX_AGE_YEARS), national_id.future (born after
    `today`) or national_id.checksum (the Luhn check digit does not match).
    """
    today = today or date.today()
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned:
        raise InvalidInput(REQUIRED)
    if len(cleaned) > _MAX_INPUT:
        raise InvalidInput(FORMAT)
    cleaned = unicodedata.normalize("NFKC", cleaned).translate(_DASHES)
    match = _PATTERN.fullmatch(cleaned)
    if match is None or match["serial"] == "000":
        raise InvalidInput(FORMAT)

    yymmdd = match["yymmdd"]
    yy, month, day_as_written = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    day = (
        day_as_written - COORDINATION_OFFSET
        if day_as_written > COORDINATION_OFFSET
        else day_as_written
    )

    if match["century"] is not None:
        year = int(match["century"] + yymmdd[:2])
    else:
        year = _resolve_century(yy, month, day, centenarian=match["sep"] == "+", today=today)

    try:
        birth = date(year, month, day)
    except ValueError:
        raise InvalidInput(DATE) from None
    if birth > today:
        raise InvalidInput(FUTURE)
    if _age(birth, today) > MAX_AGE_YEARS:
        raise InvalidInput(DATE)

    ten = yymmdd + match["serial"] + match["check"]
    if not _luhn_valid(ten):
        raise InvalidInput(CHECKSUM)
    return f"{year:04d}{ten[2:]}"


def is_coordination_number(twelve_digits: str) -> bool:
    """True for a stored samordningsnummer (day 61–91). ValueError if not 12 digits."""
    if not _TWELVE.fullmatch(twelve_digits):
        raise ValueError("expected 12 digits YYYYMMDDNNNN")
    return int(twelve_digits[6:8]) > COORDINATION_OFFSET


def mask_national_id(twelve_digits: str) -> str:
    """'19850101-****' for display: the date as stored (day 61–91 for a samordningsnummer).

    A malformed stored value is masked completely rather than shown or raised.
    """
    if not isinstance(twelve_digits, str) or not _TWELVE.fullmatch(twelve_digits):
        return "********-****"
    return f"{twelve_digits[:8]}-****"


def _resolve_century(yy: int, month: int, day: int, *, centenarian: bool, today: date) -> int:
    """The full year for a 10-digit number.

    Without `centenarian` the birthday lies in (today - 100 years, today]: the person is
    at most 99. With it the birthday lies in (today - 200 years, today - 100 years]: the
    person has turned 100. Compared as (month, day) so that an impossible date such as
    31 February still gets a year and is then reported as a date error.
    """
    latest = today.year - 100 if centenarian else today.year
    year = latest - (latest - yy) % 100
    if year == latest and (month, day) > (today.month, today.day):
        year -= 100
    return year


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check over YYMMDDNNNC: weights 2,1,2,1…, digit sums."""
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0

"""Mobile numbers (F3.1, F4.3): Swedish national form, ``+`` or ``00`` + country code → E.164.

A number without a country code is read as Swedish. Only numbers that can receive an
SMS are accepted: libphonenumber's MOBILE, or FIXED_LINE_OR_MOBILE where a country's
plan does not tell them apart (e.g. +1). A Swedish landline such as 08-123 456 78 is
refused with phone.not_mobile. Extensions and letters ("vanity numbers") are refused.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from admin_portal.validation.errors import InvalidInput

REQUIRED = "phone.required"
FORMAT = "phone.format"
INVALID = "phone.invalid"
NOT_MOBILE = "phone.not_mobile"

#: Every message key `parse_mobile` can raise.
KEYS: tuple[str, ...] = (REQUIRED, FORMAT, INVALID, NOT_MOBILE)

MAX_INPUT_LENGTH = 40
DEFAULT_REGION = "SE"

_SMS_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# Digits with the usual separators; a single leading "+". "(0)" as in "+46 (0)70…" is allowed.
_SHAPE = re.compile(r"\+?[0-9 ()./-]+")


def parse_mobile(text: str) -> str:
    """The number in E.164, e.g. '+46701234567'.

    Raises InvalidInput with phone.required (blank), phone.format (longer than 40
    characters, letters or other characters, too few digits to be a number),
    phone.invalid (not a valid number for its country; without a country code: not a
    valid Swedish number) or phone.not_mobile (a valid number that cannot take an SMS).
    """
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned:
        raise InvalidInput(REQUIRED)
    if len(cleaned) > MAX_INPUT_LENGTH:
        raise InvalidInput(FORMAT)
    # Full-width digits and the Unicode minus become ASCII; NBSP becomes a space.
    cleaned = unicodedata.normalize("NFKC", cleaned).replace("\u2212", "-")
    if not _SHAPE.fullmatch(cleaned) or sum(c.isdigit() for c in cleaned) < 2:
        raise InvalidInput(FORMAT)
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]  # the international prefix used from Sweden
    try:
        number = phonenumbers.parse(cleaned, DEFAULT_REGION)
    except NumberParseException as problem:
        # Unknown country code, too short, too long: a number, but not a valid one.
        not_a_number = problem.error_type == NumberParseException.NOT_A_NUMBER
        raise InvalidInput(FORMAT if not_a_number else INVALID) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(INVALID)
    if phonenumbers.number_type(number) not in _SMS_TYPES:
        raise InvalidInput(NOT_MOBILE)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)

"""Person names and usernames (F0.1, F0.3).

Names are free text a person recognises as theirs: any script, apostrophes, hyphens,
spaces. They are tidied (NFC, outer whitespace removed, inner whitespace collapsed to
one space) and must contain a letter. Usernames are stricter: letters, digits and
``. _ - @`` only, so an e-mail address can be a username (F3.1) and nothing that looks
like whitespace or markup can. Uniqueness (F0.3) is the service's job, on
`identifiers.username_key` of the value returned here.
"""

from __future__ import annotations

import unicodedata

from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.identifiers import username_key

NAME_REQUIRED = "name.required"
NAME_TOO_LONG = "name.too_long"
NAME_INVALID = "name.invalid"

USERNAME_REQUIRED = "username.required"
USERNAME_TOO_SHORT = "username.too_short"
USERNAME_TOO_LONG = "username.too_long"
USERNAME_INVALID_CHARS = "username.invalid_chars"

#: Every message key `clean_person_name` can raise.
NAME_KEYS: tuple[str, ...] = (NAME_REQUIRED, NAME_TOO_LONG, NAME_INVALID)
#: Every message key `clean_username` can raise.
USERNAME_KEYS: tuple[str, ...] = (
    USERNAME_REQUIRED,
    USERNAME_TOO_SHORT,
    USERNAME_TOO_LONG,
    USERNAME_INVALID_CHARS,
)
KEYS: tuple[str, ...] = NAME_KEYS + USERNAME_KEYS

NAME_MAX_LENGTH = 100  # users.first_name / users.last_name
USERNAME_MIN_LENGTH = 2
USERNAME_MAX_LENGTH = 100  # users.username
USERNAME_KEY_MAX_LENGTH = 400  # users.username_key: NFKC + casefold can lengthen a name
USERNAME_SYMBOLS = frozenset(".-_@")

# Invisible characters: bidi marks, embeddings, overrides and isolates (they can make a
# name display as something else), zero-width space, word joiner and byte-order mark.
# Zero-width (non-)joiners stay allowed: some scripts need them.
_INVISIBLE = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff"
)
# Control, surrogate, private-use and unassigned code points.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})


def clean_person_name(text: str) -> str:
    """A first or last name, tidied: 'Anna   Maria ' → 'Anna Maria'.

    Raises InvalidInput with name.required (empty or only whitespace), name.too_long
    (over 100 characters after tidying) or name.invalid (a control or other invisible
    formatting character, or no letter at all).
    """
    raw = text if isinstance(text, str) else ""
    # str.split() without arguments splits on every Unicode whitespace, tabs and line
    # breaks included, so they become single spaces rather than errors.
    cleaned = " ".join(unicodedata.normalize("NFC", raw).split())
    if not cleaned:
        raise InvalidInput(NAME_REQUIRED)
    if len(cleaned) > NAME_MAX_LENGTH:
        raise InvalidInput(NAME_TOO_LONG, max=NAME_MAX_LENGTH)
    if any(_forbidden_in_name(char) for char in cleaned):
        raise InvalidInput(NAME_INVALID)
    if not any(unicodedata.category(char).startswith("L") for char in cleaned):
        raise InvalidInput(NAME_INVALID)
    return cleaned


def clean_username(text: str) -> str:
    """A username as typed, outer whitespace removed and NFC-normalised; case is kept.

    Allowed: Unicode letters (with their combining marks), digits, '.', '_', '-', '@';
    2–100 characters. Raises InvalidInput with username.required, username.too_short,
    username.too_long (also when the comparison key, NFKC + casefold, would be over 400
    characters) or username.invalid_chars (a space or anything else not allowed).
    """
    raw = text if isinstance(text, str) else ""
    cleaned = unicodedata.normalize("NFC", raw.strip())
    if not cleaned:
        raise InvalidInput(USERNAME_REQUIRED)
    if len(cleaned) > USERNAME_MAX_LENGTH:
        raise InvalidInput(USERNAME_TOO_LONG, max=USERNAME_MAX_LENGTH)
    if not all(_allowed_in_username(char, index, cleaned) for index, char in enumerate(cleaned)):
        raise InvalidInput(USERNAME_INVALID_CHARS)
    if len(cleaned) < USERNAME_MIN_LENGTH:
        raise InvalidInput(USERNAME_TOO_SHORT, min=USERNAME_MIN_LENGTH)
    if len(username_key(cleaned)) > USERNAME_KEY_MAX_LENGTH:
        raise InvalidInput(USERNAME_TOO_LONG, max=USERNAME_MAX_LENGTH)
    return cleaned


def _forbidden_in_name(char: str) -> bool:
    return char in _INVISIBLE or unicodedata.category(char) in _FORBIDDEN_CATEGORIES


def _allowed_in_username(char: str, index: int, text: str) -> bool:
    if char in USERNAME_SYMBOLS:
        return True
    category = unicodedata.category(char)
    if category.startswith("L") or category == "Nd":
        return True
    # A combining mark is part of the letter before it (e.g. Devanagari vowel signs).
    return category in {"Mn", "Mc"} and index > 0 and _is_letter_or_mark(text[index - 1])


def _is_letter_or_mark(char: str) -> bool:
    category = unicodedata.category(char)
    return category.startswith("L") or category in {"Mn", "Mc"}

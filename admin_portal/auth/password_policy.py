"""Password rules after NIST SP 800-63B: length, not composition; no common or personal words."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

MIN_LENGTH = 15  # 8 would do with a second factor, which the portal does not have yet
MAX_LENGTH = 256  # long passphrases are welcome; the cap only bounds hashing work
_CONTEXT_WORDS = ("adminportal", "admin portal", "lösenord", "losenord", "password")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def password_problems(password: str, *, personal_words: list[str] | None = None) -> list[str]:
    """Message keys for every rule the password breaks; empty when it is acceptable."""
    problems: list[str] = []
    length = len(unicodedata.normalize("NFKC", password))
    if length < MIN_LENGTH:
        problems.append("password.too_short")
    if length > MAX_LENGTH:
        problems.append("password.too_long")
    folded = _normalise(password)
    squeezed = "".join(folded.split())
    listed = folded in _common_passwords() or squeezed in _common_passwords()
    guessable = _is_repetition(squeezed) or _is_sequence(squeezed)
    contextual = any(word in folded for word in _CONTEXT_WORDS) and len(squeezed) < MIN_LENGTH + 5
    if listed or guessable or contextual:
        problems.append("password.common")
    words = [_normalise(w) for w in (personal_words or []) if w and len(w.strip()) >= 3]
    if any(w in folded or w in squeezed for w in words):
        problems.append("password.personal")
    return problems


def _is_repetition(text: str) -> bool:
    """'aaaaaaaaaaaaaaa', 'abcabcabcabcabc', '123412341234...' or a common password repeated."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return size <= 4 or text[:size] in _common_passwords()
    return False


def _is_sequence(text: str) -> bool:
    """'123456789012345', 'abcdefghijklmnop', '987654321098765': one step all the way."""
    if len(text) < 3:
        return False
    if text.isascii() and text.isdigit():  # digits wrap around: ...8, 9, 0, 1...
        steps = {(int(b) - int(a)) % 10 for a, b in zip(text, text[1:], strict=False)}
        return steps in ({1}, {9})
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return steps in ({1}, {-1})


def new_password_problem(
    password: str, repeat: object, *, personal_words: list[str], mismatch_key: str
) -> tuple[str, str] | None:
    """The first thing wrong with a chosen password and its repetition, as (field, key).

    The rules come first ("password"), then the repetition ("repeat"): the forms that set a
    password (a set-password link, an invitation's acceptance) show one message at a time.

    Args:
        password: The chosen password.
        repeat: What was typed in "Upprepa lösenord".
        personal_words: Names the password must not contain.
        mismatch_key: The message key for a repetition that differs.

    Returns:
        ("password", key), ("repeat", mismatch_key) or None when both are fine.
    """
    problems = password_problems(password, personal_words=personal_words)
    if problems:
        return ("password", problems[0])
    if password != repeat:
        return ("repeat", mismatch_key)
    return None

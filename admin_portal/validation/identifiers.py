"""Normalised keys for the uniqueness rules (F0.3 usernames, F0.8 e-mail per company)."""

from __future__ import annotations

import unicodedata


def username_key(username: str) -> str:
    """Case-insensitive and width-insensitive: 'Anna', 'ANNA' and 'Ａｎｎａ' are one username."""
    return unicodedata.normalize("NFKC", username.strip()).casefold()


def email_key(email: str) -> str:
    return unicodedata.normalize("NFKC", email.strip()).casefold()

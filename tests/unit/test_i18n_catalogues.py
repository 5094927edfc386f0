"""Swedish first, English complete: every text exists in both, with the same placeholders."""

from __future__ import annotations

import string

from admin_portal.i18n import EN, SV, t


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_swedish_text_has_an_english_one_and_back() -> None:
    assert sorted(set(SV) - set(EN)) == []
    assert sorted(set(EN) - set(SV)) == []


def test_both_languages_use_the_same_placeholders() -> None:
    differing = [key for key in SV if _placeholders(SV[key]) != _placeholders(EN[key])]
    assert differing == []


def test_the_seeds_words_are_the_swedish_labels() -> None:
    assert t("bulk_verification.button", "sv") == "Skicka verifieringsmeddelanden"
    assert t("verification.send", "sv") == "Skicka verifieringsmeddelande"
    assert t("verify.forgot_link", "sv") == "Glömt ditt lösenord?"

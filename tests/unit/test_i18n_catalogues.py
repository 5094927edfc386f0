"""Swedish first, English complete: every text exists in both, with the same placeholders."""

from __future__ import annotations

import re
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
    # Seed 001 says both "Glömt ditt lösenord?" and "Glömt lösenord"; the link on the login
    # page is "Glömt lösenord?", and every text that sends people there uses its words.
    assert t("login.forgot", "sv") == "Glömt lösenord?"


def test_every_text_names_the_forgot_password_link_as_the_login_page_does() -> None:
    """Issue 14: the verification mail and page said "Glömt ditt lösenord?" for a link the
    login page calls "Glömt lösenord?"."""
    for lang, catalogue, variant in (
        ("sv", SV, re.compile(r"glömt\s+(?!lösenord\?)\w*\s*lösenord", re.IGNORECASE)),
        ("en", EN, re.compile(r"forgot\s+(?!password\?)\w*\s*password", re.IGNORECASE)),
    ):
        assert t("verify.forgot_link", lang) == t("login.forgot", lang)
        assert t("forgot.title", lang) == t("login.forgot", lang)
        others = {key: text for key, text in catalogue.items() if variant.search(text)}
        assert others == {}, f"{lang}: {others}"


def test_one_action_has_one_name_on_the_profile_and_on_min_organisation() -> None:
    """Issue 14: "Skicka ny inbjudan" (profile) and "Skicka igen" (Min organisation) both
    send the person a new invitation link that replaces the old one."""
    for lang in ("sv", "en"):
        assert t("org.resend", lang) == t("profile.resend_invitation", lang)
        assert t("org.resend", lang) in t("invitations.email_already_invited", lang)
    assert t("org.resend", "sv") == "Skicka ny inbjudan"


def test_the_revoke_confirmation_names_what_the_page_calls_things() -> None:
    for lang in ("sv", "en"):
        body = t("org.revoke_confirm.body", lang, name="Rut")
        assert t("org.invite_button", lang) in body  # where a new invitation is sent from
        assert t("org.tab_invited", lang) in body  # the list the row leaves

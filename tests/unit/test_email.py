"""E-mail addresses: syntax and normalisation, never the network (F0.7, F0.8)."""

from __future__ import annotations

import socket

import pytest

from admin_portal.i18n import EN, SV, t
from admin_portal.validation.email import KEYS, MAX_LENGTH, normalise_email
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.identifiers import email_key


def error_key(text: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        normalise_email(text)
    assert caught.value.key in KEYS
    return caught.value.key


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here fails if the validator tries DNS or opens a socket."""

    def refuse(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("the e-mail validator must not use the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_domain_is_lower_cased_and_local_part_kept() -> None:
    assert normalise_email("Anna.Svensson@Example.SE") == "Anna.Svensson@example.se"


def test_surrounding_whitespace_is_removed() -> None:
    assert normalise_email("  anna@example.se\n") == "anna@example.se"


def test_addresses_differing_only_in_case_share_one_uniqueness_key() -> None:
    # F0.8 is the service's check; it compares email_key of the normalised address.
    assert email_key(normalise_email("Karin.Lund@Example.se")) == email_key(
        normalise_email("KARIN.LUND@EXAMPLE.SE")
    )


def test_an_international_domain_is_kept_in_unicode_and_lower_cased() -> None:
    assert normalise_email("anna@RÄKSMÖRGÅS.se") == "anna@räksmörgås.se"


def test_a_punycode_domain_is_shown_in_unicode() -> None:
    assert normalise_email("anna@xn--rksmrgs-5wao1o.se") == "anna@räksmörgås.se"


def test_a_unicode_local_part_is_accepted() -> None:
    assert normalise_email("åsa@exempel.se") == "åsa@exempel.se"


def test_foo_at_without_domain_is_invalid() -> None:
    assert error_key("foo@") == "email.invalid"


@pytest.mark.parametrize(
    "typed",
    [
        "foo",
        "@example.se",
        "anna @example.se",
        "anna@exa mple.se",
        "anna svensson@example.se",
        "anna@@example.se",
        "anna@example",
        "anna..svensson@example.se",
        "anna@example.se.",
        "Anna <anna@example.se>",
        '"anna svensson"@example.se',
        "anna@[192.0.2.1]",
        "anna@example.invalid",
        "anna@printer.local",
        "anna\u200b@example.se",
        "anna@example.se\nBcc: x@example.se",
    ],
)
def test_malformed_addresses_are_invalid(typed: str) -> None:
    assert error_key(typed) == "email.invalid"


def test_an_address_over_254_characters_is_too_long() -> None:
    domain = ".".join(["a" * 60] * 4) + ".se"  # 246 characters
    at_limit = "abcdefg@" + domain
    assert len(at_limit) == MAX_LENGTH
    assert normalise_email(at_limit) == at_limit

    assert error_key("abcdefgh@" + domain) == "email.too_long"
    assert error_key("a" * 10_000 + "@example.se") == "email.too_long"


def test_a_local_part_over_64_bytes_is_too_long() -> None:
    assert normalise_email("a" * 64 + "@example.se") == "a" * 64 + "@example.se"
    assert error_key("a" * 65 + "@example.se") == "email.too_long"
    assert error_key("å" * 33 + "@example.se") == "email.too_long"  # 66 bytes in UTF-8


@pytest.mark.parametrize("typed", ["", "  "])
def test_blank_is_required_error(typed: str) -> None:
    assert error_key(typed) == "email.required"


def test_errors_carry_no_library_text() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_email("foo@")
    assert str(caught.value) == "email.invalid"
    assert caught.value.__cause__ is None


def test_every_key_has_swedish_and_english_text_without_placeholders() -> None:
    for key in KEYS:
        assert key in SV and key in EN, key
        assert "{" not in SV[key] and "{" not in EN[key], key
        assert t(key, "sv") != t(key, "en")


def test_params_do_not_change_the_text() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_email("a" * 300 + "@example.se")
    problem = caught.value
    assert t(problem.key, "sv", **problem.params) == t(problem.key, "sv")

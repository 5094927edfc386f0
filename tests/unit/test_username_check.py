"""F0.3: is a username free, and if not, exactly which of the three reasons applies?

The reason for a username held in another organisation names neither the company nor
the person; a banked username offers head admins the user bank and tells other admins
whom to ask.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.i18n import EN, SV, t
from admin_portal.models import Company, Role, User, UserStatus, utcnow
from admin_portal.services.errors import PermissionDenied
from admin_portal.services.users.username_check import (
    UsernameCheck,
    UsernameVerdict,
    check_username,
)
from tests.support.factories import grant, make_user
from tests.support.world import build_care_world

OTHER_COMPANY = "Konkurrenten Omsorg AB"
OTHER_ORG = "Konkurrentkoncernen"


@dataclass
class World:
    company: Company
    company2: Company  # same organisation
    other_company: Company
    head: Actor
    company_admin: Actor  # admin of `company` only
    unit_admin: Actor
    standard: Actor
    anna: User  # company, "Anna.Berg"
    norr: User  # company2, "Norr.Person"
    banked: User  # company, removed: "Gammal.Kollega"
    secret: User  # other organisation, "Sara.Svensson"
    secret_banked: User  # other organisation, removed: "Borta.Person"


@pytest.fixture
def w(session: Session) -> World:
    base = build_care_world(
        session, head_username="huvud", other_org_name=OTHER_ORG, other_company_name=OTHER_COMPANY
    )
    company, company2, unit, other_company = (
        base.company,
        base.company2,
        base.unit_a,
        base.other_company,
    )
    unit_admin = make_user(session, company, unit=unit, username="enhet.admin")
    grant(session, unit_admin, Role.ADMIN, unit=unit)
    anna = make_user(session, company, unit=unit, username="Anna.Berg")
    norr = make_user(session, company2, username="Norr.Person")
    banked = make_user(session, company, username="Gammal.Kollega")
    banked.status, banked.removed_at = UserStatus.REMOVED, utcnow()
    secret = make_user(
        session, other_company, username="Sara.Svensson", first_name="Sara", last_name="Svensson"
    )
    secret_banked = make_user(session, other_company, username="Borta.Person")
    secret_banked.status, secret_banked.removed_at = UserStatus.REMOVED, utcnow()
    session.add_all([banked, secret_banked])
    session.commit()
    return World(
        company=company,
        company2=company2,
        other_company=other_company,
        head=base.actor(session, base.head),
        company_admin=base.actor(session, base.company_admin),
        unit_admin=base.actor(session, unit_admin),
        standard=base.actor(session, base.standard),
        anna=anna,
        norr=norr,
        banked=banked,
        secret=secret,
        secret_banked=secret_banked,
    )


def _both_languages(key: str) -> tuple[str, str]:
    sv, en = SV.get(key), EN.get(key)
    assert sv and en, f"{key} must exist in both catalogues"
    assert sv != en
    return sv, en


def test_a_free_username_is_available(session: Session, w: World) -> None:
    for actor in (w.head, w.company_admin, w.unit_admin):
        result = check_username(session, actor=actor, username="Ny.Person")
        assert result == UsernameCheck(UsernameVerdict.AVAILABLE, "username.available")
    sv, en = _both_languages("username.available")
    assert "ledigt" in sv and "available" in en


def test_taken_in_your_organisation_in_any_case_or_width(session: Session, w: World) -> None:
    for typed in ("anna.berg", "ANNA.BERG", " Anna.Berg ", "aNNA.bERG", "Ａｎｎａ.Ｂｅｒｇ"):
        result = check_username(session, actor=w.company_admin, username=typed)
        assert result == UsernameCheck(UsernameVerdict.TAKEN_HERE, "username.taken_here"), typed


def test_taken_here_covers_the_whole_organisation_whoever_asks(session: Session, w: World) -> None:
    # The holder is outside the unit admin's scope and in the other company of the same
    # organisation: still "registered with you", not "another company in the system".
    for actor in (w.head, w.company_admin, w.unit_admin):
        result = check_username(session, actor=actor, username="norr.person")
        assert result.verdict is UsernameVerdict.TAKEN_HERE
    sv, en = _both_languages("username.taken_here")
    assert "hos er" in sv and "with you" in en


def test_taken_in_another_organisation_reveals_nothing(session: Session, w: World) -> None:
    """Active or banked there: one answer, no id, no name of the company or the person."""
    secrets = (OTHER_COMPANY, "Konkurrenten", OTHER_ORG, "Sara", "Svensson", "Borta")
    for actor in (w.head, w.company_admin):
        for typed in ("sara.svensson", "SARA.SVENSSON", "borta.person"):
            result = check_username(session, actor=actor, username=typed)
            assert result == UsernameCheck(
                UsernameVerdict.TAKEN_ELSEWHERE, "username.taken_elsewhere"
            ), typed
            for text in (*_both_languages(result.message_key), repr(result)):
                assert not [s for s in secrets if s.casefold() in text.casefold()], text


def test_taken_elsewhere_says_another_company_in_both_languages() -> None:
    sv, en = _both_languages("username.taken_elsewhere")
    assert "annat företag" in sv and "another company" in en


def test_banked_username_offers_the_user_bank_to_head_admins(session: Session, w: World) -> None:
    result = check_username(session, actor=w.head, username="GAMMAL.kollega")
    assert result == UsernameCheck(
        UsernameVerdict.IN_USER_BANK, "username.in_user_bank_head", w.banked.id
    )
    sv, en = _both_languages("username.in_user_bank_head")
    assert "användarbanken" in sv and "user bank" in en
    _both_languages("username.find_in_bank")  # the link text the page shows with it


def test_banked_username_tells_other_admins_to_ask_a_head_admin(session: Session, w: World) -> None:
    for actor in (w.company_admin, w.unit_admin):
        result = check_username(session, actor=actor, username="gammal.kollega")
        assert result == UsernameCheck(UsernameVerdict.IN_USER_BANK, "username.in_user_bank_ask")
        assert result.bank_user_id is None
    sv, en = _both_languages("username.in_user_bank_ask")
    assert "huvudadministratör" in sv and "head administrator" in en


def test_exactly_one_reason_per_username(session: Session, w: World) -> None:
    verdicts = {
        name: check_username(session, actor=w.head, username=name).verdict
        for name in ("anna.berg", "sara.svensson", "gammal.kollega", "ledig.person")
    }
    assert verdicts == {
        "anna.berg": UsernameVerdict.TAKEN_HERE,
        "sara.svensson": UsernameVerdict.TAKEN_ELSEWHERE,
        "gammal.kollega": UsernameVerdict.IN_USER_BANK,
        "ledig.person": UsernameVerdict.AVAILABLE,
    }


def test_your_own_username_on_the_profile_is_available(session: Session, w: World) -> None:
    own = check_username(
        session, actor=w.company_admin, username="ANNA.berg", exclude_user_id=w.anna.id
    )
    assert own.verdict is UsernameVerdict.AVAILABLE
    # Excluding someone else does not free another person's name.
    other = check_username(
        session, actor=w.company_admin, username="anna.berg", exclude_user_id=w.norr.id
    )
    assert other.verdict is UsernameVerdict.TAKEN_HERE
    banked = check_username(
        session, actor=w.head, username="gammal.kollega", exclude_user_id=w.anna.id
    )
    assert banked.verdict is UsernameVerdict.IN_USER_BANK


INVALID: list[tuple[object, str]] = [
    ("", "username.required"),
    ("   ", "username.required"),
    (None, "username.required"),
    (42, "username.required"),
    ("a", "username.too_short"),
    ("a" * 101, "username.too_long"),
    ("anna berg", "username.invalid_chars"),
    ("anna!", "username.invalid_chars"),
    ("anna#berg", "username.invalid_chars"),
    ("<script>", "username.invalid_chars"),
    ("anna,berg", "username.invalid_chars"),
    ("anna\u200bberg", "username.invalid_chars"),  # zero-width space
    ("anna\nberg", "username.invalid_chars"),
]


def test_invalid_usernames_get_their_own_message(session: Session, w: World) -> None:
    for typed, key in INVALID:
        result = check_username(session, actor=w.head, username=typed)  # type: ignore[arg-type]
        assert result == UsernameCheck(UsernameVerdict.INVALID, key), typed
        _both_languages(key)


def test_letters_digits_and_the_four_symbols_are_valid(session: Session, w: World) -> None:
    for name in ("a.b", "a_b", "a-b", "anna@example.se", "Åsa.Öberg-2", "ab"):
        assert check_username(session, actor=w.head, username=name).verdict is (
            UsernameVerdict.AVAILABLE
        ), name


def test_standard_users_may_not_probe_usernames(session: Session, w: World) -> None:
    with pytest.raises(PermissionDenied):
        check_username(session, actor=w.standard, username="anna.berg")


def test_every_message_key_has_text_in_both_languages() -> None:
    keys = {
        "username.available",
        "username.taken_here",
        "username.taken_elsewhere",
        "username.in_user_bank_head",
        "username.in_user_bank_ask",
        "username.required",
        "username.too_short",
        "username.too_long",
        "username.invalid_chars",
    }
    for key in keys:
        _both_languages(key)
        # t() finds the key itself, not the fallback.
        assert t(key, "sv") == SV[key] and t(key, "en") == EN[key]

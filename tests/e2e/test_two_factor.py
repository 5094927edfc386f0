"""Tvåstegsverifiering as an admin uses it: enrol on Mitt konto, sign in with password + code.

Runs as `omradeschef`, not `huvudadmin`: the other e2e modules sign in as the head admin
with a password only. The test turns two-factor off again (and a finally-block removes it
from the database should the test stop half-way), so it leaves nothing behind.
"""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete
from sqlmodel import Session, select

from admin_portal.db import make_engine
from admin_portal.models import Organisation, RecoveryCode, TotpCredential, User
from tests.e2e.conftest import DEMO_PASSWORD, assert_accessible, log_in, wait_until_ready

pytestmark = pytest.mark.e2e

USERNAME = "omradeschef"


def _forget_two_factor(database_url: str, username: str = USERNAME) -> None:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            user_id = session.exec(select(User.id).where(User.username == username)).one()
            session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))  # type: ignore[arg-type]
            session.execute(delete(TotpCredential).where(TotpCredential.user_id == user_id))  # type: ignore[arg-type]
            session.commit()
    finally:
        engine.dispose()


def _require_for_admins_of(database_url: str, username: str, required: bool) -> None:
    """Set the organisation's requirement straight in the database (and back afterwards)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            org_id = session.exec(
                select(User.organisation_id).where(User.username == username)
            ).one()
            org = session.get(Organisation, org_id)
            assert org is not None
            org.require_admin_two_factor = required
            session.add(org)
            session.commit()
    finally:
        engine.dispose()


def _next_code(secret: str) -> str:
    # The enrolment used the current step; the next one is inside the accepted drift window.
    return pyotp.TOTP(secret).at(time.time() + 30)


def _open_my_account(page: Page) -> None:
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mitt konto").click()
    expect(page).to_have_url(re.compile(r"/mitt-konto/?$"))
    wait_until_ready(page)


def test_an_admin_enrols_and_then_signs_in_with_password_and_code(new_page, portal):
    try:
        page = new_page()
        log_in(page, USERNAME)
        expect(page).to_have_url(re.compile(r"/anvandare/?$"))
        _open_my_account(page)

        section = page.get_by_role("region", name="Tvåstegsverifiering")
        section.get_by_role("button", name="Aktivera tvåstegsverifiering").click()
        expect(
            section.get_by_role(
                "img", name="QR-kod för att lägga till kontot i en autentiseringsapp"
            )
        ).to_be_visible()
        secret = section.locator("#two-factor-secret").inner_text().replace(" ", "")
        assert re.fullmatch(r"[A-Z2-7]{32}", secret)
        assert_accessible(page)

        section.get_by_label("Sexsiffrig kod från appen").fill(pyotp.TOTP(secret).now())
        section.get_by_role("button", name="Bekräfta och aktivera").click()
        codes = section.get_by_role("list", name="Reservkoder").get_by_role("listitem")
        expect(codes).to_have_count(10)
        expect(section.get_by_text("Tvåstegsverifiering är aktiverad.").first).to_be_visible()
        assert_accessible(page)

        page.get_by_role("button", name="Logga ut").click()
        expect(page).to_have_url(re.compile(r"/logga-in/?$"))

        log_in(page, USERNAME)
        expect(page).to_have_url(re.compile(r"/logga-in/tvastegsverifiering/?$"))
        wait_until_ready(page)
        expect(page.get_by_role("heading", name="Tvåstegsverifiering")).to_be_visible()
        # Password alone gives no session: the cookie comes only after the code.
        assert all(c["name"] != "ap_session" for c in page.context.cookies())
        assert_accessible(page)

        page.get_by_label("Kod från appen eller reservkod").fill("000000")
        page.get_by_role("button", name="Verifiera").click()
        expect(page.get_by_role("alert")).to_contain_text("Koden stämmer inte")

        page.get_by_label("Kod från appen eller reservkod").fill(_next_code(secret))
        page.get_by_role("button", name="Verifiera").click()
        expect(page).to_have_url(re.compile(r"/anvandare/?$"))
        wait_until_ready(page)

        # Leave no trace for other tests: turn it off again with the password.
        _open_my_account(page)
        section = page.get_by_role("region", name="Tvåstegsverifiering")
        section.get_by_label("Lösenord").fill(DEMO_PASSWORD)
        section.get_by_role("button", name="Stäng av tvåstegsverifiering").click()
        expect(section.get_by_text("Tvåstegsverifiering är avstängd.").first).to_be_visible()
        expect(section.get_by_role("button", name="Aktivera tvåstegsverifiering")).to_be_visible()
    finally:
        _forget_two_factor(portal.database_url)


def test_a_required_enrolment_comes_before_the_session(new_page, portal):
    """The organisation requires two-factor: the right password leads to enrolment first."""
    try:
        _require_for_admins_of(portal.database_url, "enhetsadmin", True)
        page = new_page()
        log_in(page, "enhetsadmin")
        expect(page).to_have_url(re.compile(r"/logga-in/tvastegsverifiering/?$"))
        wait_until_ready(page)
        expect(page.get_by_text("Din organisation kräver tvåstegsverifiering")).to_be_visible()
        expect(page.locator("#two-factor-secret")).to_be_visible()
        assert all(c["name"] != "ap_session" for c in page.context.cookies())
        page.goto("/anvandare")  # no admin page before the enrolment is done
        expect(page).to_have_url(re.compile(r"/logga-in/?\?next="))

        log_in(page, "enhetsadmin")
        expect(page).to_have_url(re.compile(r"/logga-in/tvastegsverifiering/?$"))
        wait_until_ready(page)
        secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
        page.get_by_label("Sexsiffrig kod från appen").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Bekräfta och aktivera").click()
        expect(page.get_by_role("list", name="Reservkoder").get_by_role("listitem")).to_have_count(
            10
        )
        assert_accessible(page)
        page.get_by_role("button", name="Jag har sparat koderna – fortsätt").click()
        expect(page).to_have_url(re.compile(r"/anvandare/?$"))
        wait_until_ready(page)
    finally:
        _require_for_admins_of(portal.database_url, "enhetsadmin", False)
        _forget_two_factor(portal.database_url, "enhetsadmin")

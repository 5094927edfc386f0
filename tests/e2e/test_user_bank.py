"""Användarbanken as a head administrator uses it (F0.3, F0.4)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, log_in, search_users, wait_until_ready

pytestmark = pytest.mark.e2e


def test_remove_find_by_personnummer_restore_elsewhere_and_log_in_again(new_page, portal):
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)

    search_users(page, "david")
    page.get_by_role("link", name="David Dahl").click()
    wait_until_ready(page)
    page.get_by_role("button", name="Ta bort", exact=True).click()
    page.get_by_role("alertdialog").get_by_role(
        "button", name="Ta bort och flytta till användarbanken"
    ).click()
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))

    # The username is reserved; the message leads a head admin straight to the person.
    page.goto("/anvandare/ny")
    wait_until_ready(page)
    page.get_by_label("Användarnamn").fill("David.Assistent")
    expect(page.get_by_text("ligger i användarbanken")).to_be_visible()
    page.get_by_role("link", name="Sök upp personen i användarbanken").click()
    expect(page.get_by_role("heading", name="Återställ David Dahl")).to_be_visible()
    wait_until_ready(page)
    assert_accessible(page)
    page.get_by_role("button", name="Avbryt").click()

    today = datetime.now(UTC).date().isoformat()
    page.get_by_label("Borttagen från och med").fill(today)
    page.get_by_label("Borttagen av").select_option(label="Helena Huvudsson")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.get_by_role("row").filter(has_text="david.assistent")).to_be_visible()
    page.get_by_label("Borttagen från och med").fill("")
    page.get_by_label("Borttagen av").select_option(label="Alla")
    page.get_by_label("Personnummer (exakt)").fill("19121212-1212")
    page.get_by_role("button", name="Sök", exact=True).click()
    row = page.get_by_role("row").filter(has_text="david.assistent")
    expect(row).to_contain_text("19121212-****")
    expect(row).to_contain_text("Helena Huvudsson")
    row.get_by_role("button", name="Återställ David Dahl").click()

    panel = page.locator("#restore-panel")
    expect(panel).to_contain_text("Kopplingar till brukare: 1")
    panel.get_by_label("Företag").select_option(label="Demo Omsorg Norr AB")
    panel.get_by_label("Enhet").select_option(label="Demo Omsorg Norr AB – Hemtjänst Centrum")
    panel.get_by_role("button", name="Återställ och skicka länk för att välja lösenord").click()
    expect(page.get_by_role("status").filter(has_text="David Dahl är återställd")).to_be_visible()

    mail = portal.fake_resend.wait_for_mail("david.assistent@demo-omsorg.example")
    link = re.search(
        r"http://localhost:\d+/satt-losenord\?token=[\w-]+", mail.get("body", mail)["text"]
    ).group(0)
    david = new_page()
    david.goto(link)
    wait_until_ready(david)
    password = "tillbaka i tjänst efter en lång paus"
    david.get_by_label("Nytt lösenord").fill(password)
    david.get_by_label("Upprepa lösenordet").fill(password)
    david.get_by_role("button", name="Spara lösenord").click()
    expect(david.get_by_role("status").filter(has_text="Ditt lösenord är sparat")).to_be_visible()
    log_in(david, "david.assistent", password)
    expect(david).to_have_url(re.compile(r"/mitt-konto/?$"))

    page.goto("/anvandare?q=david")
    wait_until_ready(page)
    expect(page.get_by_role("row").filter(has_text="david.assistent")).to_contain_text(
        "Hemtjänst Centrum"
    )


def test_an_admin_who_is_not_head_admin_never_reaches_the_user_bank(new_page):
    page = new_page()
    log_in(page, "enhetsadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    page.goto("/anvandarbanken?anvandare=1")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))

"""Företag on Lägg till användare (issue 14), as three kinds of admin meet it.

A company admin of one company finds it preselected and named in the intro; a head admin
with two companies is told that Företag is required; a unit admin picks a unit and the
company follows from it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from admin_portal.models import UserType
from tests.e2e.conftest import DEMO_PASSWORD, Portal, assert_accessible, log_in, wait_until_ready
from tests.e2e.forms_people import add_person, grant_admin

pytestmark = pytest.mark.e2e


def _add_form(new_page, username: str) -> Page:
    page = new_page()
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)
    page.get_by_role("link", name="Lägg till användare").click()
    expect(page.get_by_role("heading", name="Lägg till användare", level=1)).to_be_visible()
    wait_until_ready(page)
    return page


def test_a_company_admin_of_one_company_finds_it_preselected(new_page, portal: Portal):
    person = add_person(
        portal,
        "siv.sydstrom",
        first="Siv",
        last="Sydström",
        password=DEMO_PASSWORD,
        user_type=UserType.ADMINISTRATOR,
        unit_name="Personlig assistans Syd",
    )
    grant_admin(portal, person, company="Demo Omsorg Syd AB")
    page = _add_form(new_page, "siv.sydstrom")
    page_intro = page.locator("#user-new-intro")
    expect(page_intro).to_contain_text("Företaget är förvalt: Demo Omsorg Syd AB")
    expect(page.locator("#company_id option:checked")).to_have_text("Demo Omsorg Syd AB")
    assert_accessible(page)

    page.get_by_label("Förnamn").fill("Saga")
    page.get_by_label("Efternamn").fill("Strand")
    page.get_by_label("Användarnamn").fill("saga.strand")
    expect(page.get_by_text("Användarnamnet är ledigt.")).to_be_visible()
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page).to_have_url(re.compile(r"/anvandare/\d+/?$"))
    expect(page.get_by_role("heading", name="Saga Strand")).to_be_visible()
    wait_until_ready(page)
    expect(page.locator("#company_id option:checked")).to_have_text("Demo Omsorg Syd AB")

    # In English the intro names the preselected company too.
    page.goto("/anvandare/ny")
    wait_until_ready(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("#user-new-intro")).to_contain_text(
        "The company is preselected: Demo Omsorg Syd AB"
    )


def test_a_head_admin_is_told_that_foretag_is_required(new_page):
    page = _add_form(new_page, "huvudadmin")
    expect(page.locator("#user-new-intro")).to_have_text(
        re.compile(r"^Förnamn, Efternamn, Användarnamn och Företag är obligatoriska\.")
    )
    expect(page.locator("#company_id option:checked")).to_have_text("Välj …")
    page.get_by_label("Förnamn").fill("Hugo")
    page.get_by_label("Efternamn").fill("Hemlös")
    page.get_by_label("Användarnamn").fill("hugo.hemlos")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page.locator("#company_id-error")).to_have_text(
        "Välj vilket företag användaren tillhör."
    )
    expect(page.get_by_label("Företag")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("#user-new-intro")).to_have_text(
        re.compile(r"^First name, Last name, Username and Company are required\.")
    )


def test_a_unit_admin_chooses_a_unit_and_the_company_follows(new_page):
    page = _add_form(new_page, "enhetsadmin")
    expect(page.locator("#user-new-intro")).to_contain_text(
        "Förnamn, Efternamn, Användarnamn och Enhet är obligatoriska. Företaget följer av enheten."
    )
    expect(page.get_by_label("Företag")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Förnamn").fill("Ulla")
    page.get_by_label("Efternamn").fill("Underström")
    page.get_by_label("Användarnamn").fill("ulla.understrom")
    page.get_by_label("Enhet").select_option(label="Demo Omsorg Norr AB – Hemtjänst Centrum")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page).to_have_url(re.compile(r"/anvandare/\d+/?$"))
    expect(page.get_by_role("heading", name="Ulla Underström")).to_be_visible()

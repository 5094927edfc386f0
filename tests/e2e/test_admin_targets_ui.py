"""Finding A.1 in the browser: the page does not offer what the service would refuse.

The demo's unit admin (enhetsadmin, Hemtjänst Centrum) sees the area manager (omradeschef,
placed in Centrum, also administering Väster) but may not change her.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, log_in, search_users, wait_until_ready

pytestmark = pytest.mark.e2e


def _signed_in(new_page, username: str) -> Page:
    page = new_page()
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)
    return page


def _open_profile(page: Page, text: str, name: str) -> None:
    search_users(page, text)
    page.get_by_role("rowheader", name=name).get_by_role("link").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    wait_until_ready(page)


def test_a_unit_admin_sees_but_cannot_change_a_wider_admin(new_page):
    page = _signed_in(new_page, "enhetsadmin")
    search_users(page, "omradeschef")
    row = page.get_by_role("row").filter(has_text="omradeschef")
    expect(row.get_by_role("checkbox")).to_have_count(0)
    expect(
        row.get_by_role("img", name=re.compile("Olivia Områdesson kan inte markeras"))
    ).to_be_visible()
    page.get_by_role("rowheader", name="Olivia Områdesson").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Olivia Områdesson")).to_be_visible()
    wait_until_ready(page)
    expect(page.get_by_text("behörighet utanför ditt ansvarsområde").first).to_be_visible()
    expect(page.get_by_role("button", name="Spara ändringar")).to_have_count(0)
    expect(page.get_by_role("button", name="Ta bort", exact=True)).to_have_count(0)
    expect(page.get_by_label("Förnamn")).to_be_disabled()
    assert_accessible(page)


def test_no_welcome_link_is_offered_to_an_account_with_a_password(new_page):
    page = _signed_in(new_page, "huvudadmin")
    _open_profile(page, "omradeschef", "Olivia Områdesson")
    expect(page.get_by_text("Kontot har redan ett lösenord.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("inbjudan"))).to_have_count(0)
    # The head admin may change her: the form is offered.
    expect(page.get_by_role("button", name="Spara ändringar")).to_be_visible()

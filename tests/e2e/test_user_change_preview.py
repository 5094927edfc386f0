"""Type and placement changes on the profile (issue 14): the impact first, then Bekräfta.

Changing an administrator's type shows the admin grants that go; changing an assistant's
type shows the brukare links that go; a new unit shows from where to where. Avbryt saves
nothing; Bekräfta saves what was shown. In Swedish and in English.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from admin_portal.models import UserType
from tests.e2e.conftest import Portal, assert_accessible, log_in, wait_until_ready
from tests.e2e.forms_people import (
    add_person,
    grant_admin,
    grants_of,
    link,
    links_of,
    user_type_of,
)

pytestmark = pytest.mark.e2e


def _profile(new_page, user_id: int) -> Page:
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    page.goto(f"/anvandare/{user_id}")
    wait_until_ready(page)
    return page


def test_an_admins_type_change_shows_the_grants_lost_then_confirms(new_page, portal: Portal):
    greta = add_person(
        portal,
        "greta.grantsson",
        first="Greta",
        last="Grantsson",
        user_type=UserType.ADMINISTRATOR,
        unit_name="Hemtjänst Väster",
    )
    grant_admin(portal, greta, unit="Hemtjänst Väster")
    page = _profile(new_page, greta)
    expect(page.get_by_role("heading", name="Greta Grantsson")).to_be_visible()

    page.get_by_label("Användartyp").select_option(label="Medarbetare")
    page.get_by_role("button", name="Spara ändringar").click()
    dialog = page.get_by_role("alertdialog", name="Bekräfta ändringen för Greta Grantsson")
    expect(dialog).to_contain_text("Användartyp ändras från Administratör till Medarbetare.")
    expect(dialog).to_contain_text("Administratörsbehörigheter som tas bort:")
    expect(
        dialog.get_by_role("listitem").filter(has_text="Demo Omsorg Norr AB – Hemtjänst Väster")
    ).to_be_visible()
    assert_accessible(page)

    dialog.get_by_role("button", name="Avbryt").click()
    expect(dialog).to_have_count(0)
    assert user_type_of(portal, greta) == UserType.ADMINISTRATOR
    assert grants_of(portal, greta) == ["admin"]

    page.get_by_role("button", name="Spara ändringar").click()
    dialog.get_by_role("button", name="Bekräfta och spara").click()
    expect(page.get_by_role("status").filter(has_text="Ändringarna är sparade.")).to_be_visible()
    expect(dialog).to_have_count(0)
    assert user_type_of(portal, greta) == UserType.EMPLOYEE
    assert grants_of(portal, greta) == []
    expect(page.locator("#user_type option:checked")).to_have_text("Medarbetare")


def test_in_english_an_assistants_move_shows_links_lost_and_the_placement(new_page, portal: Portal):
    tage = add_person(
        portal, "tage.tjanst", first="Tage", last="Tjänst", user_type=UserType.ASSISTANT
    )
    britt = add_person(portal, "britt.back", first="Britt", last="Bäck", user_type=UserType.BRUKARE)
    link(portal, tage, britt)
    page = _profile(new_page, tage)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()

    page.get_by_label("User type").select_option(label="Employee")
    page.get_by_label("Unit").select_option(label="Demo Omsorg Norr AB – Hemtjänst Väster")
    page.get_by_role("button", name="Save changes").click()
    dialog = page.get_by_role("alertdialog", name="Confirm the change for Tage Tjänst")
    expect(dialog).to_contain_text("User type changes from Assistant to Employee.")
    expect(dialog).to_contain_text(
        "Placement changes from Demo Omsorg Norr AB – Hemtjänst Centrum"
        " to Demo Omsorg Norr AB – Hemtjänst Väster."
    )
    expect(dialog).to_contain_text("Links between care recipient and assistant that are removed:")
    expect(dialog.get_by_role("listitem").filter(has_text="Britt Bäck")).to_be_visible()
    assert_accessible(page)

    dialog.get_by_role("button", name="Confirm and save").click()
    expect(page.get_by_role("status").filter(has_text="The changes are saved.")).to_be_visible()
    assert user_type_of(portal, tage) == UserType.EMPLOYEE
    assert links_of(portal, tage) == 0


def test_a_change_of_name_only_saves_at_once(new_page, portal: Portal):
    rut = add_person(portal, "rut.rak", first="Rut", last="Rak")
    page = _profile(new_page, rut)
    page.get_by_label("Efternamn").fill("Raksson")
    page.get_by_role("button", name="Spara ändringar").click()
    expect(page.get_by_role("status").filter(has_text="Ändringarna är sparade.")).to_be_visible()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(page.get_by_role("heading", name="Rut Raksson")).to_be_visible()

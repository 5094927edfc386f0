"""Användare as an administrator uses it (seed 000, F0.1–F0.9)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, log_in, search_users, wait_until_ready

pytestmark = pytest.mark.e2e


def _signed_in(new_page, username: str = "huvudadmin") -> Page:
    page = new_page()
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)
    return page


def _open_add_form(page: Page) -> None:
    page.get_by_role("link", name="Lägg till användare").click()
    expect(page.get_by_role("heading", name="Lägg till användare", level=1)).to_be_visible()
    wait_until_ready(page)


def _fill_basics(
    page: Page, first: str, last: str, username: str, user_type: str, unit: str
) -> None:
    page.get_by_label("Förnamn").fill(first)
    page.get_by_label("Efternamn").fill(last)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Användartyp").select_option(label=user_type)
    page.get_by_label("Enhet").select_option(label=unit)


def test_users_list_searches_filters_and_keeps_the_view_in_the_url(new_page):
    page = _signed_in(new_page)
    expect(page.get_by_role("cell", name="eva.medarbetare", exact=True)).to_be_visible()
    assert_accessible(page)
    search_users(page, "cecilia")
    expect(page.get_by_role("rowheader", name="Cecilia Carlsson")).to_be_visible()
    expect(page.get_by_role("cell", name="eva.medarbetare", exact=True)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=cecilia"))
    page.reload()
    wait_until_ready(page)
    expect(page.get_by_label("Sök")).to_have_value("cecilia")
    expect(page.get_by_role("rowheader", name="Cecilia Carlsson")).to_be_visible()
    page.get_by_role("button", name="Rensa filter").click()
    page.get_by_label("Användartyp").select_option(label="Brukare")
    expect(page.get_by_role("rowheader", name="Anna Andersson")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Cecilia Carlsson")).to_have_count(0)
    search_users(page, "ingen-sådan-person")
    expect(page.get_by_text("Inga användare matchar sökningen och filtren.")).to_be_visible()


def test_add_a_brukare_then_an_assistant_linked_to_them(new_page):
    page = _signed_in(new_page)
    _open_add_form(page)
    assert_accessible(page)
    _fill_basics(
        page,
        "Beata",
        "Brukarsson",
        "beata.brukare",
        "Brukare",
        "Demo Omsorg Norr AB – Hemtjänst Centrum",
    )
    expect(page.get_by_text("Användarnamnet är ledigt.")).to_be_visible()
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page).to_have_url(re.compile(r"/anvandare/\d+/?$"))
    expect(page.get_by_role("heading", name="Beata Brukarsson")).to_be_visible()

    page.goto("/anvandare/ny")
    wait_until_ready(page)
    _fill_basics(
        page,
        "Adam",
        "Assistentsson",
        "adam.assistent",
        "Assistent",
        "Demo Omsorg Norr AB – Hemtjänst Centrum",
    )
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page.get_by_text("En assistent måste kopplas till minst en brukare.")).to_be_visible()
    expect(page.get_by_label("Förnamn")).to_have_value("Adam")  # nothing typed is lost
    page.get_by_label("Sök brukare").fill("Beata")
    page.get_by_role("button", name="Koppla Beata Brukarsson (beata.brukare)").click()
    expect(
        page.get_by_role("button", name="Ta bort koppling Beata Brukarsson (beata.brukare)")
    ).to_be_visible()
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page.get_by_role("heading", name="Adam Assistentsson")).to_be_visible()
    expect(page.get_by_text("Beata Brukarsson (beata.brukare)")).to_be_visible()

    page.goto("/anvandare")
    wait_until_ready(page)
    search_users(page, "beata")
    page.get_by_role("link", name="Beata Brukarsson").click()
    expect(page.get_by_text("Assistenter kopplade till brukaren")).to_be_visible()
    expect(page.get_by_role("link", name="Adam Assistentsson (adam.assistent)")).to_be_visible()


def test_bad_input_is_answered_at_each_field_and_nothing_is_lost(new_page):
    page = _signed_in(new_page)
    _open_add_form(page)
    page.get_by_label("Förnamn").fill("   ")
    page.get_by_label("Efternamn").fill("X" * 300)
    page.get_by_label("Användarnamn").fill("har mellanslag")
    # The live check's verdict first, as the tests above wait for it: a verdict answered after
    # the save clears the save's message at the field (check_username in state/users/form.py;
    # a race seen under load in the cluster run, left open in the product).
    expect(page.locator("#username-verdict")).not_to_be_empty()
    page.get_by_role("button", name="Visa frivilliga fält").click()
    page.get_by_label("E-post").fill("foo@")
    page.get_by_label("Mobilnummer").fill("12345")
    page.get_by_label("Personnummer eller samordningsnummer").fill("19850231-1234")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(
        page.get_by_role("alert").filter(has_text="Kontrollera de markerade fälten")
    ).to_be_visible()
    for field in ["first_name", "last_name", "username", "email", "mobile", "national_id"]:
        expect(page.locator(f"#{field}-error")).not_to_be_empty()
    expect(page.get_by_label("E-post")).to_have_value("foo@")
    expect(page.get_by_label("Personnummer eller samordningsnummer")).to_have_value("19850231-1234")
    assert_accessible(page)


def test_the_three_username_taken_reasons(new_page):
    page = _signed_in(new_page)
    _open_add_form(page)
    username = page.get_by_label("Användarnamn")
    username.fill("EVA.Medarbetare")
    expect(page.get_by_text("personen finns redan registrerad hos er")).to_be_visible()
    username.fill("anders.extern")
    verdict = page.get_by_role("status").filter(has_text="hos ett annat företag i systemet")
    expect(verdict).to_be_visible()
    expect(verdict).not_to_contain_text("Exempelkunden")

    # Remove a user, then their username points a head admin to the user bank.
    page.goto("/anvandare")
    wait_until_ready(page)
    search_users(page, "filip")
    page.get_by_role("link", name="Filip Fors").click()
    wait_until_ready(page)
    page.get_by_role("button", name="Ta bort", exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Filip Fors flyttas till användarbanken")
    dialog.get_by_label("Anledning (frivillig)").fill("Slutat")
    dialog.get_by_role("button", name="Ta bort och flytta till användarbanken").click()
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)
    search_users(page, "filip")
    expect(page.get_by_text("Inga användare matchar sökningen och filtren.")).to_be_visible()

    _open_add_form(page)
    page.get_by_label("Användarnamn").fill("filip.medarbetare")
    expect(page.get_by_text("ligger i användarbanken")).to_be_visible()
    expect(page.get_by_role("link", name="Sök upp personen i användarbanken")).to_be_visible()

    unit_admin = _signed_in(new_page, "enhetsadmin")
    _open_add_form(unit_admin)
    unit_admin.get_by_label("Användarnamn").fill("filip.medarbetare")
    expect(unit_admin.get_by_text("Be en huvudadministratör söka upp personen")).to_be_visible()
    expect(unit_admin.get_by_role("link", name="Sök upp personen i användarbanken")).to_have_count(
        0
    )


def test_add_and_invite_then_the_mail_link_sets_a_password(new_page, portal):
    page = _signed_in(new_page)
    _open_add_form(page)
    _fill_basics(
        page,
        "Ines",
        "Inbjuden",
        "ines.inbjuden",
        "Medarbetare",
        "Demo Omsorg Norr AB – Hemtjänst Väster",
    )
    page.get_by_role("button", name="Visa frivilliga fält").click()
    page.get_by_label("E-post").fill("Ines.Inbjuden@Example.ORG")
    page.get_by_role("button", name="Lägg till och skicka e-postinbjudan").click()
    expect(page.get_by_role("heading", name="Ines Inbjuden")).to_be_visible()

    mail = portal.fake_resend.wait_for_mail("Ines.Inbjuden@example.org")
    body = mail.get("body", mail)
    assert body["subject"] == "Välkommen – välj ditt lösenord"
    assert "ines.inbjuden" in body["text"]
    link = re.search(r"http://localhost:\d+/satt-losenord\?token=[\w-]+", body["text"]).group(0)

    invitee = new_page()
    invitee.goto(link)
    wait_until_ready(invitee)
    password = "vårens första blåsippor i skogen"
    invitee.get_by_label("Nytt lösenord").fill(password)
    invitee.get_by_label("Upprepa lösenordet").fill(password)
    invitee.get_by_role("button", name="Spara lösenord").click()
    expect(invitee.get_by_role("status").filter(has_text="Ditt lösenord är sparat")).to_be_visible()
    log_in(invitee, "ines.inbjuden", password)
    expect(invitee).to_have_url(re.compile(r"/mitt-konto/?$"))

    wait_until_ready(page)
    page.reload()
    wait_until_ready(page)
    expect(page.get_by_role("cell", name="Välkommen – välj ditt lösenord")).to_be_visible()


def test_edit_a_profile_and_reveal_a_masked_personnummer(new_page):
    page = _signed_in(new_page)
    search_users(page, "anna")
    page.get_by_role("link", name="Anna Andersson").click()
    wait_until_ready(page)
    expect(page.locator("#national-id-value")).to_have_text("19850101-****")
    assert_accessible(page)
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.locator("#national-id-value")).to_have_text("19850101-1236")
    expect(page.get_by_text("Cecilia Carlsson (cecilia.assistent)")).to_be_visible()

    page.get_by_label("Efternamn").fill("Andersson-Ek")
    page.get_by_label("Mobilnummer").fill("070-123 45 67")
    page.get_by_role("button", name="Spara ändringar").click()
    expect(page.get_by_role("status").filter(has_text="Ändringarna är sparade.")).to_be_visible()
    expect(page.get_by_role("heading", name="Anna Andersson-Ek")).to_be_visible()
    expect(page.get_by_label("Mobilnummer")).to_have_value("+46701234567")
    expect(page.locator("#national-id-value")).to_have_text("19850101-****")  # kept, still masked

    page.get_by_label("Mobilnummer").fill("12345")
    page.get_by_role("button", name="Spara ändringar").click()
    expect(page.locator("#mobile-error")).not_to_be_empty()
    expect(page.get_by_label("Efternamn")).to_have_value("Andersson-Ek")


def test_a_unit_admin_cannot_reveal_personnummer_nor_open_users_outside_their_unit(new_page):
    page = _signed_in(new_page, "enhetsadmin")
    search_users(page, "anna")
    page.get_by_role("link", name=re.compile("Anna Andersson")).click()
    wait_until_ready(page)
    expect(page.locator("#national-id-value")).to_have_text("19850101-****")
    expect(page.get_by_role("button", name="Visa", exact=True)).to_have_count(0)
    page.goto("/anvandare")
    wait_until_ready(page)
    search_users(page, "bengt")  # Bengt is in another company
    expect(page.get_by_text("Inga användare matchar sökningen och filtren.")).to_be_visible()
    page.goto("/anvandare/999999")
    wait_until_ready(page)
    expect(page.get_by_role("alert").filter(has_text="Hittades inte.")).to_be_visible()


def test_bulk_removal_names_everyone_affected_before_it_happens(new_page):
    page = _signed_in(new_page)
    page.get_by_role("checkbox", name="Markera Gunilla Gran").click()
    page.get_by_role("checkbox", name="Markera Bengt Berg").click()
    page.get_by_role("button", name="Ta bort markerade (2)").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog.locator("#bulk-remove-names li")).to_have_count(2)
    expect(dialog).to_contain_text("Gunilla Gran (gunilla.agent)")
    expect(dialog).to_contain_text("Bengt Berg (bengt.brukare)")
    dialog.get_by_role("button", name="Ta bort och flytta till användarbanken").click()
    expect(page.get_by_text("2 användare är borttagna")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Gunilla Gran")).to_have_count(0)


def test_sorting_and_its_direction_are_kept_in_the_url(new_page):
    page = _signed_in(new_page)
    page.get_by_label("Sortering").select_option(label="Användarnamn")
    page.get_by_label("Ordning").select_option(label="Fallande (Ö–A, nyast först)")
    expect(page).to_have_url(
        re.compile(r"sortering=username.*ordning=desc|ordning=desc.*sortering=username")
    )
    first = page.get_by_role("rowheader").first
    expect(first).not_to_have_text("Adam Assistentsson")
    usernames = page.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert usernames == sorted(usernames, reverse=True) and len(usernames) > 3
    page.reload()
    wait_until_ready(page)
    expect(page.get_by_label("Ordning")).to_have_value("desc")

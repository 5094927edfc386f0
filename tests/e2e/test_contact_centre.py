"""Kontaktcenter in the browser (issue 16): Lägg till agent without a password and with the
used IDs, group and personal profiles, the queue guard and Flytta with its preview; axe on
every new page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.e2e.accounts import portal_db
from tests.e2e.conftest import assert_accessible, log_in, wait_until_ready


def _open_agent(page: Page, numeric_id: str, name: str) -> None:
    page.goto("/kontaktcenter")
    wait_until_ready(page)
    page.get_by_label("Sök på namn, användarnamn eller numeriskt ID").fill(numeric_id)
    page.get_by_role("button", name="Sök", exact=True).click()
    page.get_by_role("link", name=name).click()
    expect(page).to_have_url(re.compile(r"/kontaktcenter/agent/\d+/?$"))
    wait_until_ready(page)
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def test_add_agent_without_password_and_see_used_ids(new_page):  # type: ignore[no-untyped-def]
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    page.get_by_role("link", name="Kontaktcenter").click()
    expect(page).to_have_url(re.compile(r"/kontaktcenter/?$"))
    wait_until_ready(page)
    expect(page.get_by_role("link", name="Agnes Agent")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Lägg till agent").click()
    expect(page).to_have_url(re.compile(r"/kontaktcenter/ny/?$"))
    wait_until_ready(page)
    expect(page.get_by_label("Lösenord")).to_have_count(0)
    page.get_by_role("button", name="Se använda ID").click()
    expect(page.get_by_text("Använda ID: 101–102")).to_be_visible()
    page.get_by_role("button", name="Använd 103").click()
    expect(page.get_by_label("Numeriskt ID")).to_have_value("103")
    page.get_by_label("Förnamn*").fill("Nils")
    page.get_by_label("Efternamn*").fill("Nyström")
    page.get_by_label("Användarnamn*").fill("nils.agent")
    page.get_by_label("Användargrupp*").select_option(label="Kundtjänst Göteborg")
    page.get_by_text("Gruppprofiler", exact=True).click()
    # Controlled ticks: the state answers the click, so click and wait for the tick.
    page.get_by_label("Faktura", exact=True).click()
    expect(page.get_by_label("Faktura", exact=True)).to_be_checked()
    page.get_by_role("button", name="Lägg till ett externt användar-ID").click()
    page.get_by_label("System").first.fill("crm")
    page.get_by_label("Externt ID").first.fill("N-1")
    assert_accessible(page)
    page.get_by_role("button", name="Spara agent").click()
    expect(page.get_by_text("Ange e-post eller mobilnummer").first).to_be_visible()
    page.get_by_label("Mobilnummer").fill("0046701234567")
    page.get_by_role("button", name="Spara agent").click()
    expect(page).to_have_url(re.compile(r"/kontaktcenter/agent/\d+/?$"))
    wait_until_ready(page)
    expect(page.get_by_role("heading", name="Nils Nyström")).to_be_visible()
    expect(page.get_by_text("crm: N-1")).to_be_visible()
    # A clash shows while typing.
    page.goto("/kontaktcenter/ny")
    wait_until_ready(page)
    page.get_by_label("Numeriskt ID").fill("103")
    expect(page.get_by_text("Det numeriska ID:t används redan i organisationen.")).to_be_visible()


def test_group_profiles_and_a_personal_profile(new_page):  # type: ignore[no-untyped-def]
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    _open_agent(page, "102", "Axel Agent")
    expect(page.get_by_text("Timeout telefon (s): 30 (ärvt från användargruppen)")).to_be_visible()
    # An own value: kept across a move, marked as own.
    page.get_by_role("spinbutton", name="Eget värde för Efterbearbetningstid (s)").fill("20")
    page.get_by_role("button", name="Spara eget värde för Efterbearbetningstid (s)").click()
    expect(page.get_by_text("Efterbearbetningstid (s): 20 (eget värde)")).to_be_visible()
    page.get_by_text("Gruppprofiler", exact=True).click()
    page.get_by_label("Teknik", exact=True).click()
    expect(page.get_by_label("Teknik", exact=True)).not_to_be_checked()
    page.get_by_role("button", name="Spara gruppprofiler").click()
    expect(page.get_by_text("Gruppprofilerna är sparade.")).to_be_visible()
    expect(page.get_by_label("Teknik", exact=True)).not_to_be_checked()
    expect(page.get_by_label("Faktura", exact=True)).to_be_checked()

    page.get_by_role("button", name="Ny personlig profil").click()
    page.get_by_label("Profilens namn").fill("Kvällspass")
    page.get_by_label("Engelska", exact=True).click()
    expect(page.get_by_label("Engelska", exact=True)).to_be_checked()
    page.get_by_label("Nivå för Engelska").select_option("8")
    expect(page.get_by_text("Du har ändringar som inte är sparade.")).to_be_visible()
    assert_accessible(page)
    # Leaving with unsaved changes asks first; staying keeps the edit.
    asked: list[str] = []

    def stay(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="Tillbaka till agenterna").click()
    expect(page.get_by_label("Profilens namn")).to_have_value("Kvällspass")
    assert asked and "inte är sparade" in asked[0]
    page.get_by_role("button", name="Spara profil").click()
    expect(page.get_by_text("Profilen är sparad.")).to_be_visible()
    expect(page.get_by_text("Engelska (nivå 8)")).to_be_visible()
    page.reload()
    wait_until_ready(page)
    expect(page.get_by_text("Kvällspass")).to_be_visible()


def test_queue_guard_and_move_with_preview(new_page):  # type: ignore[no-untyped-def]
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    _open_agent(page, "101", "Agnes Agent")
    expect(page.get_by_text("Timeout telefon (s): 60 (eget värde)")).to_be_visible()
    page.get_by_label("Ny användargrupp").select_option(label="Växel Stockholm")
    page.get_by_role("button", name="Flytta", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="inloggad i kö")).to_be_visible()
    expect(page.get_by_role("button", name="Flytta agenten")).to_have_count(0)
    page.get_by_role("button", name="Ta bort agent").click()
    expect(page.get_by_role("alert").filter(has_text="inloggad i kö").first).to_be_visible()

    _open_agent(page, "102", "Axel Agent")
    page.get_by_label("Ny användargrupp").select_option(label="Växel Stockholm")
    page.get_by_role("button", name="Flytta", exact=True).click()
    preview = page.locator("#cc-move-preview")
    expect(preview.get_by_text("Från Kundtjänst Göteborg till Växel Stockholm")).to_be_visible()
    expect(preview.get_by_text("Profiler som försvinner")).to_be_visible()
    expect(preview.get_by_text("Timeout telefon (s): 30 → 45")).to_be_visible()
    expect(preview.get_by_text("Efterbearbetningstid (s): 20")).to_be_visible()
    expect(preview.get_by_text("Kom ihåg att berätta för agenten")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Flytta agenten").click()
    expect(page.get_by_text("Agenten är flyttad till Växel Stockholm.")).to_be_visible()
    expect(page.get_by_text("Timeout telefon (s): 45 (ärvt från användargruppen)")).to_be_visible()


def _latest_sms(portal, number: str) -> str:  # type: ignore[no-untyped-def]
    """Without SMS settings the SMS stays in the local outbox: read it from the database.

    Through the portal's database URL, so the same on SQLite and on the cluster's PostgreSQL.
    """
    with portal_db(portal) as db:
        row = db.execute(
            text("SELECT body FROM sms_outbox WHERE to_number = :n ORDER BY id DESC LIMIT 1"),
            {"n": number},
        ).first()
    assert row is not None
    found = re.search(r"\b(\d{8})\b", row[0])
    assert found, row[0]
    return found.group(1)


def test_one_time_password_by_sms_then_sign_in(new_page, portal):  # type: ignore[no-untyped-def]
    page = new_page()
    page.goto("/logga-in")
    wait_until_ready(page)
    page.get_by_role("link", name="Behöver nytt lösenord?").click()
    expect(page).to_have_url(re.compile(r"/engangslosenord/?$"))
    wait_until_ready(page)
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill("agent2")
    page.get_by_label("Sms").check()
    page.get_by_role("button", name="Skicka engångslösenord").click()
    expect(page.get_by_role("status").filter(has_text="engångslösenord")).to_be_visible()
    assert_accessible(page)
    code = _latest_sms(portal, "+46701740102")
    page.get_by_label("Engångslösenord", exact=True).fill(code)
    page.get_by_role("button", name="Fortsätt").click()
    expect(page).to_have_url(re.compile(r"/satt-losenord\?token="))
    wait_until_ready(page)
    new_password = "kundtjänst i göteborg med kaffe"
    page.get_by_label("Nytt lösenord").fill(new_password)
    page.get_by_label("Upprepa lösenordet").fill(new_password)
    page.get_by_role("button", name="Spara lösenord").click()
    expect(page.get_by_role("status").filter(has_text="Ditt lösenord är sparat")).to_be_visible()
    login = new_page()
    log_in(login, "agent2", new_password)
    expect(login).to_have_url(re.compile(r"/mitt-konto/?$"))
    # Single use: the same code again is refused.
    again = new_page()
    again.goto("/engangslosenord")
    wait_until_ready(again)
    again.get_by_label("Användarnamn").fill("agent2")
    again.get_by_role("button", name="Skicka engångslösenord").click()
    expect(again.get_by_role("status").filter(has_text="engångslösenord")).to_be_visible()
    again.get_by_label("Engångslösenord", exact=True).fill(code)
    again.get_by_role("button", name="Fortsätt").click()
    expect(
        again.get_by_role("alert").filter(has_text="Engångslösenordet stämmer inte")
    ).to_be_visible()


def test_dev_sms_shows_the_local_outbox(new_page):  # type: ignore[no-untyped-def]
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    page.goto("/dev/sms")
    wait_until_ready(page)
    expect(page.get_by_role("heading", name="Lokala sms")).to_be_visible()
    expect(page.get_by_role("cell", name="+46701740102").first).to_be_visible()
    assert_accessible(page)


def _person_without_contact(portal) -> None:  # type: ignore[no-untyped-def]
    """F3.4 needs someone with neither e-mail nor mobile: a copy of agent2 without both."""
    with portal_db(portal) as db:
        db.execute(
            text(
                "INSERT INTO users (organisation_id, company_id, first_name, last_name, username,"
                " username_key, language, user_type, status, password_hash, created_at, updated_at)"
                " SELECT organisation_id, company_id, 'Utan', 'Kontakt', 'utan.kontakt',"
                " 'utan.kontakt', 'sv', 'agent', 'active', password_hash, created_at, updated_at"
                " FROM users WHERE username = 'agent1'"
            )
        )


def test_agent_without_contact_adds_a_mobile_on_my_account(new_page, portal):  # type: ignore[no-untyped-def]
    _person_without_contact(portal)
    page = new_page()
    log_in(page, "utan.kontakt")
    expect(page).to_have_url(re.compile(r"/mitt-konto/?$"))
    wait_until_ready(page)
    expect(
        page.get_by_role("heading", name="E-post eller mobilnummer för engångslösenord")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("E-postadress eller mobilnummer (00 och landskod)").fill("0046701740199")
    page.get_by_role("button", name="Skicka kod").click()
    expect(page.get_by_text("Vi har skickat en kod till +46701740199")).to_be_visible()
    with portal_db(portal) as db:
        body = (
            db.execute(
                text(
                    "SELECT body FROM sms_outbox WHERE to_number = '+46701740199' ORDER BY id DESC"
                )
            )
            .scalars()
            .first()
        )
    code = re.search(r"\b(\d{6})\b", body).group(1)  # type: ignore[union-attr]
    page.get_by_label("Kod", exact=True).fill(code)
    page.get_by_role("button", name="Bekräfta").click()
    expect(page.get_by_text("Klart. Nu kan du få engångslösenord dit.")).to_be_visible()

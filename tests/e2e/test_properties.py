"""Boenden (seed 002) in the browser, in Swedish: primarkonto and ordinarie of the demo data.

Paths of issue 13: the "primärt konto" label, Lägg till nytt boende, another agreement's
property and the guided way, Nuvarande användare with rights, Ny användare with an
invitation accepted (a clash with the primary username explained), the missing "Ta bort",
and ordinarie without "Lägg till nytt boende". axe runs on every new page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, Portal, assert_accessible, log_in, wait_until_ready

pytestmark = pytest.mark.e2e

LINK = re.compile(r"http://localhost:\d+/boenden/inbjudan\?token=[A-Za-z0-9_\-]+")
NEW_PASSWORD = "en lång och hemlig fras för stugan"


def _to_boenden(page: Page, username: str) -> None:
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/mitt-konto/?$"))
    wait_until_ready(page)
    page.get_by_role("link", name="Boenden").click()
    expect(page.get_by_role("heading", name="Hem (gruppkonto)", level=1)).to_be_visible()
    wait_until_ready(page)


def _open_account_menu(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Användarkonto")).click()
    expect(page.get_by_role("menuitem", name="Lägg till och hantera användare")).to_be_visible()


def _toasts_gone(page: Page) -> None:
    # A toast fading out has half its contrast: let it go before an axe check.
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15_000)


def _rows(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#property-rows").get_by_role("row")


def test_primary_account_sees_its_label_and_adds_a_property(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page()
    _to_boenden(page, "primarkonto")
    expect(page.get_by_text("Partneravtal: AVT-1001")).to_be_visible()
    expect(_rows(page)).to_have_count(2)
    assert_accessible(page)
    nav = page.get_by_role("navigation", name="Huvudmeny")
    expect(nav.get_by_role("link", name="Boenden")).to_be_visible()
    _open_account_menu(page)
    expect(page.get_by_role("menu").get_by_text("primärt konto", exact=True)).to_be_visible()
    expect(page.get_by_role("menuitem", name="Begär primärt konto")).to_have_count(0)
    page.keyboard.press("Escape")

    page.get_by_role("link", name="Lägg till nytt boende").click()
    expect(page.get_by_role("heading", name="Lägg till nytt boende", level=1)).to_be_visible()
    wait_until_ready(page)
    assert_accessible(page)
    page.get_by_label("Boendets namn").fill("Pensionat Grebbestad")
    page.get_by_label("Adress").fill("Strandvägen 3, 457 72 Grebbestad")
    page.get_by_label("Typ av boende").select_option("hotel")
    page.get_by_role("button", name="Registrera boende").click()
    expect(
        page.get_by_role("status").get_by_text("Pensionat Grebbestad är registrerat")
    ).to_be_visible()
    # The same name again is a duplicate within the agreement.
    page.get_by_role("button", name="Registrera boende").click()
    expect(page.get_by_text("Det finns redan ett boende med det namnet i avtalet.")).to_be_visible()

    page.get_by_role("link", name="Hem (gruppkonto)").click()
    expect(page.get_by_role("heading", name="Hem (gruppkonto)", level=1)).to_be_visible()
    wait_until_ready(page)
    expect(page.get_by_role("rowheader", name="Pensionat Grebbestad")).to_be_visible()
    page.get_by_label("Sök boende (namn eller adress)").fill("strömstad")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(_rows(page)).to_have_count(1)
    _toasts_gone(page)


def test_another_agreements_property_shows_the_guided_way(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page()
    _to_boenden(page, "primarkonto")
    page.get_by_role("link", name="Lägg till nytt boende").click()
    wait_until_ready(page)
    page.get_by_label("Boendets namn").fill("Stuga Tärnaby")
    page.get_by_label("Adress").fill("Fjällvägen 2, 924 94 Tärnaby")
    page.get_by_label("Typ av boende").select_option("cabin")
    page.get_by_label("Avtals-id").fill("AVT-2002")
    page.get_by_role("button", name="Registrera boende").click()
    expect(page.get_by_role("alert").get_by_text("hör till ett annat partneravtal")).to_be_visible()
    expect(page.get_by_text("Så lägger du till ett boende i ett annat avtal")).to_be_visible()
    assert_accessible(page)
    page.locator("#guided-way").click()
    expect(page.get_by_role("heading", name="Lägg till en användare", level=1)).to_be_visible()
    wait_until_ready(page)
    expect(
        page.get_by_role("button", name="Nästa steg: ställ in åtkomsträttigheter")
    ).to_be_visible()
    assert_accessible(page)


def test_primary_account_adds_an_existing_user_with_rights(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page()
    _to_boenden(page, "primarkonto")
    _open_account_menu(page)
    page.get_by_role("menuitem", name="Lägg till och hantera användare").click()
    expect(
        page.get_by_role("heading", name="Lägg till och hantera användare", level=1)
    ).to_be_visible()
    wait_until_ready(page)
    assert_accessible(page)
    page.get_by_role("link", name="Lägg till en användare").click()
    wait_until_ready(page)
    page.get_by_role("button", name="Nuvarande användare").click()
    page.get_by_label("Användarnamn").fill("receptionist")
    page.get_by_label("Mejladress").fill("fel@demo-partner.example")
    page.get_by_role("button", name="Se åtkomsträttigheter").click()
    generic = "Användarnamnet och mejladressen stämmer inte med något vanligt konto"
    expect(page.get_by_role("alert").get_by_text(generic)).to_be_visible()
    page.get_by_label("Mejladress").fill("receptionist@demo-partner.example")
    page.get_by_role("button", name="Se åtkomsträttigheter").click()
    expect(page.get_by_text("Konto: Rut Reception (receptionist)")).to_be_visible()
    assert_accessible(page)
    hotel = page.get_by_role("group", name="Hotell Fjällbacka")
    hotel.get_by_label("Bokningar").check()
    hotel.get_by_label("Meddelanden").check()
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(
        page.get_by_role("status").get_by_text("Åtkomsten är sparad på 1 boenden.")
    ).to_be_visible()

    page.get_by_role("link", name="Lägg till och hantera användare").click()
    wait_until_ready(page)
    page.get_by_label("Boende").select_option(label="Hotell Fjällbacka")
    rights = page.get_by_role("group", name="Åtkomsträttigheter: Rut Reception")
    expect(rights.get_by_label("Bokningar")).to_be_checked()
    expect(rights.get_by_label("Ekonomi")).not_to_be_checked()
    _toasts_gone(page)


def test_invited_user_accepts_and_a_primary_username_clash_is_explained(
    new_page, portal: Portal
) -> None:  # type: ignore[no-untyped-def]
    page = new_page()
    _to_boenden(page, "primarkonto")
    page.goto("/boenden/anvandare/lagg-till")
    wait_until_ready(page)
    page.get_by_role("button", name="Ny användare").click()
    page.get_by_label("Förnamn").fill("Petra")
    page.get_by_label("Efternamn").fill("Primär")
    page.get_by_label("Mejladress").fill("primarkonto@demo-partner.example")
    expect(page.get_by_text("Det måste skilja sig från användarnamnet")).to_be_visible()
    page.get_by_role("button", name="Nästa steg: ställ in åtkomsträttigheter").click()
    page.get_by_role("group", name="Stuga Hemavan").wait_for(state="detached")
    hostel = page.get_by_role("group", name="Vandrarhem Strömstad")
    hostel.get_by_label("Bokningar").check()
    assert_accessible(page)
    page.get_by_role("button", name="Skicka inbjudan").click()
    expect(page.get_by_role("status").get_by_text("Inbjudan är skickad")).to_be_visible()
    _toasts_gone(page)

    mail = portal.fake_resend.wait_for_mail("primarkonto@demo-partner.example")
    link = LINK.search(mail.get("body", mail)["text"])
    assert link is not None
    guest = new_page()
    guest.goto(link.group(0))
    wait_until_ready(guest)
    expect(guest.get_by_role("heading", name="Skapa ditt konto")).to_be_visible()
    assert_accessible(guest)
    guest.get_by_label("Välj användarnamn").fill("primarkonto")
    guest.get_by_label("Lösenord", exact=True).fill(NEW_PASSWORD)
    guest.get_by_label("Upprepa lösenordet").fill(NEW_PASSWORD)
    guest.get_by_role("button", name="Skapa konto").click()
    expect(guest.get_by_text("Det här är användarnamnet för ditt primära konto.")).to_be_visible()
    guest.get_by_label("Välj användarnamn").fill("petra.stromstad")
    guest.get_by_label("Lösenord", exact=True).fill(NEW_PASSWORD)
    guest.get_by_label("Upprepa lösenordet").fill(NEW_PASSWORD)
    guest.get_by_role("button", name="Skapa konto").click()
    expect(guest).to_have_url(re.compile(r"/boenden/?$"))
    wait_until_ready(guest)
    expect(guest.get_by_role("rowheader", name="Vandrarhem Strömstad")).to_be_visible()
    expect(guest.get_by_role("link", name="Lägg till nytt boende")).to_have_count(0)


def test_looking_for_ta_bort_tells_why_not(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page()
    _to_boenden(page, "primarkonto")
    page.get_by_text("Ta bort Hotell Fjällbacka?").click()
    expect(
        page.get_by_text("Boenden kan inte tas bort från ett primärt konto.").first
    ).to_be_visible()
    assert_accessible(page)
    # Begär ägarbyte and Säg upp avtal are tracked requests with a status the requester sees.
    _open_account_menu(page)
    page.get_by_role("menuitem", name="Mina begäranden").click()
    expect(page.get_by_role("heading", name="Mina begäranden", level=1)).to_be_visible()
    wait_until_ready(page)
    assert_accessible(page)
    page.get_by_label("Meddelande till kundtjänst (frivilligt)").last.fill("Vi säljer verksamheten")
    page.get_by_role("button", name="Säg upp avtal").click()
    expect(page.locator("#my-requests").get_by_text("Mottagen")).to_be_visible()

    desk = new_page()
    log_in(desk, "kundtjanst")
    expect(desk).to_have_url(re.compile(r"/kundtjanst/?$"))
    wait_until_ready(desk)
    expect(desk.get_by_role("heading", name="Begäranden om boenden")).to_be_visible()
    assert_accessible(desk)
    row = desk.locator("#property-requests").get_by_role("row").filter(has_text="Petra Primär")
    row.get_by_role("button", name="Avslå").click()
    expect(desk.locator("#property-requests")).to_have_count(0)
    _toasts_gone(desk)

    page.reload()
    wait_until_ready(page)
    expect(page.locator("#my-requests").get_by_text("Avslagen")).to_be_visible()
    _toasts_gone(page)


def test_ordinary_account_finds_no_add_button(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page()
    _to_boenden(page, "ordinarie")
    expect(page.get_by_role("rowheader", name="Vandrarhem Strömstad")).to_be_visible()
    expect(_rows(page)).to_have_count(1)
    expect(page.get_by_role("link", name="Lägg till nytt boende")).to_have_count(0)
    expect(page.get_by_text("Ta bort Vandrarhem Strömstad?")).to_have_count(0)
    _open_account_menu(page)
    expect(page.get_by_role("menuitem", name="Begär primärt konto")).to_be_visible()
    expect(page.get_by_role("menu").get_by_text("primärt konto", exact=True)).to_have_count(0)
    page.keyboard.press("Escape")
    page.goto("/boenden/nytt")
    wait_until_ready(page)
    expect(
        page.get_by_role("alert").get_by_text("Bara primära konton kan registrera boenden")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Registrera boende")).to_have_count(0)
    assert_accessible(page)
    assert DEMO_PASSWORD

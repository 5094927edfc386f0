"""Min organisation as an administrator uses it (seed 004, F4.1-F4.8), and the invitee's path.

The area manager ("omradeschef") administers two units: she switches unit, invites a
person with Terapisamtal, watches Inbjudna; the person accepts from the mail in a fresh
browser, lands in the service and appears under Registrerade; Kundtjänst sees the case.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, assert_accessible, log_in, wait_until_ready

pytestmark = pytest.mark.e2e

LINK = re.compile(r"http://localhost:\d+/inbjudan\?token=[\w-]+")
SUPPORT_EMAIL = "support@admin-portal.local"  # the default ADMIN_PORTAL_SUPPORT_EMAIL
CENTRUM = "Demo Omsorg Norr AB – Hemtjänst Centrum"
VASTER = "Demo Omsorg Norr AB – Hemtjänst Väster"


def _toasts_gone(page: Page) -> None:
    # A toast fading out has half its contrast: let it go before the closing axe check.
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15_000)


def _my_organisation(new_page, username: str = "omradeschef") -> Page:
    page = new_page()
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    page.get_by_role("link", name="Min organisation").click()
    expect(page).to_have_url(re.compile(r"/min-organisation\?enhet=\d+"))
    wait_until_ready(page)
    return page


def _switch_to_vaster(page: Page) -> str:
    """F4.1: the choice shows in large text and in the URL, and survives a reload."""
    current = page.locator("#current-unit")
    expect(current).to_have_text("Hemtjänst Centrum")
    switcher = page.get_by_label("Välj enhet")
    switcher.select_option(label=VASTER)
    expect(current).to_have_text("Hemtjänst Väster")
    expect(page).to_have_url(re.compile(rf"enhet={switcher.input_value()}$"))
    url = page.url
    page.reload()
    wait_until_ready(page)
    expect(current).to_have_text("Hemtjänst Väster")
    assert page.url == url
    return url


def _open_invite_form(page: Page) -> None:
    page.get_by_role("link", name="Bjud in användare").click()
    expect(page.get_by_role("heading", name="Bjud in användare", level=1)).to_be_visible()
    wait_until_ready(page)
    # The form remounts once its defaults are loaded: wait for them before typing.
    expect(page.get_by_label("Enhet som personen tillhör")).to_have_value(re.compile(r"\d+"))


def _invite_tove(page: Page) -> None:
    page.get_by_label("Förnamn").fill("Tove")
    page.get_by_label("Efternamn").fill("Terapisson")
    page.get_by_label("E-post").fill("tove.terapi@example.org")
    page.get_by_label("Telefon (rekommenderas)").fill("070-765 43 21")
    expect(
        page.get_by_text("Adminroll kan bara ges av en administratör på högsta nivå.")
    ).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("^Terapisamtal")).click()
    case = page.get_by_label(re.compile("^Terapisamtal: Beskrivning av ärendet"))
    expect(case).to_be_visible()
    expect(page.locator("#credits-total")).to_have_text("6")
    # Saved without the case text and the cost centre: both fields say so; nothing typed is lost.
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Fyll i det här fältet: tjänsten kräver det.")).to_be_visible()
    expect(
        page.get_by_text("Välj vilket kostnadsställe krediterna ska faktureras.")
    ).to_be_visible()
    expect(page.get_by_label("Förnamn")).to_have_value("Tove")
    expect(page.get_by_label("E-post")).to_have_value("tove.terapi@example.org")
    assert_accessible(page)
    case.fill("Stress och sömnproblem sedan omorganisationen.")
    page.get_by_label("Kostnadsställe").select_option(label="1020 Hemtjänst Väster")
    page.get_by_role("button", name="Spara").click()


def test_switch_unit_invite_with_therapy_and_watch_inbjudna(new_page, portal):
    page = _my_organisation(new_page)
    assert_accessible(page)
    unit_url = _switch_to_vaster(page)
    # Earlier e2e modules share the mailbox: support's mail about Tove is the next one.
    support_mails_before = portal.fake_resend.count_to(SUPPORT_EMAIL)
    _open_invite_form(page)
    expect(page.get_by_label("Enhet som personen tillhör")).to_have_value(
        unit_url.rsplit("=", 1)[1]
    )
    _invite_tove(page)
    expect(page).to_have_url(unit_url)
    wait_until_ready(page)
    row = page.get_by_role("row").filter(has_text="Tove Terapisson")
    expect(row).to_contain_text("tove.terapi@example.org")
    expect(row).to_contain_text("Standardroll")
    expect(row).to_contain_text("Terapisamtal (6)")
    expect(row).to_contain_text("Olivia Områdesson")
    assert_accessible(page)
    mail = portal.fake_resend.wait_for_mail("tove.terapi@example.org")
    assert LINK.search(mail.get("body", mail)["text"])
    support = portal.fake_resend.wait_for_mail(SUPPORT_EMAIL, after=support_mails_before)
    assert "Tove Terapisson" in support.get("body", support)["text"]
    # Skicka ny inbjudan (the help article's "Skicka igen"): a new mail with a new link; the
    # first link is dead.
    first = LINK.search(mail.get("body", mail)["text"]).group(0)
    row.get_by_role("button", name=re.compile("^Skicka ny inbjudan")).click()
    expect(
        page.get_by_text("En ny inbjudan har skickats till tove.terapi@example.org.")
    ).to_be_visible()
    second = portal.fake_resend.wait_for_mail("tove.terapi@example.org", after=1)
    assert LINK.search(second.get("body", second)["text"]).group(0) != first
    _toasts_gone(page)


def test_a_revoked_invitation_leaves_inbjudna(new_page, portal):
    page = _my_organisation(new_page, "enhetsadmin")
    _open_invite_form(page)
    page.get_by_label("Förnamn").fill("Rut")
    page.get_by_label("Efternamn").fill("Återkallad")
    page.get_by_label("E-post").fill("rut.aterkallad@example.org")
    page.get_by_role("checkbox", name=re.compile("^Digital behandling")).click()
    page.get_by_label("Kostnadsställe").select_option(label="1010 Hemtjänst Centrum")
    page.get_by_role("button", name="Spara").click()
    wait_until_ready(page)
    row = page.get_by_role("row").filter(has_text="Rut Återkallad")
    expect(row).to_contain_text("Digital behandling (4)")
    # F4.6: credits added later from the person's row; a bad number is refused at its field.
    row.get_by_role("button", name=re.compile("^Lägg till krediter")).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Antal krediter").fill("0")
    dialog.get_by_label("Kostnadsställe").select_option(label="9000 HR")
    dialog.get_by_role("button", name="Spara").click()
    expect(dialog.get_by_text("Ange ett heltal mellan 1 och 1000.")).to_be_visible()
    assert_accessible(page)
    dialog.get_by_label("Antal krediter").fill("3")
    dialog.get_by_role("button", name="Spara").click()
    expect(
        page.get_by_text("3 krediter har lagts till. Tjänsten har nu 7 krediter.")
    ).to_be_visible()
    expect(row).to_contain_text("Digital behandling (7)")
    # Återkalla asks first and says what happens (issue 14); Avbryt leaves the row alone.
    row.get_by_role("button", name=re.compile("^Återkalla")).click()
    confirm = page.get_by_role("alertdialog", name="Återkalla inbjudan till Rut Återkallad?")
    expect(confirm).to_contain_text("Länken i inbjudan slutar fungera direkt")
    expect(confirm).to_contain_text("Rut Återkallad får inget meddelande")
    expect(confirm).to_contain_text("skickar du en ny inbjudan med Bjud in användare")
    assert_accessible(page)
    confirm.get_by_role("button", name="Avbryt").click()
    expect(confirm).to_have_count(0)
    expect(row).to_be_visible()
    # In English too, and the same one name for Skicka ny inbjudan.
    page.get_by_role("button", name="English").click()
    expect(row.get_by_role("button", name=re.compile("^Send new invitation"))).to_be_visible()
    row.get_by_role("button", name=re.compile("^Revoke")).click()
    english = page.get_by_role("alertdialog", name="Revoke the invitation to Rut Återkallad?")
    expect(english).to_contain_text("Rut Återkallad is not told")
    english.get_by_role("button", name="Cancel").click()
    expect(english).to_have_count(0)
    page.get_by_role("button", name="Svenska").click()
    row.get_by_role("button", name=re.compile("^Återkalla")).click()
    confirm.get_by_role("button", name="Återkalla inbjudan").click()
    expect(
        page.get_by_text("Inbjudan till rut.aterkallad@example.org är återkallad.")
    ).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Rut Återkallad")).to_have_count(0)
    _toasts_gone(page)


def test_the_whole_story_accept_land_in_service_registered_and_support(new_page, portal):
    """Needs the invitee side (/inbjudan, /mina-tjanster, /kundtjanst: helper E's pages)."""
    admin = _my_organisation(new_page)
    _switch_to_vaster(admin)
    _open_invite_form(admin)
    admin.get_by_label("Förnamn").fill("Hugo")
    admin.get_by_label("Efternamn").fill("Helsson")
    admin.get_by_label("E-post").fill("hugo.helsson@example.org")
    admin.get_by_role("checkbox", name=re.compile("^Terapisamtal")).click()
    admin.get_by_label(re.compile("^Terapisamtal: Beskrivning av ärendet")).fill(
        "Vill prata om arbetsbelastning."
    )
    admin.get_by_label("Kostnadsställe").select_option(label="1020 Hemtjänst Väster")
    admin.get_by_role("button", name="Spara").click()
    wait_until_ready(admin)
    expect(admin.get_by_role("row").filter(has_text="Hugo Helsson")).to_be_visible()

    mail = portal.fake_resend.wait_for_mail("hugo.helsson@example.org")
    link = LINK.search(mail.get("body", mail)["text"]).group(0)
    guest = new_page()  # a fresh browser context: no admin cookie
    guest.goto(link)
    wait_until_ready(guest)
    guest.get_by_label("Användarnamn").fill("hugo.helsson")
    guest.get_by_label("Lösenord", exact=True).fill(DEMO_PASSWORD)
    guest.get_by_label("Upprepa lösenordet").fill(DEMO_PASSWORD)
    guest.get_by_role("button", name="Skapa konto").click()
    expect(guest).to_have_url(re.compile(r"/mina-tjanster"))
    wait_until_ready(guest)
    expect(guest.get_by_text("Terapisamtal").first).to_be_visible()

    admin.reload()
    wait_until_ready(admin)
    expect(admin.get_by_role("row").filter(has_text="Hugo Helsson")).to_have_count(0)
    admin.get_by_role("tab", name=re.compile("^Registrerade")).click()
    row = admin.get_by_role("row").filter(has_text="Hugo Helsson")
    expect(row).to_contain_text("Terapisamtal (6)")
    expect(row).to_contain_text("hugo.helsson")

    support = new_page()
    log_in(support, "kundtjanst")
    expect(support).not_to_have_url(re.compile(r"/logga-in"))  # the session cookie is set
    support.goto("/kundtjanst")
    wait_until_ready(support)
    expect(support.get_by_text("Hugo Helsson").first).to_be_visible()
    # F4.5 (issue 14): the case text goes to the chosen therapist only; support sees the case.
    expect(support.get_by_text("Vill prata om arbetsbelastning.")).to_have_count(0)

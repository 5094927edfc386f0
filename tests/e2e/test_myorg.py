"""Min organisation at scale, the service catalogue and the therapist (issue 14, seed 004).

- Inbjudna and Registrerade page and search on the server: a unit with more rows than a
  page shows the whole count on the tab, pages forward and back, and finds a person.
- Tjänstekatalog: support staff manage the services; admins only order them.
- F4.5: the employee chooses a therapist in Mina tjänster; the case text reaches that
  therapist only (support sees that the case exists); each read is audited.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from admin_portal.models import AuditEvent, Invitation, Unit, User, utcnow
from tests.e2e.conftest import DEMO_PASSWORD, assert_accessible, log_in, wait_until_ready

pytestmark = pytest.mark.e2e

SYD = "Personlig assistans Syd"
LINK = re.compile(r"http://localhost:\d+/inbjudan\?token=[\w-]+")
CASE_TEXT = "Sömnproblem sedan i våras, vill ha stöd att komma tillbaka."


def _fill_unit_with_invitations(database_url: str, count: int) -> int:
    """More open invitations than one page holds, straight into the portal's database."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        unit = session.exec(select(Unit).where(Unit.name == SYD)).one()
        admin = session.exec(select(User).where(User.username == "huvudadmin")).one()
        company_id = unit.company_id
        for i in range(count):
            email = f"massinbjuden{i:03d}@example.org"
            session.add(
                Invitation(
                    organisation_id=admin.organisation_id,
                    company_id=company_id,
                    unit_id=unit.id or 0,
                    first_name="Massa",
                    last_name=f"Inbjuden{i:03d}",
                    email=email,
                    email_key=email,
                    token_hash=f"e2e-paging-{i:03d}",
                    expires_at=utcnow() + timedelta(days=3),
                    invited_by_id=admin.id or 0,
                )
            )
        session.commit()
        unit_id = unit.id or 0
    engine.dispose()
    return unit_id


def _rows(page: Page):  # type: ignore[no-untyped-def]
    """Body rows of the tab shown (Radix renders only the active tab's panel)."""
    return page.get_by_role("tabpanel").locator("tbody tr")


def test_inbjudna_pages_and_searches_a_unit_of_any_size(new_page, portal) -> None:  # type: ignore[no-untyped-def]
    unit_id = _fill_unit_with_invitations(portal.database_url, 62)
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    page.goto(f"/min-organisation?enhet={unit_id}")
    wait_until_ready(page)
    expect(page.locator("#current-unit")).to_have_text(SYD)
    expect(page.get_by_role("tab", name="Inbjudna (62)")).to_be_visible()
    rows = _rows(page)
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("Massa Inbjuden061")  # newest first
    assert_accessible(page)
    page.get_by_role("button", name="Nästa").first.click()
    expect(page.get_by_text("Sida 2").first).to_be_visible()
    expect(rows).to_have_count(12)
    expect(rows.last).to_contain_text("Massa Inbjuden000")
    expect(page.get_by_role("tab", name="Inbjudna (62)")).to_be_visible()  # the unit's count
    page.get_by_role("button", name="Föregående").first.click()
    expect(rows).to_have_count(50)
    # Search on the server: page two's person is found from page one.
    box = page.get_by_role("searchbox", name="Sök bland inbjudna")
    box.fill("INBJUDEN007")
    box.press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("massinbjuden007@example.org")
    box.fill("finns inte")
    page.get_by_role("button", name="Sök").first.click()
    expect(page.get_by_text("Ingen i fliken matchar sökningen.")).to_be_visible()
    assert_accessible(page)
    # In English the tab keeps its count and the search its name.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("tab", name="Invited (62)")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search invited people")).to_be_visible()
    page.get_by_role("button", name="Svenska").click()
    # Registrerade: its own search and count.
    page.get_by_role("tab", name=re.compile(r"^Registrerade \(\d+\)$")).click()
    expect(page.get_by_role("searchbox", name="Sök bland registrerade")).to_be_visible()


def test_support_manages_the_catalogue_and_admins_only_order(new_page) -> None:  # type: ignore[no-untyped-def]
    # An admin is not shown the catalogue: the page does not exist for them.
    admin = new_page()
    log_in(admin, "enhetsadmin")
    expect(admin).to_have_url(re.compile(r"/anvandare/?$"))
    admin.goto("/kundtjanst/tjanstekatalog")
    wait_until_ready(admin)
    expect(admin.get_by_role("heading", name="Sidan hittades inte.")).to_be_visible()

    page = new_page()
    log_in(page, "kundtjanst")
    expect(page).to_have_url(re.compile(r"/kundtjanst/?$"))
    wait_until_ready(page)
    page.get_by_role("link", name="Tjänstekatalog").click()
    expect(page).to_have_url(re.compile(r"/kundtjanst/tjanstekatalog"))
    wait_until_ready(page)
    page.get_by_label("Organisation").select_option(label="Demo Omsorg")
    therapy = page.get_by_role("row").filter(has_text="Terapisamtal")
    expect(therapy).to_contain_text("Beskrivning av ärendet")
    assert_accessible(page)
    # A new service: wrong values are refused at their fields, nothing typed is lost.
    page.get_by_role("button", name="Ny tjänst").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Namn på svenska").fill("Samtalsstöd")
    dialog.get_by_label("Krediter per beställning").fill("0")
    dialog.get_by_label("Obligatoriska fält (ett per rad)").fill("Bakgrund")
    dialog.get_by_role("button", name="Spara").click()
    expect(dialog.get_by_text("Ange ett namn.")).to_be_visible()
    expect(dialog.get_by_text("Ange ett heltal mellan 1 och 1000.")).to_be_visible()
    expect(dialog.get_by_text("med båda delarna")).to_be_visible()
    assert_accessible(page)
    expect(dialog.get_by_label("Namn på svenska")).to_have_value("Samtalsstöd")
    dialog.get_by_label("Namn på engelska").fill("Counselling")
    dialog.get_by_label("Krediter per beställning").fill("3")
    dialog.get_by_label("Obligatoriska fält (ett per rad)").fill("Bakgrund | Background")
    dialog.get_by_label(re.compile("Medarbetaren väljer terapeut")).check()
    dialog.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Tjänsten Samtalsstöd har skapats.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Samtalsstöd")
    expect(row).to_contain_text("Counselling")
    expect(row).to_contain_text("Bakgrund")
    # Edit: the form opens with the saved values.
    row.get_by_role("button", name="Redigera: Samtalsstöd").click()
    expect(dialog.get_by_label("Krediter per beställning")).to_have_value("3")
    expect(dialog.get_by_label(re.compile("Medarbetaren väljer terapeut"))).to_be_checked()
    dialog.get_by_label("Krediter per beställning").fill("7")
    dialog.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Tjänsten Samtalsstöd har sparats.")).to_be_visible()
    expect(row.get_by_role("cell").nth(0)).to_have_text("7")

    # The admin orders it in Bjud in användare ...
    admin.goto("/min-organisation/bjud-in")
    wait_until_ready(admin)
    expect(admin.get_by_role("checkbox", name=re.compile("^Samtalsstöd"))).to_be_visible()
    # ... until support deactivates it.
    row.get_by_role("button", name="Inaktivera: Samtalsstöd").click()
    expect(row).to_contain_text("Inaktiv")
    admin.reload()
    wait_until_ready(admin)
    expect(admin.get_by_role("checkbox", name=re.compile("^Terapisamtal"))).to_be_visible()
    expect(admin.get_by_role("checkbox", name=re.compile("^Samtalsstöd"))).to_have_count(0)
    # English complete.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Service catalogue", level=1)).to_be_visible()
    expect(row.get_by_role("button", name="Activate: Counselling")).to_be_visible()
    assert_accessible(page)


def _case_reads(database_url: str) -> int:
    engine = create_engine(database_url)
    with Session(engine) as session:
        found = session.exec(
            select(AuditEvent).where(AuditEvent.action == "therapist_case_read")
        ).all()
    engine.dispose()
    return len(found)


def test_the_case_text_reaches_the_chosen_therapist_only(new_page, portal) -> None:  # type: ignore[no-untyped-def]
    admin = new_page()
    log_in(admin, "enhetsadmin")
    expect(admin).to_have_url(re.compile(r"/anvandare/?$"))
    admin.goto("/min-organisation/bjud-in")
    wait_until_ready(admin)
    expect(admin.get_by_label("Enhet som personen tillhör")).to_have_value(re.compile(r"\d+"))
    admin.get_by_label("Förnamn").fill("Vera")
    admin.get_by_label("Efternamn").fill("Valsson")
    admin.get_by_label("E-post").fill("vera.valsson@example.org")
    admin.get_by_role("checkbox", name=re.compile("^Terapisamtal")).click()
    admin.get_by_label(re.compile("^Terapisamtal: Beskrivning av ärendet")).fill(CASE_TEXT)
    admin.get_by_label("Kostnadsställe").select_option(label="1010 Hemtjänst Centrum")
    admin.get_by_role("button", name="Spara").click()
    wait_until_ready(admin)
    expect(admin.get_by_role("row").filter(has_text="Vera Valsson")).to_be_visible()

    # The employee accepts, lands in Mina tjänster and chooses a therapist.
    mail = portal.fake_resend.wait_for_mail("vera.valsson@example.org")
    link = LINK.search(mail.get("body", mail)["text"]).group(0)
    guest = new_page()
    guest.goto(link)
    wait_until_ready(guest)
    guest.get_by_label("Användarnamn").fill("vera.valsson")
    guest.get_by_label("Lösenord", exact=True).fill(DEMO_PASSWORD)
    guest.get_by_label("Upprepa lösenordet").fill(DEMO_PASSWORD)
    guest.get_by_role("button", name="Skapa konto").click()
    expect(guest).to_have_url(re.compile(r"/mina-tjanster"))
    wait_until_ready(guest)
    choices = guest.locator("#therapist-choices")
    expect(choices).to_contain_text("Du har inte valt någon terapeut ännu.")
    assert_accessible(guest)
    guest.get_by_role("button", name="Välj terapeut: Terapisamtal").click()
    expect(guest.get_by_text("Välj en terapeut i listan.")).to_be_visible()
    guest.get_by_label("Terapeut för Terapisamtal").select_option(label="Tora Terapeutsson")
    guest.get_by_role("button", name="Välj terapeut: Terapisamtal").click()
    expect(choices).to_contain_text("Du har valt Tora Terapeutsson.")
    expect(guest.get_by_text(CASE_TEXT)).to_have_count(0)  # the employee is not shown it either
    assert_accessible(guest)
    guest.get_by_role("button", name="English").click()
    expect(choices).to_contain_text("You have chosen Tora Terapeutsson.")
    expect(guest.get_by_label("Therapist for Therapy sessions")).to_be_visible()

    # Kundtjänst sees the case and the choice, never the text.
    support = new_page()
    log_in(support, "kundtjanst")
    expect(support).to_have_url(re.compile(r"/kundtjanst/?$"))
    wait_until_ready(support)
    case = support.locator("#support-rows tr").filter(has_text="Vera Valsson")
    expect(case).to_contain_text("Terapisamtal")
    expect(case).to_contain_text("Tora Terapeutsson")
    expect(support.get_by_text(CASE_TEXT)).to_have_count(0)
    assert_accessible(support)

    # Another therapist has no case; the chosen one reads it, and the read is audited.
    other = new_page()
    log_in(other, "terapeut2")
    expect(other).to_have_url(re.compile(r"/terapeut/?$"))
    wait_until_ready(other)
    expect(other.get_by_text("Ingen har valt dig som terapeut ännu.")).to_be_visible()
    before = _case_reads(portal.database_url)
    therapist = new_page()
    log_in(therapist, "terapeut")
    expect(therapist).to_have_url(re.compile(r"/terapeut/?$"))
    wait_until_ready(therapist)
    expect(therapist.locator("header")).to_contain_text("(Terapeut)")
    row = therapist.locator("#therapist-cases tr").filter(has_text="Vera Valsson")
    expect(row).to_contain_text("Terapisamtal")
    expect(therapist.get_by_text(CASE_TEXT)).to_have_count(0)  # not until opened
    assert_accessible(therapist)
    row.get_by_role("button", name="Läs ärendet: Vera Valsson").click()
    dialog = therapist.get_by_role("dialog", name="Ärende: Vera Valsson")
    expect(dialog).to_contain_text(CASE_TEXT)
    expect(dialog).to_contain_text("Beskrivning av ärendet")
    assert_accessible(therapist)
    assert _case_reads(portal.database_url) == before + 1
    dialog.get_by_role("button", name="Stäng").click()
    expect(dialog).to_have_count(0)
    therapist.get_by_role("button", name="English").click()
    row.get_by_role("button", name="Read the case: Vera Valsson").click()
    expect(therapist.get_by_role("dialog", name="Case: Vera Valsson")).to_contain_text(
        "Description of the case"
    )
    assert _case_reads(portal.database_url) == before + 2
    # Nobody else has the page.
    admin.goto("/terapeut")
    wait_until_ready(admin)
    expect(admin.get_by_role("heading", name="Sidan hittades inte.")).to_be_visible()

"""F1.1/F1.2 in the browser: verify one address from a profile, and a filtered list in bulk."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from admin_portal.db import make_engine
from admin_portal.models import Company, Organisation, User, utcnow
from admin_portal.validation.identifiers import email_key, username_key
from tests.e2e.conftest import Portal, assert_accessible, log_in, search_users, wait_until_ready

LINK = re.compile(r"http://localhost:\d+/verifiera-epost\?token=[\w-]+")
RESET_LINK = re.compile(r"http://localhost:\d+/satt-losenord\?token=[\w-]+")


def _add_people(portal: Portal, company_name: str | None, people: list[tuple]) -> None:
    """People of our own, so other tests' removals cannot touch them: (username, first,
    last, verified). A company name not yet in Demo Omsorg is created."""
    engine = make_engine(portal.database_url)
    try:
        with Session(engine) as session:
            org = session.exec(select(Organisation).where(Organisation.name == "Demo Omsorg")).one()
            name = company_name or "Demo Omsorg Norr AB"
            company = session.exec(select(Company).where(Company.name == name)).first()
            if company is None:
                company = Company(
                    organisation_id=org.id, name=name, organisation_number="5561112227"
                )
                session.add(company)
                session.flush()
            for username, first, last, verified in people:
                email = f"{username}@demo-omsorg.example"
                session.add(
                    User(
                        organisation_id=org.id,
                        company_id=company.id,
                        first_name=first,
                        last_name=last,
                        username=username,
                        username_key=username_key(username),
                        email=email,
                        email_key=email_key(email),
                        email_verified_at=utcnow() if verified else None,
                    )
                )
            session.commit()
    finally:
        engine.dispose()


def _signed_in(new_page) -> Page:
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)
    return page


def _verify_from_mail(new_page, mail: dict) -> Page:
    body = mail.get("body", mail)
    assert body["subject"] == "Verifiera din e-postadress"
    person = new_page()
    person.goto(LINK.search(body["text"]).group(0))
    wait_until_ready(person)
    person.get_by_role("button", name="Verifiera e-postadress").click()
    expect(
        person.get_by_role("status").filter(has_text="Din e-postadress är verifierad")
    ).to_be_visible()
    assert_accessible(person)
    return person


def test_verify_one_address_from_the_profile(new_page, portal):
    _add_people(portal, None, [("vera.verifiera", "Vera", "Verifiera", False)])
    page = _signed_in(new_page)
    search_users(page, "vera.verifiera")
    page.get_by_role("link", name="Vera Verifiera").click()
    wait_until_ready(page)
    expect(page.get_by_text("Inte aktiv – e-postadressen är inte verifierad")).to_be_visible()

    # A bad address is refused at the field and what was typed stays there.
    field = page.locator("#verification-email")
    expect(field).to_have_accessible_name("E-post")
    # The form is mounted with the loaded profile (typing earlier would be lost on remount).
    expect(field).to_have_value("vera.verifiera@demo-omsorg.example")
    field.fill("vera@")
    page.get_by_role("button", name="Skicka verifieringsmeddelande").click()
    expect(page.locator("#verification-email-error")).to_contain_text(
        "E-postadressen är inte giltig"
    )
    expect(field).to_have_value("vera@")
    assert_accessible(page)

    field.fill("Vera.V@Example.org")
    page.get_by_role("button", name="Skicka verifieringsmeddelande").click()
    expect(page.get_by_role("status").filter(has_text="Vera.V@example.org")).to_be_visible()

    person = _verify_from_mail(new_page, portal.fake_resend.wait_for_mail("Vera.V@example.org"))
    expect(person.get_by_role("link", name="Glömt lösenord?")).to_be_visible()

    page.reload()
    wait_until_ready(page)
    expect(page.get_by_text("Aktiv – e-postadressen är verifierad")).to_be_visible()


def test_bulk_verification_for_a_company_then_a_password_through_forgot_password(new_page, portal):
    _add_people(
        portal,
        "Demo Omsorg Öst AB",
        [
            ("oskar.ost", "Oskar", "Öst", False),
            ("olga.ost", "Olga", "Öst", False),
            ("otto.ost", "Otto", "Öst", True),
        ],
    )
    _add_people(portal, None, [("nora.norr", "Nora", "Norr", False)])
    page = _signed_in(new_page)
    page.get_by_label("Företag").select_option(label="Demo Omsorg Öst AB")
    expect(page).to_have_url(re.compile(r"[?&]foretag=\d+"))
    expect(page.get_by_role("row").filter(has_text="oskar.ost")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="nora.norr")).to_have_count(0)

    page.get_by_role("button", name="Skicka verifieringsmeddelanden").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(
        "användare i den aktuella sökningen och filtreringen får ett verifieringsmeddelande"
    )
    expect(dialog).to_contain_text("har redan verifierat sin e-postadress")
    assert_accessible(page)
    send = dialog.get_by_role("button", name="Skicka", exact=True)
    send.dblclick()  # a double click starts one job and sends nothing twice

    job = page.locator("#bulk-verification-job")
    expect(job).to_have_attribute("data-status", "done", timeout=30_000)
    expect(page.locator("#bulk-verification-summary")).to_contain_text(
        "har fått ett verifieringsmeddelande"
    )

    # The result survives a reload.
    page.reload()
    wait_until_ready(page)
    expect(page.locator("#bulk-verification-summary")).to_contain_text(
        "har fått ett verifieringsmeddelande"
    )

    address = "oskar.ost@demo-omsorg.example"
    mail = portal.fake_resend.wait_for_mail(address)
    portal.fake_resend.wait_for_mail("olga.ost@demo-omsorg.example")
    assert portal.fake_resend.count_to("nora.norr@demo-omsorg.example") == 0  # Norr: not chosen
    assert portal.fake_resend.count_to("otto.ost@demo-omsorg.example") == 0  # already verified
    _verify_from_mail(new_page, mail)
    assert portal.fake_resend.count_to(address) == 1

    # The login connection is active: "Glömt lösenord?" now sends a link.
    person = new_page()
    person.goto("/glomt-losenord")
    wait_until_ready(person)
    person.get_by_label("Användarnamn eller e-postadress").fill("oskar.ost")
    person.get_by_role("button", name="Skicka länk").click()
    reset = portal.fake_resend.wait_for_mail(address, after=1)
    person.goto(RESET_LINK.search(reset.get("body", reset)["text"]).group(0))
    wait_until_ready(person)
    password = "sommarens sista kantareller i mossan"
    person.get_by_label("Nytt lösenord").fill(password)
    person.get_by_label("Upprepa lösenordet").fill(password)
    person.get_by_role("button", name="Spara lösenord").click()
    expect(person.get_by_role("status").filter(has_text="Ditt lösenord är sparat")).to_be_visible()
    log_in(person, "oskar.ost", password)
    expect(person).to_have_url(re.compile(r"/mitt-konto/?$"))

"""F1.1/F1.2 in the browser: verify one address from a profile, and a filtered list in bulk."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, log_in, search_users, wait_until_ready

LINK = re.compile(r"http://localhost:\d+/verifiera-epost\?token=[\w-]+")
RESET_LINK = re.compile(r"http://localhost:\d+/satt-losenord\?token=[\w-]+")


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
    page = _signed_in(new_page)
    search_users(page, "filip")
    page.get_by_role("link", name="Filip Fors").click()
    wait_until_ready(page)
    expect(page.get_by_text("Inte aktiv – e-postadressen är inte verifierad")).to_be_visible()

    # A bad address is refused at the field and what was typed stays there.
    field = page.locator("#verification-email")
    expect(field).to_have_accessible_name("E-post")
    # The form is mounted with the loaded profile (typing earlier would be lost on remount).
    expect(field).to_have_value("filip.medarbetare@demo-omsorg.example")
    field.fill("filip@")
    page.get_by_role("button", name="Skicka verifieringsmeddelande").click()
    expect(page.locator("#verification-email-error")).to_contain_text(
        "E-postadressen är inte giltig"
    )
    expect(field).to_have_value("filip@")
    assert_accessible(page)

    field.fill("Filip.Fors@Example.org")
    page.get_by_role("button", name="Skicka verifieringsmeddelande").click()
    expect(page.get_by_role("status").filter(has_text="Filip.Fors@example.org")).to_be_visible()

    person = _verify_from_mail(new_page, portal.fake_resend.wait_for_mail("Filip.Fors@example.org"))
    expect(person.get_by_role("link", name="Glömt ditt lösenord?")).to_be_visible()

    page.reload()
    wait_until_ready(page)
    expect(page.get_by_text("Aktiv – e-postadressen är verifierad")).to_be_visible()


def test_bulk_verification_for_a_company_then_a_password_through_forgot_password(new_page, portal):
    page = _signed_in(new_page)
    page.get_by_label("Företag").select_option(label="Demo Omsorg Syd AB")
    expect(page).to_have_url(re.compile(r"[?&]foretag=\d+"))
    expect(page.get_by_role("row").filter(has_text="bengt.brukare")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="anna.brukare")).to_have_count(0)

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

    address = "bengt.brukare@demo-omsorg.example"
    mail = portal.fake_resend.wait_for_mail(address)
    assert portal.fake_resend.count_to("anna.brukare@demo-omsorg.example") == 0  # Norr: not chosen
    _verify_from_mail(new_page, mail)
    assert portal.fake_resend.count_to(address) == 1

    # The login connection is active: "Glömt lösenord?" now sends a link.
    bengt = new_page()
    bengt.goto("/glomt-losenord")
    wait_until_ready(bengt)
    bengt.get_by_label("Användarnamn eller e-postadress").fill("bengt.brukare")
    bengt.get_by_role("button", name="Skicka länk").click()
    reset = portal.fake_resend.wait_for_mail(address, after=1)
    bengt.goto(RESET_LINK.search(reset.get("body", reset)["text"]).group(0))
    wait_until_ready(bengt)
    password = "sommarens sista kantareller i mossan"
    bengt.get_by_label("Nytt lösenord").fill(password)
    bengt.get_by_label("Upprepa lösenordet").fill(password)
    bengt.get_by_role("button", name="Spara lösenord").click()
    expect(bengt.get_by_role("status").filter(has_text="Ditt lösenord är sparat")).to_be_visible()
    log_in(bengt, "bengt.brukare", password)
    expect(bengt).to_have_url(re.compile(r"/mitt-konto/?$"))

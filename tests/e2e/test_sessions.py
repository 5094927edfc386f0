"""Sessions in the browser: logout leaves nothing behind, idle sessions end, a password
change ends the other sessions (issue 11, A.3 and A.7)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from admin_portal.models import UserType, utcnow
from tests.e2e.accounts import add_person, make_sessions_idle
from tests.e2e.conftest import Portal, log_in, wait_until_ready
from tests.e2e.frames import watch_traffic

pytestmark = pytest.mark.e2e

OLD_PASSWORD = "en gammal men lång lösenfras"
NEW_PASSWORD = "cyklar över isen i februari"


def _token(page: Page) -> str | None:
    return page.evaluate("window.sessionStorage.getItem('token')")


def test_after_logout_the_tab_carries_nothing_of_the_previous_user(new_page, portal: Portal):
    person = add_person(
        portal,
        "lotta.utloggad",
        first="Lotta",
        last="Utloggadsdotter",
        national_id="197208081005",
        user_type=UserType.BRUKARE,
    )
    page = new_page()
    traffic = watch_traffic(page)
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)
    expect(page.get_by_role("rowheader").first).to_be_visible()  # the list was delivered
    page.goto(f"/anvandare/{person}")
    wait_until_ready(page)
    expect(page.get_by_role("heading", name="Lotta Utloggadsdotter")).to_be_visible()
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.locator("#national-id-value")).to_have_text("19720808-1005")
    old_token = _token(page)
    assert old_token

    mark = len(traffic.received)
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/logga-in"))
    wait_until_ready(page)
    page.reload()
    wait_until_ready(page)

    new_token = _token(page)
    assert new_token and new_token != old_token  # a fresh client token for the tab
    leftovers = ["Utloggadsdotter", "lotta.utloggad", "19720808", "7208081005", "eva.medarbetare"]
    after = traffic.received_since(mark)
    assert [word for word in leftovers if word in after] == []
    assert [word for word in leftovers if word in page.content()] == []

    # Even the old token's state in the server's store was wiped, not merely abandoned.
    mark = len(traffic.received)
    page.evaluate("token => window.sessionStorage.setItem('token', token)", old_token)
    page.reload()
    wait_until_ready(page)
    assert _token(page) == old_token
    after = traffic.received_since(mark)
    assert [word for word in leftovers if word in after] == []
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()


def test_an_idle_session_ends_and_the_page_says_why(new_page, portal: Portal):
    add_person(portal, "ivar.inaktiv", first="Ivar", last="Inaktivsson", password=OLD_PASSWORD)
    page = new_page()
    log_in(page, "ivar.inaktiv", OLD_PASSWORD)
    expect(page).to_have_url(re.compile(r"/mitt-konto/?$"))
    wait_until_ready(page)
    expect(page.get_by_text("Inaktivsson")).to_be_visible()

    assert make_sessions_idle(portal, "ivar.inaktiv", since=utcnow() - timedelta(minutes=31)) == 1
    page.reload()

    expect(page).to_have_url(re.compile(r"/logga-in/?\?.*idle=1"))
    wait_until_ready(page)
    expect(page.get_by_text("Du har loggats ut efter en stunds inaktivitet")).to_be_visible()
    assert "Inaktivsson" not in page.content()
    page.goto("/mitt-konto")  # the session stays ended
    expect(page).to_have_url(re.compile(r"/logga-in"))


def test_changing_the_password_on_mitt_konto_ends_the_other_sessions(new_page, portal: Portal):
    add_person(
        portal,
        "bodil.byter",
        first="Bodil",
        last="Bytesson",
        password=OLD_PASSWORD,
        with_email=True,
    )
    here, elsewhere = new_page(), new_page()
    for page in (here, elsewhere):
        log_in(page, "bodil.byter", OLD_PASSWORD)
        expect(page).to_have_url(re.compile(r"/mitt-konto/?$"))
        wait_until_ready(page)

    here.get_by_label("Nuvarande lösenord").fill("helt fel men lika lång fras")
    here.get_by_label("Nytt lösenord").fill(NEW_PASSWORD)
    here.get_by_label("Upprepa det nya lösenordet").fill(NEW_PASSWORD)
    here.get_by_role("button", name="Byt lösenord").click()
    expect(here.locator("#current-password-error")).to_have_text(
        "Det nuvarande lösenordet stämmer inte."
    )
    here.get_by_label("Nuvarande lösenord").fill(OLD_PASSWORD)
    here.get_by_role("button", name="Byt lösenord").click()
    expect(here.get_by_role("status").filter(has_text="Ditt lösenord är bytt")).to_be_visible()
    expect(here.get_by_label("Nuvarande lösenord")).to_have_value("")  # nothing lingers

    here.reload()
    wait_until_ready(here)
    expect(here).to_have_url(re.compile(r"/mitt-konto/?$"))  # this session stays
    elsewhere.reload()
    expect(elsewhere).to_have_url(re.compile(r"/logga-in"))  # the other one ended
    wait_until_ready(elsewhere)

    mail = portal.fake_resend.wait_for_mail("bodil.byter@demo-omsorg.example")
    assert mail.get("body", mail)["subject"] == "Ditt lösenord har bytts"
    log_in(elsewhere, "bodil.byter", NEW_PASSWORD)
    expect(elsewhere).to_have_url(re.compile(r"/mitt-konto/?$"))
    wait_until_ready(elsewhere)


def test_a_tab_left_untouched_notices_its_session_ended(new_page, portal: Portal):
    add_person(portal, "tove.tyst", first="Tove", last="Tystnadsson", password=OLD_PASSWORD)
    page = new_page()
    log_in(page, "tove.tyst", OLD_PASSWORD)
    expect(page).to_have_url(re.compile(r"/mitt-konto/?$"))
    wait_until_ready(page)
    assert page.evaluate("typeof window.__adminPortalSessionWatch") == "number"  # the timer runs

    page.evaluate("document.getElementById('session-watch').click()")  # a tick while alive
    page.wait_for_timeout(500)
    expect(page).to_have_url(re.compile(r"/mitt-konto/?$"))

    make_sessions_idle(portal, "tove.tyst", since=utcnow() - timedelta(minutes=31))
    page.evaluate("document.getElementById('session-watch').click()")  # the timer's next tick
    expect(page).to_have_url(re.compile(r"/logga-in/?\?.*idle=1"))
    wait_until_ready(page)
    expect(page.get_by_text("Du har loggats ut efter en stunds inaktivitet")).to_be_visible()
    assert "Tystnadsson" not in page.content()

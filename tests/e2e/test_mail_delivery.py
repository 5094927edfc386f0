"""Mail delivery as the admin sees it: Resend's webhooks (here the fake's) reach Inbjudna.

The unit administrator invites three people. The fake Resend then reports, through signed
webhook calls to the app, that the first mail was delivered, that the second bounced and
that the third was marked as spam: Inbjudna shows Levererad, Studsade and Markerad som
skräppost (Delivered, Bounced, Marked as spam), and Skicka ny inbjudan to the bounced
address sends nothing.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import add_person
from tests.e2e.conftest import assert_accessible, log_in, wait_until_ready

pytestmark = pytest.mark.e2e


def _my_organisation(new_page) -> Page:
    page = new_page()
    log_in(page, "enhetsadmin")
    page.get_by_role("link", name="Min organisation").click()
    expect(page).to_have_url(re.compile(r"/min-organisation\?enhet=\d+"))
    wait_until_ready(page)
    return page


def _invite(page: Page, first: str, last: str, email: str) -> None:
    page.get_by_role("link", name="Bjud in användare").click()
    expect(page.get_by_role("heading", name="Bjud in användare", level=1)).to_be_visible()
    wait_until_ready(page)
    expect(page.get_by_label("Enhet som personen tillhör")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Förnamn").fill(first)
    page.get_by_label("Efternamn").fill(last)
    page.get_by_label("E-post").fill(email)
    page.get_by_role("checkbox", name=re.compile("^Digital behandling")).click()
    page.get_by_label("Kostnadsställe").select_option(label="1010 Hemtjänst Centrum")
    page.get_by_role("button", name="Spara").click()
    wait_until_ready(page)
    expect(page.get_by_role("row").filter(has_text=f"{first} {last}")).to_be_visible()


def _reload(page: Page) -> None:
    page.reload()
    wait_until_ready(page)


def _eventually(page: Page, where, text: str, timeout: float = 40) -> None:  # type: ignore[no-untyped-def]
    """Reload until `where` says `text`: the page reads the mail's state at load."""
    deadline = time.monotonic() + timeout
    seen = ""
    while text not in seen:
        assert time.monotonic() < deadline, f"{text!r} never appeared; last: {seen!r}"
        time.sleep(0.5)
        _reload(page)
        seen = where.inner_text() if where.count() else ""


def _toasts_gone(page: Page) -> None:
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15_000)


PEOPLE = {
    "delivered": ("Levi", "Levererad", "levi.levererad@example.org"),
    "bounced": ("Bo", "Studs", "bo.studs@example.org"),
    "complained": ("Kim", "Klagar", "kim.klagar@example.org"),
}


def test_inbjudna_shows_delivered_bounced_and_spam_from_resends_webhooks(new_page, portal):
    page = _my_organisation(new_page)
    for first, last, email in PEOPLE.values():
        _invite(page, first, last, email)
    fake = portal.fake_resend
    for _, _, email in PEOPLE.values():
        fake.wait_for_mail(email)
    rows = {
        word: page.get_by_role("row").filter(has_text=f"{first} {last}")
        for word, (first, last, _) in PEOPLE.items()
    }
    # Handed to Resend, nothing reported yet: Skickad (the worker records it just after).
    for row in rows.values():
        _eventually(page, row, "Skickad")

    for word, (_, _, email) in PEOPLE.items():
        assert fake.webhook(f"email.{word}", email) == 200
    _reload(page)
    expect(rows["delivered"]).to_contain_text("Levererad")
    expect(rows["bounced"]).to_contain_text("Studsade")
    expect(rows["complained"]).to_contain_text("Markerad som skräppost")
    assert_accessible(page)

    # Reports may arrive out of order: a later "delivered" hides no bounce.
    assert fake.webhook("email.delivered", PEOPLE["bounced"][2]) == 200
    _reload(page)
    expect(rows["bounced"]).to_contain_text("Studsade")

    # Skicka ny inbjudan to the bounced address: refused with the reason, nothing is sent.
    sent_before = fake.count_to(PEOPLE["bounced"][2])
    rows["bounced"].get_by_role("button", name=re.compile("^Skicka ny inbjudan")).click()
    expect(page.get_by_text(re.compile("så ingen ny inbjudan skickas dit"))).to_be_visible()
    time.sleep(2)  # the worker polls every second: give it time to (not) send
    assert fake.count_to(PEOPLE["bounced"][2]) == sent_before
    expect(rows["bounced"]).to_contain_text("Studsade")
    _toasts_gone(page)

    page.get_by_role("button", name="English").click()
    expect(rows["delivered"]).to_contain_text("Delivered")
    expect(rows["bounced"]).to_contain_text("Bounced")
    expect(rows["complained"]).to_contain_text("Marked as spam")
    assert_accessible(page)
    page.get_by_role("button", name="Svenska").click()
    expect(rows["delivered"]).to_contain_text("Levererad")


def test_the_profile_shows_what_became_of_the_invitation_mail(new_page, portal):
    """A person without a password gets Skicka e-postinbjudan; Resend reports on it."""
    user_id = add_person(portal, "welma.webhook", first="Welma", last="Webhook", with_email=True)
    email = "welma.webhook@demo-omsorg.example"
    page = new_page()
    log_in(page, "enhetsadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)
    page.goto(f"/anvandare/{user_id}")
    expect(page).to_have_url(re.compile(rf"/anvandare/{user_id}/?$"))
    wait_until_ready(page)
    page.get_by_role("button", name="Skicka e-postinbjudan").click()
    expect(page.get_by_text(f"En e-postinbjudan är på väg till {email}.")).to_be_visible()
    fake = portal.fake_resend
    fake.wait_for_mail(email)
    latest = page.locator("#invitation-delivery")
    history = page.get_by_role("table").filter(has_text="Välkomstmejl")

    assert fake.webhook("email.delivered", email) == 200
    _eventually(page, latest, "Senaste inbjudan: Levererad")
    expect(history).to_contain_text("Levererad")
    assert_accessible(page)

    assert fake.webhook("email.bounced", email) == 200
    _eventually(page, latest, "Senaste inbjudan: Studsade")
    expect(history).to_contain_text("Studsade")
    expect(page.locator("#email-stopped-notice")).to_have_text(
        "Inga fler mejl skickas till adressen förrän den byts."
    )
    page.get_by_role("button", name="Skicka ny inbjudan").click()
    expect(page.locator("#invitation-error")).to_contain_text("Byt adress först.")
    assert fake.count_to(email) == 1
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(latest).to_have_text("Latest invitation: Bounced")
    # The mail history's kind and state switch with the language, without a reload.
    expect(page.get_by_role("table").filter(has_text="Welcome")).to_contain_text("Bounced")
    expect(page.locator("#email-stopped-notice")).to_have_text(
        "No more mail goes to this address until it is changed."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Svenska").click()


def test_an_unsigned_call_to_the_webhook_is_refused(portal):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310
        portal.url("/webhooks/resend").replace("localhost", "127.0.0.1"),
        data=b'{"type": "email.bounced", "data": {"email_id": "x"}}',
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310
    assert refused.value.code == 401

"""A personnummer travels only in the frame that answers an authorised Visa (issue 11, B).

Never in the app's log, a URL, a mail, an audit event, another websocket frame, nor the
server-side state store; and it leaves the page when the admin navigates away.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from admin_portal.models import UserType
from tests.e2e.accounts import add_person, audit_details
from tests.e2e.conftest import Portal, log_in, wait_until_ready
from tests.e2e.frames import watch_traffic

pytestmark = pytest.mark.e2e

REVEALED = "195504041004"
NEVER_REVEALED = "197208081013"


def _forms(twelve_digits: str) -> list[str]:
    """The ways a number can be written: 12 or 10 digits, with or without the dash."""
    ten = twelve_digits[2:]
    return [ten, f"{ten[:6]}-{ten[6:]}"]  # each also matches its 12-digit form


def _mentions(text: str, twelve_digits: str) -> bool:
    return any(form in text for form in _forms(twelve_digits))


def test_a_personnummer_travels_only_in_the_answer_to_an_authorised_visa(new_page, portal: Portal):
    log_start = portal.log.stat().st_size
    shown = add_person(
        portal,
        "vera.visad",
        first="Vera",
        last="Visad",
        national_id=REVEALED,
        user_type=UserType.BRUKARE,
    )
    unseen = add_person(
        portal,
        "olof.oppnad",
        first="Olof",
        last="Öppnad",
        national_id=NEVER_REVEALED,
        user_type=UserType.BRUKARE,
    )
    page = new_page()
    traffic = watch_traffic(page)
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)

    page.goto(f"/anvandare/{unseen}")
    wait_until_ready(page)
    expect(page.locator("#national-id-value")).to_have_text("19720808-****")
    # A mail about this person (checked below with every other mail of the session).
    page.locator("#verification-email").fill("olof.oppnad@demo-omsorg.example")
    page.get_by_role("button", name="Skicka verifieringsmeddelande").click()
    portal.fake_resend.wait_for_mail("olof.oppnad@demo-omsorg.example")

    page.goto(f"/anvandare/{shown}")
    wait_until_ready(page)
    expect(page.locator("#national-id-value")).to_have_text("19550404-****")
    before_visa = len(traffic.received)
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.locator("#national-id-value")).to_have_text("19550404-1004")
    after_visa = len(traffic.received)

    # Leaving the profile (a client-side navigation) drops it from the page, and a reload
    # elsewhere (a full hydrate of every substate) does not bring it back.
    page.get_by_role("navigation").get_by_role("link", name="Användare").click()
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)
    assert not _mentions(page.content(), REVEALED)
    page.reload()
    wait_until_ready(page)
    # The server-side state store (disk pickles, or the cluster's Redis), once the disk
    # state manager's debounced writes have landed.
    time.sleep(3)
    stored = portal.state_store_bytes()
    assert stored, "the state manager stored nothing: is it still the state store?"
    assert not any(form.encode() in stored for form in _forms(REVEALED))
    page.go_back()
    wait_until_ready(page)
    expect(page.locator("#national-id-value")).to_have_text("19550404-****")
    expect(page.get_by_role("button", name="Visa", exact=True)).to_be_visible()

    # Websocket frames: only the answer to Visa carries the number.
    carrying = [i for i, frame in enumerate(traffic.received) if _mentions(frame, REVEALED)]
    assert len(carrying) == 1, carrying
    assert before_visa <= carrying[0] < after_visa
    assert "revealed_national_id" in traffic.received[carrying[0]]
    assert [f for f in traffic.received if _mentions(f, NEVER_REVEALED)] == []
    assert [f for f in traffic.sent if _mentions(f, REVEALED) or _mentions(f, NEVER_REVEALED)] == []
    # URLs, including the websocket's.
    assert [u for u in traffic.urls if _mentions(u, REVEALED) or _mentions(u, NEVER_REVEALED)] == []
    # Audit: the reveal is recorded, the number is not.
    audit = audit_details(portal)
    assert f"national_id_revealed user {shown} ok " in "\n".join(audit)
    assert [a for a in audit if _mentions(a, REVEALED) or _mentions(a, NEVER_REVEALED)] == []
    # Every mail the portal has sent in this test session.
    mails = str(portal.fake_resend.emails())
    assert not _mentions(mails, REVEALED) and not _mentions(mails, NEVER_REVEALED)
    # The app's log.
    with portal.log.open(errors="replace") as log:
        log.seek(log_start)
        output = log.read()
    assert not _mentions(output, REVEALED) and not _mentions(output, NEVER_REVEALED)


def test_an_admin_without_the_right_gets_no_number_in_any_frame(new_page, portal: Portal):
    person = add_person(
        portal,
        "nils.nekad",
        first="Nils",
        last="Nekad",
        national_id="197208081021",
        user_type=UserType.BRUKARE,
    )
    page = new_page()
    traffic = watch_traffic(page)
    log_in(page, "enhetsadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)
    page.goto(f"/anvandare/{person}")
    wait_until_ready(page)
    expect(page.locator("#national-id-value")).to_have_text("19720808-****")
    expect(page.get_by_role("button", name="Visa", exact=True)).to_have_count(0)
    assert [f for f in traffic.received if _mentions(f, "197208081021")] == []

"""Input that arrives early survives the page's on_load (issue 14).

Each signed-out form is used the way a password manager uses it: the fields are filled the
moment they exist in the page (an init script watching the DOM, before hydration and before
on_load has run) and the form is submitted at once, without waiting for the page to be ready.
The story: Glömt lösenord? from the login page's link, the mailed Välj lösenord link, Logga
in with the new password; and an invitation accepted the same way, whose person later signs
in again and lands on Mina tjänster ("Ordinary users"). Part of it runs in English.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Portal, assert_accessible, wait_until_ready
from tests.e2e.test_invitation_acceptance import _invite

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "en lösenfras som fylls i av en lösenordshanterare"
SUBMIT = "form button[type=submit]"

# What a password manager does: fill a field as soon as it is in the DOM (through the native
# value setter, with the input and change events a real fill sends), once per element.
_AUTOFILL = """
(() => {
  const values = %s;
  const filled = new WeakSet();
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const fill = () => {
    for (const [id, value] of Object.entries(values)) {
      const field = document.getElementById(id);
      if (!field || filled.has(field)) continue;
      filled.add(field);
      setter.call(field, value);
      field.dispatchEvent(new Event('input', {bubbles: true}));
      field.dispatchEvent(new Event('change', {bubbles: true}));
    }
  };
  new MutationObserver(fill).observe(document, {childList: true, subtree: true});
  document.addEventListener('DOMContentLoaded', fill);
})();
"""


def _with_password_manager(page: Page, values: dict[str, str], *, lang: str = "") -> Page:
    page.context.add_init_script(_AUTOFILL % json.dumps(values))
    if lang:  # the browser's stored choice, as the language switch leaves it
        page.context.add_init_script(f"localStorage.setItem('admin_portal_lang', '{lang}')")
    return page


def test_forgot_password_from_the_login_link_then_set_password_then_log_in(
    new_page, portal: Portal
):
    address = "gunilla.agent@demo-omsorg.example"
    before = portal.fake_resend.count_to(address)
    page = _with_password_manager(new_page(), {"forgot-identifier": "gunilla.agent"})
    page.goto("/logga-in", wait_until="commit")
    page.get_by_role("link", name="Glömt lösenord?").click()
    page.locator(SUBMIT).click()  # at once: no wait for hydration or on_load
    expect(page.get_by_role("status")).to_contain_text("har vi skickat en länk")
    mail = portal.fake_resend.wait_for_mail(address, after=before)
    link = re.search(
        r"http://localhost:\d+/satt-losenord\?token=[\w-]+", mail.get("body", mail)["text"]
    )
    assert link is not None

    chooser = _with_password_manager(
        new_page(), {"new-password": NEW_PASSWORD, "repeat-password": NEW_PASSWORD}, lang="en"
    )
    chooser.goto(link.group(0), wait_until="commit")
    chooser.locator(SUBMIT).click()
    expect(chooser.get_by_role("status")).to_contain_text("Your password is saved")
    assert_accessible(chooser)

    login = _with_password_manager(
        new_page(), {"login-username": "gunilla.agent", "login-password": NEW_PASSWORD}
    )
    login.goto("/logga-in", wait_until="commit")
    login.locator(SUBMIT).click()
    # A standard user with nothing ordered lands on Mitt konto.
    expect(login).to_have_url(re.compile(r"/mitt-konto/?$"))
    expect(login.get_by_role("heading", name="Mitt konto")).to_be_visible()


def test_an_invitation_accepted_by_a_password_manager_then_signing_in_lands_on_mina_tjanster(
    new_page, portal: Portal
):
    raw = _invite(
        portal, first_name="Pia", last_name="Parat", email="pia.parat@demo-omsorg.example"
    )
    fields = {"invite-username": "pia.parat"}
    fields |= {"invite-password": NEW_PASSWORD, "invite-repeat": NEW_PASSWORD}
    page = _with_password_manager(new_page(), fields)
    page.goto(f"/inbjudan?token={raw}", wait_until="commit")
    page.locator(SUBMIT).click()
    expect(page).to_have_url(re.compile(r"/mina-tjanster/?$"))
    wait_until_ready(page)
    expect(page.locator("#my-services")).to_contain_text("Terapisamtal")

    # Later, in another browser, in English: "Ordinary users" land on My services.
    later = _with_password_manager(
        new_page(), {"login-username": "pia.parat", "login-password": NEW_PASSWORD}, lang="en"
    )
    later.goto("/logga-in", wait_until="commit")
    later.locator(SUBMIT).click()
    expect(later).to_have_url(re.compile(r"/mina-tjanster/?$"))
    expect(later.get_by_role("heading", name="My services")).to_be_visible()
    assert_accessible(later)

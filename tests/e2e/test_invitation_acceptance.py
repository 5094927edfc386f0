"""F4.8 from the invitee's chair: open the link in a fresh browser, create the account, land
in Mina tjänster; then Kundtjänst sees the new case in its inbox.

The invitation is written straight into the portal's database (the admin side has its own
e2e test that sends one by mail), with a token hashed under the portal's secret key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from admin_portal.db import make_engine
from admin_portal.models import (
    Company,
    CostCentre,
    Invitation,
    InvitationStatus,
    Service,
    ServiceOrder,
    SupportNotification,
    Unit,
    User,
)
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    PORTAL_SECRET_KEY,
    Portal,
    assert_accessible,
    log_in,
    wait_until_ready,
)

pytestmark = pytest.mark.e2e

PASSWORD = "mitt nya konto har en lång fras"
CASE_TEXT = "Behöver stöd efter en tung period på jobbet"


def _invite(
    portal: Portal,
    *,
    first_name: str = "Elin",
    last_name: str = "Inbjudensson",
    email: str = "elin.inbjudensson@demo-omsorg.example",
) -> str:
    """An invitation to Terapisamtal in Hemtjänst Centrum; returns the raw link token."""
    raw = secrets.token_urlsafe(32)
    engine = make_engine(portal.database_url)
    try:
        with Session(engine) as s:
            company = s.exec(select(Company).where(Company.name == "Demo Omsorg Norr AB")).one()
            unit = s.exec(select(Unit).where(Unit.name == "Hemtjänst Centrum")).one()
            inviter = s.exec(select(User).where(User.username_key == "huvudadmin")).one()
            service = s.exec(
                select(Service).where(
                    Service.organisation_id == company.organisation_id, Service.code == "therapy"
                )
            ).one()
            centre = s.exec(
                select(CostCentre).where(CostCentre.organisation_id == company.organisation_id)
            ).first()
            assert centre is not None
            invitation = Invitation(
                organisation_id=company.organisation_id,
                company_id=company.id,
                unit_id=unit.id,
                first_name=first_name,
                last_name=last_name,
                email=email,
                email_key=email.casefold(),
                phone="+46705550101",
                status=InvitationStatus.SENT,
                token_hash=hmac.new(
                    PORTAL_SECRET_KEY.encode(), raw.encode(), hashlib.sha256
                ).hexdigest(),
                expires_at=datetime.now(UTC) + timedelta(hours=72),
                invited_by_id=inviter.id,
            )
            s.add(invitation)
            s.flush()
            order = ServiceOrder(
                organisation_id=company.organisation_id,
                invitation_id=invitation.id,
                service_id=service.id,
                cost_centre_id=centre.id,
                credits=service.credits,
                details=json.dumps({"case_description": CASE_TEXT}, ensure_ascii=False),
                created_by_id=inviter.id,
            )
            s.add(order)
            s.flush()
            s.add(SupportNotification(organisation_id=company.organisation_id, order_id=order.id))
            s.commit()
    finally:
        engine.dispose()
    return raw


def test_the_invitee_creates_the_account_and_support_sees_the_case(new_page, portal: Portal):
    raw = _invite(portal)
    page = new_page()  # a fresh context: no cookies, like a browser opened from the mail
    page.goto(f"/inbjudan?token={raw}")
    wait_until_ready(page)
    expect(page.get_by_text("Hej Elin!")).to_be_visible()
    expect(page.locator("#invited-services")).to_contain_text("Terapisamtal")
    assert_accessible(page)

    # A username held by someone in another organisation: refused at the field, nothing lost.
    page.get_by_label("Användarnamn").fill("Kundtjanst")
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_label("Upprepa lösenordet").fill(PASSWORD)
    page.get_by_role("button", name="Skapa konto").click()
    expect(page.locator("#invite-username-error")).to_have_text(
        "Användarnamnet är upptaget. Välj ett annat."
    )
    expect(page.get_by_label("Användarnamn")).to_have_value("Kundtjanst")
    expect(page.get_by_label("Upprepa lösenordet")).to_have_value(PASSWORD)
    assert_accessible(page)

    page.get_by_label("Användarnamn").fill("elin.inbjuden")
    page.get_by_role("button", name="Skapa konto").click()
    expect(page).to_have_url(re.compile(r"/mina-tjanster/?$"))
    wait_until_ready(page)
    expect(page.locator("#my-services")).to_contain_text("Terapisamtal")
    expect(page.locator("#my-services")).to_contain_text("Vår kundtjänst kontaktar dig")

    # The link is spent: opening it again says so and points to the login.
    again = new_page()
    again.goto(f"/inbjudan?token={raw}")
    wait_until_ready(again)
    expect(again.get_by_role("alert")).to_contain_text("Inbjudan har redan använts")

    support = new_page()
    log_in(support, "kundtjanst", DEMO_PASSWORD)
    expect(support).to_have_url(re.compile(r"/kundtjanst/?$"))
    # The header names the support role and claims no administered scope.
    expect(support.locator("header")).to_contain_text("(Kundtjänst)")
    expect(support.locator("header")).not_to_contain_text("Du administrerar")
    wait_until_ready(support)
    case = support.locator("#support-rows tr").filter(has_text="Elin Inbjudensson")
    expect(case).to_contain_text("Terapisamtal")
    # F4.5 (issue 14): the case text goes to the chosen therapist only, never to support.
    expect(case).not_to_contain_text(CASE_TEXT)
    expect(case).to_contain_text("+46705550101")
    case.get_by_role("button", name="Markera som hanterad").click()
    expect(support.locator("#support-rows tr").filter(has_text="Elin Inbjudensson")).to_have_count(
        0
    )


def test_a_made_up_link_gets_a_clear_page_and_non_support_get_not_found(new_page):
    page = new_page()
    page.goto("/inbjudan?token=finns-inte")
    wait_until_ready(page)
    expect(page.get_by_role("alert")).to_contain_text("Länken är ogiltig")

    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare"))
    page.goto("/kundtjanst")
    wait_until_ready(page)
    expect(page.get_by_role("heading", name="Sidan hittades inte.")).to_be_visible()

"""Granskningslogg in the browser: Swedish words, scope, a filter in the URL and keyset pages.

Events are written straight into the portal's database (many of them, so there are pages);
the page must show a unit admin only the events about their own people.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from admin_portal.db import make_engine
from admin_portal.models import AuditEvent, User, utcnow
from tests.e2e.conftest import assert_accessible, log_in, wait_until_ready

INSIDE = "anna.brukare"  # Hemtjänst Centrum: enhetsadmin's unit
OUTSIDE = "david.assistent"  # Personlig assistans Syd: another company


@pytest.fixture(scope="module")
def reveals(portal) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(portal.database_url)
    try:
        with Session(engine) as session:
            ids = {
                u.username: u
                for u in session.exec(
                    select(User).where(User.username.in_(["huvudadmin", INSIDE, OUTSIDE]))  # type: ignore[attr-defined]
                ).all()
            }
            head, inside, outside = ids["huvudadmin"], ids[INSIDE], ids[OUTSIDE]
            now = utcnow()
            for i, person in enumerate([inside] * 55 + [outside]):
                session.add(
                    AuditEvent(
                        organisation_id=head.organisation_id,
                        actor_user_id=head.id,
                        action="national_id_revealed",
                        target_type="user",
                        target_id=str(person.id),
                        target_user_id=person.id,
                        created_at=now - timedelta(minutes=60 - i),
                    )
                )
            session.commit()
    finally:
        engine.dispose()


@pytest.mark.usefixtures("reveals")
def test_granskningslogg_in_swedish_scoped_filtered_and_paged(new_page):  # type: ignore[no-untyped-def]
    page = new_page()
    log_in(page, "enhetsadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    page.goto("/granskningslogg")
    wait_until_ready(page)

    expect(page.get_by_role("heading", name="Granskningslogg", level=1)).to_be_visible()
    for header in ["Tid", "Utförd av", "Händelse", "Gäller", "Utfall"]:
        expect(page.get_by_role("columnheader", name=header, exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Visade personnummer").first).to_be_visible()
    # A reveal about a person outside the unit admin's units is not theirs to see.
    expect(page.get_by_text("David Dahl")).to_have_count(0)
    assert_accessible(page)

    # A filter by person: in the URL, and the pages go forward and back.
    page.get_by_label("Gäller person (användarnamn)").fill(INSIDE)
    page.get_by_label("Händelse", exact=True).select_option("national_id_revealed")
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]person=anna\.brukare"))
    expect(page.get_by_role("cell", name="Anna Andersson (anna.brukare)")).to_have_count(50)
    page.get_by_role("button", name="Nästa sida").click()
    expect(page.get_by_text("Sida 2")).to_be_visible()
    expect(page.get_by_role("cell", name="Anna Andersson (anna.brukare)")).to_have_count(5)
    expect(page.get_by_role("button", name="Nästa sida")).to_be_disabled()
    assert_accessible(page)
    page.get_by_role("button", name="Föregående sida").click()
    expect(page.get_by_text("Sida 1")).to_be_visible()

    # The bookmark reloads the same view.
    page.reload()
    wait_until_ready(page)
    expect(page.get_by_label("Gäller person (användarnamn)")).to_have_value(INSIDE)
    expect(page.get_by_role("cell", name="Anna Andersson (anna.brukare)")).to_have_count(50)

    # A wrong filter is named at its field.
    page.get_by_label("Utförd av (användarnamn)").fill("finns.inte")
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.locator("#audit-actor-error")).to_have_text(
        "Det finns ingen användare med det användarnamnet i organisationen."
    )
    expect(page.get_by_label("Utförd av (användarnamn)")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


@pytest.mark.usefixtures("reveals")
def test_a_head_admin_sees_reveals_across_the_organisation(new_page):  # type: ignore[no-untyped-def]
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    page.goto("/granskningslogg?person=david.assistent")
    wait_until_ready(page)
    expect(page.get_by_role("cell", name="David Dahl (david.assistent)").first).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("columnheader", name="Time", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Revealed personnummer").first).to_be_visible()
    page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("columnheader", name="Tid", exact=True)).to_be_visible()

"""F1.3 as an administrator uses it: export the template, fill in e-mail, import, apply."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from admin_portal.db import make_engine
from admin_portal.models import Company, User
from admin_portal.validation.identifiers import username_key
from tests.e2e.conftest import Portal, assert_accessible, log_in, wait_until_ready

pytestmark = pytest.mark.e2e

NEW_ADDRESS = "ivar.import@demo-omsorg.example"


def _add_people_without_email(portal: Portal) -> int:
    """Two people nobody gave an address yet (the demo gives everyone one)."""
    engine = make_engine(portal.database_url)
    try:
        with Session(engine) as session:
            company = session.exec(
                select(Company).where(Company.name == "Demo Omsorg Norr AB")
            ).one()
            ids = {}
            for username, first in (("ivar.import", "Ivar"), ("julia.import", "Julia")):
                user = User(
                    organisation_id=company.organisation_id,
                    company_id=company.id,
                    first_name=first,
                    last_name="Importsson",
                    username=username,
                    username_key=username_key(username),
                )
                session.add(user)
                session.flush()
                ids[username] = user.id
            session.commit()
        return ids["ivar.import"]
    finally:
        engine.dispose()


def _edited(exported: bytes) -> bytes:
    """The exported file as an admin edits it in a spreadsheet, saved again as CSV."""
    text = exported.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = rows[0]
    username, email = header.index("Användarnamn"), header.index("E-post")
    for row in rows[1:]:
        if row[username] == "ivar.import":
            row[email] = NEW_ADDRESS
        elif row[username] == "julia.import":
            row[email] = "julia.import@"  # not an address
    unknown = [""] * len(header)
    unknown[username], unknown[email] = "ingen.sadan.person", "ingen@demo-omsorg.example"
    rows.append(unknown)
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def _preview_row(page: Page, username: str):
    return page.locator("#import-rows tr").filter(
        has=page.get_by_role("rowheader", name=username, exact=True)
    )


def test_export_edit_import_preview_and_apply(new_page, portal: Portal, tmp_path: Path):
    user_id = _add_people_without_email(portal)
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    page.goto("/anvandare/import")
    wait_until_ready(page)
    expect(page.get_by_role("heading", name="Importera användare", level=1)).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exportera (CSV)").click()
    download = download_info.value
    assert re.fullmatch(r"anvandare-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    exported = Path(download.path()).read_bytes()
    assert exported.startswith(b"\xef\xbb\xbf")
    first_line = exported.decode("utf-8-sig").splitlines()[0]
    assert first_line.startswith("Användarnamn;Förnamn;Efternamn;Företag;Enhet;Användartyp;E-post")
    assert "ivar.import;Ivar;Importsson;Demo Omsorg Norr AB;;" in exported.decode("utf-8-sig")

    edited = tmp_path / download.suggested_filename
    edited.write_bytes(_edited(exported))
    page.locator("#import-file input[type=file]").set_input_files(str(edited))
    expect(page.locator("#import-selected")).to_contain_text(edited.name)
    page.get_by_role("button", name="Förhandsgranska").click()

    expect(page.get_by_role("heading", name=f"Förhandsgranskning av {edited.name}")).to_be_visible()
    summary = page.locator("#import-summary")
    expect(summary).to_contain_text("E-postadressen läggs till: 1")
    expect(summary).to_contain_text("Avvisad: ogiltig e-postadress: 1")
    expect(summary).to_contain_text("Avvisad: okänt användarnamn: 1")
    expect(page.get_by_text("1 användare får en ny e-postadress")).to_be_visible()
    page.get_by_label("Visa rader").select_option(label="E-postadressen läggs till")
    expect(_preview_row(page, "ivar.import")).to_contain_text(NEW_ADDRESS)
    expect(_preview_row(page, "ivar.import")).to_contain_text("E-postadressen läggs till")
    page.get_by_label("Visa rader").select_option(label="Alla rader")
    page.get_by_label("Visa rader").select_option(label="Avvisad: ogiltig e-postadress")
    expect(_preview_row(page, "julia.import")).to_contain_text("Avvisad: ogiltig e-postadress")
    page.get_by_label("Visa rader").select_option(label="Avvisad: okänt användarnamn")
    expect(_preview_row(page, "ingen.sadan.person")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Verkställ import").click()
    job = page.locator("#import-job")
    expect(job).to_have_attribute("data-finished", "yes", timeout=30_000)
    expect(job).to_contain_text("Importen är verkställd: 1 e-postadresser uppdaterades")
    expect(page.get_by_role("button", name="Verkställ import")).to_have_count(0)

    with page.expect_download() as report_info:
        page.get_by_role("link", name="Ladda ner radrapporten (CSV)").click()
    report = Path(report_info.value.path()).read_bytes().decode("utf-8-sig")
    assert (
        f"ivar.import;{NEW_ADDRESS};E-postadressen läggs till;E-postadressen uppdaterades" in report
    )
    assert "julia.import;julia.import@;Avvisad: ogiltig e-postadress;Inget ändrades" in report

    # A reload shows the same import and its result.
    page.reload()
    wait_until_ready(page)
    expect(page.locator("#import-job")).to_contain_text("Importen är verkställd")

    page.goto(f"/anvandare/{user_id}")
    wait_until_ready(page)
    expect(page.get_by_role("heading", name="Ivar Importsson")).to_be_visible()
    expect(page.get_by_label("E-post").first).to_have_value(NEW_ADDRESS)
    expect(page.get_by_text("Inte aktiv – e-postadressen är inte verifierad")).to_be_visible()


def test_the_users_list_exports_exactly_its_filtered_view(new_page):
    page = new_page()
    log_in(page, "huvudadmin")
    expect(page).to_have_url(re.compile(r"/anvandare/?$"))
    wait_until_ready(page)
    page.get_by_label("Företag").select_option(label="Demo Omsorg Syd AB")
    expect(page).to_have_url(re.compile(r"[?&]foretag=\d+"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exportera (Excel)").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exportera (CSV)").click()
    text = Path(download_info.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows, text
    assert {row["Företag"] for row in rows} == {"Demo Omsorg Syd AB"}
    assert "bengt.brukare" in {row["Användarnamn"] for row in rows}

    page.get_by_role("link", name="Importera användare").click()
    wait_until_ready(page)
    expect(page.get_by_role("heading", name="Importera användare", level=1)).to_be_visible()

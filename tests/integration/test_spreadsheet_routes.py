"""The F1.3 download routes over HTTP: cookie required, admins only, scope, content."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from starlette.applications import Starlette
from starlette.testclient import TestClient

from admin_portal import db, routes
from admin_portal.api.spreadsheet_routes import spreadsheet_routes
from admin_portal.auth.permissions import load_actor
from admin_portal.auth.tokens import hash_secret
from admin_portal.models import LoginSession, utcnow
from admin_portal.services.spreadsheets.import_preview import preview_import
from tests.support.factories import make_user
from tests.support.world import add_unit_admin, build_care_frame


@pytest.fixture
def client(app_db: None) -> TestClient:
    return TestClient(Starlette(routes=spreadsheet_routes), base_url="http://portal.test")


def _cookie(user_id: int) -> str:
    from datetime import timedelta

    raw = f"raw-session-token-{user_id}"
    with db.session_scope() as session:
        session.add(
            LoginSession(
                user_id=user_id,
                token_hash=hash_secret(raw),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    return raw


@pytest.fixture
def people(app_db: None) -> dict:
    with db.session_scope() as session:
        # The frame: nobody in the organisation but its head admin (the tests list every row).
        base = build_care_frame(
            session,
            head_username="head",
            company_name="Norr AB",
            company2_name="Syd AB",
            unit_a_name="Centrum",
            other_org_name="Annan",
            other_head_username="otherhead",
        )
        north, south, centre, head = base.company, base.company2, base.unit_a, base.head
        unit_admin = add_unit_admin(session, base, username="unitadmin")
        plain = make_user(session, north, username="plain", unit=centre, email="p@example.se")
        make_user(session, south, username="southerner", first_name="=1+1")
        other_head = base.other_head
        ids = {
            "head": head.id,
            "unit_admin": unit_admin.id,
            "plain": plain.id,
            "other_head": other_head.id,
            "south": south.id,
        }
    return ids


def test_export_needs_a_session_and_an_admin(client: TestClient, people: dict) -> None:
    anonymous = client.get("/api/anvandare/export.csv?q=x", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith(routes.LOGIN + "?next=")
    client.cookies.set("ap_session", _cookie(people["plain"]))
    assert client.get("/api/anvandare/export.csv").status_code == 403
    client.cookies.set("ap_session", "forged")
    assert client.get("/api/anvandare/export.csv", follow_redirects=False).status_code == 303


def test_csv_export_streams_the_filtered_view(client: TestClient, people: dict) -> None:
    client.cookies.set("ap_session", _cookie(people["head"]))
    response = client.get(routes.users_export_url("csv", {"foretag": str(people["south"])}))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith('attachment; filename="anvandare-')
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Användarnamn;Förnamn;Efternamn;Företag")
    assert lines[1:] == ["southerner;'=1+1;Person;Syd AB;;Medarbetare;;nej;"]
    english = client.get("/api/anvandare/export.csv?lang=en&foretag=" + str(people["south"]))
    assert english.content.decode("utf-8-sig").startswith("Username;First name")


def test_a_unit_admin_exports_their_scope_only(client: TestClient, people: dict) -> None:
    client.cookies.set("ap_session", _cookie(people["unit_admin"]))
    text = client.get("/api/anvandare/export.csv").content.decode("utf-8-sig")
    usernames = sorted(line.split(";")[0] for line in text.splitlines()[1:])
    assert usernames == ["plain", "unitadmin"]
    outside = client.get(f"/api/anvandare/export.csv?foretag={people['south']}")
    assert len(outside.content.decode("utf-8-sig").splitlines()) == 1  # the header only


def test_xlsx_export_is_a_workbook_of_text_cells(client: TestClient, people: dict) -> None:
    client.cookies.set("ap_session", _cookie(people["head"]))
    response = client.get(routes.users_export_url("xlsx", {}))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Användarnamn"
    assert {r[0] for r in rows[1:]} == {"head", "unitadmin", "plain", "southerner"}
    assert client.get("/api/anvandare/export.pdf").status_code == 404


def test_the_row_report_is_the_importers_only(client: TestClient, people: dict) -> None:
    with db.session_scope() as session:
        actor = load_actor(session, people["unit_admin"])
        summary = preview_import(
            session,
            actor=actor,
            filename="m.csv",
            data=b"Username;E-mail\nplain;new@example.se\nnobody;x@example.se\n",
        )
    url = routes.import_report_url(summary.id)
    client.cookies.set("ap_session", _cookie(people["unit_admin"]))
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "Rad;Användarnamn;E-post;Förhandsgranskning;Resultat",
        "2;plain;new@example.se;E-postadressen ändras (den nuvarande är inte verifierad);",
        "3;nobody;x@example.se;Avvisad: okänt användarnamn;",
    ]
    client.cookies.set("ap_session", _cookie(people["other_head"]))
    assert client.get(url).status_code == 404
    client.cookies.set("ap_session", _cookie(people["head"]))
    assert client.get(url).status_code == 200  # a head admin of the organisation may
    assert client.get(routes.import_report_url(summary.id + 99)).status_code == 404

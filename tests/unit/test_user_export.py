"""Export of the current search and filters as the Anställda/användare template."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from admin_portal.auth.permissions import load_actor
from admin_portal.models import AuditEvent, UserType
from admin_portal.search.query import UserQuery
from admin_portal.services.errors import PermissionDenied
from admin_portal.services.spreadsheets.export import export_filename, export_rows, start_export
from admin_portal.services.spreadsheets.sheets import csv_chunks, read_sheet
from admin_portal.services.users.list_params import fields_from_params, query_from_fields
from tests.support.factories import make_user
from tests.support.world import add_unit_admin, build_care_frame


@pytest.fixture
def people(session: Session):
    # The frame: nobody in the organisation but its head admin (the tests list every row).
    base = build_care_frame(
        session,
        head_username="head",
        company_name="Norr AB",
        company2_name="Syd AB",
        unit_a_name="Centrum",
    )
    north, south, centre, head = base.company, base.company2, base.unit_a, base.head
    unit_admin = add_unit_admin(session, base, username="unitadmin")
    anna = make_user(
        session,
        north,
        username="anna",
        first_name="Anna",
        last_name="Andersson",
        unit=centre,
        email="anna@example.se",
        verified=True,
        user_type=UserType.BRUKARE,
    )
    anna.mobile = "+46701234567"
    make_user(session, south, username="=evil", first_name='=HYPERLINK("x")', last_name="Syd")
    session.commit()
    return {
        "head": load_actor(session, head.id),
        "unit_admin": load_actor(session, unit_admin.id),
        "anna": anna,
        "plain": load_actor(session, anna.id),
        "south": south,
    }


def test_rows_hold_the_template_columns_in_the_admins_language(session: Session, people) -> None:
    rows = list(export_rows(session, actor=people["head"], query=UserQuery(), lang="sv"))
    assert rows[0] == [
        "Användarnamn",
        "Förnamn",
        "Efternamn",
        "Företag",
        "Enhet",
        "Användartyp",
        "E-post",
        "Inloggnings-e-post verifierad",
        "Mobilnummer",
    ]
    by_username = {r[0]: r for r in rows[1:]}
    assert by_username["anna"] == [
        "anna",
        "Anna",
        "Andersson",
        "Norr AB",
        "Centrum",
        "Brukare",
        "anna@example.se",
        "ja",
        "+46701234567",
    ]
    assert by_username["head"][4:] == ["", "Medarbetare", "", "nej", ""]
    english = list(export_rows(session, actor=people["head"], query=UserQuery(), lang="en"))
    assert english[0][0] == "Username"
    assert {r[0]: r for r in english[1:]}["anna"][5:8] == [
        "Care recipient",
        "anna@example.se",
        "yes",
    ]


def test_the_filter_and_the_scope_decide_the_rows(session: Session, people) -> None:
    def usernames(actor, params):
        query = query_from_fields(fields_from_params(params))
        return sorted(
            r[0] for r in list(export_rows(session, actor=actor, query=query, lang="sv"))[1:]
        )

    assert usernames(people["head"], {}) == ["=evil", "anna", "head", "unitadmin"]
    assert usernames(people["head"], {"foretag": str(people["south"].id)}) == ["=evil"]
    assert usernames(people["head"], {"q": "anna"}) == ["anna"]
    assert usernames(people["head"], {"epost": "verified"}) == ["anna"]
    # A unit admin gets their unit only, and a company outside it gives the header alone.
    assert usernames(people["unit_admin"], {}) == ["anna", "unitadmin"]
    assert usernames(people["unit_admin"], {"foretag": str(people["south"].id)}) == []


def test_rows_are_read_in_chunks(session: Session, people) -> None:
    rows = list(
        export_rows(session, actor=people["head"], query=UserQuery(), lang="sv", chunk_rows=1)
    )
    assert len(rows) == 5


def test_formulas_are_neutralised_in_the_file_and_read_back_exactly(
    session: Session, people
) -> None:
    data = b"".join(
        csv_chunks(export_rows(session, actor=people["head"], query=UserQuery(), lang="sv"))
    )
    text = data.decode("utf-8-sig")
    assert '\'=evil;"\'=HYPERLINK(""x"")";' in text and "'+46701234567" in text
    sheet = read_sheet(data, "x.csv", columns=("username", "first_name", "mobile"))
    values = {r.values["username"]: r.values for r in sheet.rows}
    assert values["=evil"]["first_name"] == '=HYPERLINK("x")'
    assert values["anna"]["mobile"] == "+46701234567"


def test_only_admins_export_and_each_export_is_audited(session: Session, people) -> None:
    with pytest.raises(PermissionDenied):
        start_export(session, actor=people["plain"], fmt="csv")
    with pytest.raises(PermissionDenied):
        list(export_rows(session, actor=people["plain"], query=UserQuery(), lang="sv"))
    start_export(session, actor=people["head"], fmt="xlsx")
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "users_exported")).one()
    assert event.detail == "format=xlsx"


def test_the_filename_has_the_date() -> None:
    from datetime import date

    assert export_filename("csv", today=date(2025, 5, 17)) == "anvandare-2025-05-17.csv"

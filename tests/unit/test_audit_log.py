"""Granskningslogg (issue 11, A.5): scope, filters, keyset pages and actions in words.

Head admins read their whole organisation's log; other admins read the events about people
placed in their companies or units, and their own actions. Nothing else: a unit admin must
not learn whose personnummer was revealed outside their units.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.i18n import EN, SV
from admin_portal.models import AuditEvent, User
from admin_portal.services.audit.events import (
    AUDIT_ACTIONS,
    record_admin_action,
    record_event,
    scrub_detail,
)
from admin_portal.services.audit.log import (
    AuditFilters,
    list_audit_events,
    parse_filters,
)
from admin_portal.services.errors import PermissionDenied, ValidationFailed
from tests.support.factories import Role, grant, make_unit, make_user
from tests.support.world import build_care_world

ROOT = Path(__file__).resolve().parents[2] / "admin_portal"
T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(session: Session) -> dict:
    """The shared world's company (A: units 1, 2) and company2 (B: unit 3); admins of each shape;
    people in each place; its other organisation's head admin as the stranger."""
    base = build_care_world(session, other_org_name="Annan org", other_head_username="stranger")
    org, a, b = base.org, base.company, base.company2
    u1, u2, u3 = base.unit_a, base.unit_b, make_unit(session, b)
    people = {
        "p1": make_user(session, a, unit=u1, username="p1"),
        "p2": make_user(session, a, unit=u2, username="p2"),
        "p3": make_user(session, b, unit=u3, username="p3"),
        "pa": make_user(session, a, username="pa"),  # company A, no unit
    }
    admins = {
        "unit": make_user(session, a, unit=u1, username="enhetsadmin"),
        "two_units": make_user(session, a, unit=u1, username="omradeschef"),
        "company": make_user(session, a, username="foretagsadmin"),
        "head": make_user(session, b, username="huvudadmin"),
    }
    grant(session, admins["unit"], Role.ADMIN, unit=u1)
    grant(session, admins["two_units"], Role.ADMIN, unit=u1)
    grant(session, admins["two_units"], Role.ADMIN, unit=u2)
    grant(session, admins["company"], Role.ADMIN, company=a)
    grant(session, admins["head"], Role.HEAD_ADMIN)
    stranger = base.other_head
    session.flush()
    actors = {name: load_actor(session, user.id or 0) for name, user in admins.items()}
    actors["stranger"] = load_actor(session, stranger.id or 0)
    return {"people": people, "admins": admins, "actors": actors, "org": org, "units": (u1, u2)}


def _at(session: Session, event: AuditEvent, moment: datetime) -> None:
    event.created_at = moment
    session.add(event)
    session.flush()


def _reveal(session: Session, actor: Actor, person: User, moment: datetime = T0) -> None:
    _at(
        session,
        record_admin_action(session, actor=actor, action="national_id_revealed", user_id=person.id),
        moment,
    )


def _seen(session: Session, reader: Actor, **filters: object) -> set[tuple[str, str]]:
    """(action, target username) of every event the reader can page through."""
    parsed = parse_filters(session, actor=reader, raw=filters) if filters else None
    seen, cursor = [], None
    while True:
        page = list_audit_events(session, actor=reader, filters=parsed, cursor=cursor)
        seen.extend((row.action, row.target_sv) for row in page.rows)
        cursor = page.next_cursor
        if cursor is None:
            return {(action, re.sub(r".*\((.*)\)", r"\1", target)) for action, target in seen}


def test_a_unit_admin_does_not_see_reveals_about_people_outside_their_unit(
    session: Session, world: dict
) -> None:
    head, people = world["actors"]["head"], world["people"]
    for person in people.values():
        _reveal(session, head, person)

    seen = _seen(session, world["actors"]["unit"])

    assert seen == {("national_id_revealed", "p1")}


def test_a_two_unit_admin_sees_both_units_and_a_company_admin_the_company(
    session: Session, world: dict
) -> None:
    head, people = world["actors"]["head"], world["people"]
    for person in people.values():
        _reveal(session, head, person)

    two_units = {target for _, target in _seen(session, world["actors"]["two_units"])}
    company = {target for _, target in _seen(session, world["actors"]["company"])}
    everything = {target for _, target in _seen(session, head)}

    assert two_units == {"p1", "p2"}
    assert company == {"p1", "p2", "pa"}
    assert everything == {"p1", "p2", "p3", "pa"}


def test_own_actions_stay_visible_after_the_person_moved_out_of_scope(
    session: Session, world: dict
) -> None:
    unit_admin, people = world["actors"]["unit"], world["people"]
    record_admin_action(session, actor=unit_admin, action="user_updated", user_id=people["p1"].id)
    record_admin_action(session, actor=unit_admin, action="bulk_verification_started", user_id=None)
    people["p1"].unit_id = world["units"][1].id  # moved to U2
    session.add(people["p1"])
    session.flush()

    seen = _seen(session, unit_admin)

    assert seen == {("user_updated", "p1"), ("bulk_verification_started", "–")}


def test_a_head_admin_never_sees_another_organisation(session: Session, world: dict) -> None:
    stranger = world["actors"]["stranger"]
    record_event(
        session,
        action="login",
        organisation_id=stranger.organisation_id,
        actor_user_id=stranger.user_id,
        target_type="user",
        target_id=stranger.user_id,
    )
    _reveal(session, world["actors"]["head"], world["people"]["p1"])

    assert _seen(session, world["actors"]["head"]) == {("national_id_revealed", "p1")}
    assert _seen(session, stranger) == {("login", "stranger")}


def test_people_who_administer_nothing_are_refused(session: Session, world: dict) -> None:
    person = world["people"]["p1"]
    plain = load_actor(session, person.id or 0)
    assert plain is not None
    with pytest.raises(PermissionDenied):
        list_audit_events(session, actor=plain)
    with pytest.raises(PermissionDenied):
        parse_filters(session, actor=plain, raw={"actor": "enhetsadmin"})


def test_pages_are_newest_first_without_gaps_or_repeats(session: Session, world: dict) -> None:
    head, person = world["actors"]["head"], world["people"]["p1"]
    # 120 events; pairs share a timestamp so the id must break the tie.
    for i in range(120):
        _reveal(session, head, person, T0 + timedelta(seconds=i // 2))

    pages, cursor = [], None
    while True:
        page = list_audit_events(session, actor=head, cursor=cursor)
        pages.append(page.rows)
        cursor = page.next_cursor
        if cursor is None:
            break

    assert [len(p) for p in pages] == [50, 50, 20]
    ids = [row.id for rows in pages for row in rows]
    assert len(set(ids)) == 120
    expected = sorted(
        session.exec(select(AuditEvent.created_at, AuditEvent.id)).all(),
        key=lambda r: (r[0], r[1]),
        reverse=True,
    )
    assert ids == [event_id for _, event_id in expected]


@pytest.mark.parametrize(("reader", "queries"), [("head", 1), ("two_units", 2)])
def test_a_page_is_a_fixed_number_of_queries_with_names_joined(
    engine: Engine, session: Session, world: dict, reader: str, queries: int
) -> None:
    """No query per row: one for the page (names joined), plus the scope's size probe."""
    head, people = world["actors"]["head"], world["people"]
    for _ in range(10):
        for person in people.values():
            _reveal(session, head, person)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        page = list_audit_events(session, actor=world["actors"][reader])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == queries
    assert {row.actor for row in page.rows} == {"Test Person (huvudadmin)"}


def test_a_dense_scope_reads_the_same_events_as_a_sparse_one(
    session: Session, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from admin_portal.services.audit import log as audit_log

    head, people = world["actors"]["head"], world["people"]
    for i in range(30):
        for person in people.values():
            _reveal(session, head, person, T0 + timedelta(seconds=i))
    record_admin_action(
        session, actor=world["actors"]["unit"], action="bulk_verification_started", user_id=None
    )
    for reader in ("unit", "two_units", "company"):
        sparse = _seen(session, world["actors"][reader])
        ids_sparse = [r.id for r in list_audit_events(session, actor=world["actors"][reader]).rows]
        monkeypatch.setattr(audit_log, "_SPARSE_EVENTS", 1)  # forces the time-ordered walk
        assert _seen(session, world["actors"][reader]) == sparse
        dense_ids = [r.id for r in list_audit_events(session, actor=world["actors"][reader]).rows]
        assert dense_ids == ids_sparse
        monkeypatch.undo()


def test_actions_are_named_in_words_in_both_languages(session: Session, world: dict) -> None:
    _reveal(session, world["actors"]["head"], world["people"]["p1"])
    [row] = list_audit_events(session, actor=world["actors"]["head"]).rows
    assert (row.action_sv, row.action_en) == ("Visade personnummer", "Revealed personnummer")
    assert (row.outcome_sv, row.outcome_en) == ("Lyckades", "Succeeded")
    assert row.target_sv == "Test Person (p1)"


def test_an_unknown_action_shows_its_code(session: Session, world: dict) -> None:
    head = world["actors"]["head"]
    record_event(
        session, action="something_new", organisation_id=head.organisation_id, actor_user_id=None
    )
    [row] = list_audit_events(session, actor=head).rows
    assert (row.action_sv, row.action_en, row.target_sv) == ("something_new", "something_new", "–")


# -- filters ---------------------------------------------------------------------------------


def test_filters_by_actor_person_action_and_dates(session: Session, world: dict) -> None:
    head, unit_admin, people = world["actors"]["head"], world["actors"]["unit"], world["people"]
    _reveal(session, head, people["p1"], T0)
    _reveal(session, head, people["p2"], T0 + timedelta(days=1))
    _at(
        session,
        record_admin_action(
            session, actor=unit_admin, action="user_updated", user_id=people["p1"].id
        ),
        T0 + timedelta(days=2),
    )

    assert _seen(session, head, actor="ENHETSADMIN") == {("user_updated", "p1")}
    assert _seen(session, head, person="p1") == {
        ("national_id_revealed", "p1"),
        ("user_updated", "p1"),
    }
    assert _seen(session, head, action="national_id_revealed") == {
        ("national_id_revealed", "p1"),
        ("national_id_revealed", "p2"),
    }
    day = (T0 + timedelta(days=1)).date().isoformat()
    assert _seen(session, head, date_from=day, date_to=day) == {("national_id_revealed", "p2")}
    assert _seen(session, head, date_from=day) == {
        ("national_id_revealed", "p2"),
        ("user_updated", "p1"),
    }
    # Filters never widen the scope: the unit admin asking about p2 gets nothing.
    assert _seen(session, unit_admin, person="p2") == set()


def test_dates_are_Swedish_local_days(session: Session, world: dict) -> None:
    head = world["actors"]["head"]
    # 23:30 UTC on 30 November is 00:30 on 1 December in Stockholm.
    _reveal(session, head, world["people"]["p1"], datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    assert _seen(session, head, date_from="2026-12-01", date_to="2026-12-01")
    assert not _seen(session, head, date_to="2026-11-30")
    [row] = list_audit_events(session, actor=head).rows
    assert row.created_at == "2026-12-01 00:30:00"


@pytest.mark.parametrize(
    ("raw", "errors"),
    [
        ({"actor": "nobody"}, {"actor": "audit.filter.no_such_user"}),
        ({"person": "stranger"}, {"person": "audit.filter.no_such_user"}),  # other organisation
        ({"action": "drop table"}, {"action": "audit.filter.bad_action"}),
        ({"date_from": "2026-13-01"}, {"date_from": "audit.filter.bad_date"}),
        ({"date_to": "igår"}, {"date_to": "audit.filter.bad_date"}),
        ({"date_from": "٢٠٢٦-١٢-٠١"}, {"date_from": "audit.filter.bad_date"}),
        (
            {"date_from": "2026-12-02", "date_to": "2026-12-01"},
            {"date_to": "audit.filter.date_order"},
        ),
        ({"actor": 42}, {"actor": "audit.filter.invalid"}),
        ({"person": ["p1"]}, {"person": "audit.filter.invalid"}),
        ({"action": "x" * 5000}, {"action": "audit.filter.invalid"}),
        (
            {"actor": "nobody", "date_to": "x"},
            {"actor": "audit.filter.no_such_user", "date_to": "audit.filter.bad_date"},
        ),
    ],
)
def test_every_bad_filter_gets_a_message_at_its_field(
    session: Session, world: dict, raw: dict, errors: dict
) -> None:
    with pytest.raises(ValidationFailed) as failure:
        parse_filters(session, actor=world["actors"]["head"], raw=raw)
    assert failure.value.errors == errors
    for key in errors.values():
        assert key in SV and key in EN


def test_filters_that_are_not_a_mapping_mean_no_filters(session: Session, world: dict) -> None:
    for raw in (None, "actor=x", ["actor"], 7):
        assert parse_filters(session, actor=world["actors"]["head"], raw=raw) == AuditFilters()


@pytest.mark.parametrize("cursor", ["x", "1.2.3", "-1.5", "9" * 21 + ".1", 5, ["1.1"], "1e3.1"])
def test_a_forged_cursor_is_refused(session: Session, world: dict, cursor: object) -> None:
    with pytest.raises(ValidationFailed) as failure:
        list_audit_events(session, actor=world["actors"]["head"], cursor=cursor)
    assert failure.value.errors == {"cursor": "audit.bad_cursor"}


def test_a_cursor_cannot_reach_outside_the_scope(session: Session, world: dict) -> None:
    head, people = world["actors"]["head"], world["people"]
    _reveal(session, head, people["p3"], T0)
    # A cursor far in the future starts at the newest event: still scoped.
    page = list_audit_events(session, actor=world["actors"]["unit"], cursor="99999999999999999.1")
    assert page.rows == []


# -- what is recorded ----------------------------------------------------------------------------


def test_every_recorded_action_has_words_in_both_languages() -> None:
    recorded: set[str] = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text()
        recorded |= set(re.findall(r"\baction=\"([a-z_]+)\"", text))
        recorded |= set(re.findall(r"\"action\": \"([a-z_]+)\"", text))
    recorded.discard("store_true")  # argparse
    assert recorded, "the scan found the recorded actions"
    assert recorded <= set(AUDIT_ACTIONS), sorted(recorded - set(AUDIT_ACTIONS))
    for action in AUDIT_ACTIONS:
        assert f"audit.action.{action}" in SV, action
        assert f"audit.action.{action}" in EN, action


@pytest.mark.parametrize(
    "detail",
    [
        "pnr=19121212-1212",
        "pnr=121212-1212 och mer",
        "nr 201212121212",
        "samordning 19121272+1212",
        "token=Zm9vYmFyYmF6cXV4cXV1eHh4eHh4eHh4eHh4",
    ],
)
def test_details_never_keep_a_personnummer_or_a_secret(detail: str) -> None:
    cleaned = scrub_detail(detail) or ""
    assert not re.search(r"\d{6}[-+]?\d{4}", cleaned)
    assert "Zm9vYmFy" not in cleaned
    assert "[redacted]" in cleaned


def test_ordinary_details_are_kept(session: Session, world: dict) -> None:
    for detail in (
        "role=standard unit=12 services=digital_treatment,therapy",
        "credits=10 cost_centre=KS-100",
        "format=xlsx rows=2000",
        "365 days",
    ):
        assert scrub_detail(detail) == detail
    head = world["actors"]["head"]
    event_row = record_event(
        session,
        action="user_updated",
        organisation_id=head.organisation_id,
        actor_user_id=head.user_id,
        detail="pnr 19121212-1212",
    )
    assert event_row.detail == "pnr [redacted]"


def test_events_about_a_person_carry_the_person(session: Session, world: dict) -> None:
    head, person = world["actors"]["head"], world["people"]["p1"]
    about = record_admin_action(session, actor=head, action="user_updated", user_id=person.id)
    not_a_person = record_event(
        session,
        action="invitation_revoked",
        organisation_id=head.organisation_id,
        actor_user_id=head.user_id,
        target_type="invitation",
        target_id=person.id,
    )
    assert about.target_user_id == person.id
    assert not_a_person.target_user_id is None


# Every value an audit detail is built from, reviewed: ids, counts, codes and enumerations.
# A new caller that interpolates anything else fails here until someone has checked that it
# can never hold a secret or a personnummer (and added it).
_REVIEWED_DETAIL_VALUES = {
    "amount",  # credits, an int
    "centre.code",  # a cost centre's code
    "fmt if fmt in FORMATS else '?'",  # csv / xlsx
    "sheet.file_format",  # csv / xlsx
    "len(rows)",
    "clean.role",  # standard / admin
    "unit.id",
    "','.join(s.code for s in services)",  # service codes
    "total",  # a row count
    "user_id",
    "invitation.role",
    "days",  # retention days, an int
    "ended",  # other sessions ended by a password change, an int
    "action",  # services.denials: the refused handler's or route's name, never an argument
    "reason.value",  # services.denials.Reason
    "client.scopes",  # services.api_clients: validated ApiScope values
    "endpoint",  # api/machine.py: a constant naming the REST/SCIM endpoint, never input
    "status",  # api/machine.py: the HTTP status code, an int
    "reads",  # services/api_clients/usage.py: a count of read calls in one minute
    "failed_total",  # the same: how many of them failed, an int
    "minute",  # the same: the minute as YYYY-MM-DDTHH:MMZ, from utcnow()
    '<non-literal "on" if required else "off" in two_factor.py>',
    '<non-literal "recovery code" if method == "recovery" else None in two_factor_login.py>',
    # password_change._audit passes on its one caller's f-string, reviewed above ("ended").
    "<non-literal detail in password_change.py>",
    # Boenden (services/properties/): ids, catalogue codes and enumerations only.
    "agreement.id",
    "prop.id",
    "request.kind",  # services.properties RequestKind
    "request.agreement_id",
    "request.id",
    "rights_codes(before)",  # catalogue right codes
    "rights_codes(after)",
    "property_ids",  # comma-separated property ids
    "reason",  # ExceptionReason, checked against the enumeration before use
    "<non-literal detail in requests.py>",  # _handled: its callers' f-strings above
    # Resend's webhooks (users.bounces, invitations.delivery): "bounced" or "complained".
    "refusal",
    # The service catalogue and therapists (issue 14): a catalogue code and a user id.
    "service.code",  # services/catalogue/manage.py: generated from the name, [a-z0-9_]
    "therapist.id",  # services/catalogue/therapists.py: the chosen therapist's user id
}


def test_every_audit_detail_is_built_from_reviewed_values_only() -> None:
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        for template in re.findall(r'detail=f"([^"]*)"', path.read_text()):
            found |= set(re.findall(r"\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}", template))
        plain = re.findall(r"detail=(?!f\")(?!scrub_detail)([^,)\n]+)", path.read_text())
        found |= {f"<non-literal {value.strip()} in {path.name}>" for value in plain}
    found -= {"<non-literal detail in audit.py>", "<non-literal scrub_detail(detail in audit.py>"}
    assert found, "the scan found the audit details"
    assert found <= _REVIEWED_DETAIL_VALUES, sorted(found - _REVIEWED_DETAIL_VALUES)

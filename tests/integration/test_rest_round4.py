"""REST /api/v1 round 4: units paged by cursor; Adminroll invitations out of a client's reach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from admin_portal import db
from admin_portal.auth.permissions import load_actor
from admin_portal.models import (
    ApiClient,
    ApiClientReadWindow,
    AuditEvent,
    Company,
    Invitation,
    InvitationStatus,
    Unit,
)
from admin_portal.services.api_clients.usage import record_read_call
from admin_portal.services.invitations.input import InvitationInput
from admin_portal.services.invitations.invite import create_invitation
from tests.integration.test_rest_routes import _h, app_db, client, world  # noqa: F401
from tests.support.factories import make_unit


def test_units_are_cursor_paged(client: TestClient, world: dict) -> None:  # noqa: F811
    with db.session_scope() as session:
        company = session.get(Company, world["company"])
        assert company is not None
        # The shared world's own units, then six more: enough for three pages of three.
        units = len(session.exec(select(Unit).where(col(Unit.company_id) == company.id)).all())
        assert units == 2
        for n in range(6):
            make_unit(session, company, f"Enhet {n}")
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params = {"page_size": "3", **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/units", headers=_h(world["read"]), params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["total"] == 8 and len(body["units"]) <= 3
        seen += [u["id"] for u in body["units"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == sorted(seen) and len(set(seen)) == 8
    # A forged cursor, and a page size out of range, are refused with a code.
    forged = client.get(
        "/api/v1/units", headers=_h(world["read"]), params={"cursor": f"{seen[2]}.0000"}
    )
    assert forged.status_code == 400 and forged.json()["error"]["code"] == "api.invalid_cursor"
    too_big = client.get("/api/v1/units", headers=_h(world["read"]), params={"page_size": "201"})
    assert too_big.status_code == 400


def test_the_openapi_document_pages_units(client: TestClient) -> None:  # noqa: F811
    doc = client.get("/api/v1/openapi.json").json()
    names = {p["name"] for p in doc["paths"]["/units"]["get"]["parameters"]}
    assert names == {"cursor", "page_size"}


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_a_client_cannot_resend_or_revoke_an_admin_invitation(
    client: TestClient,  # noqa: F811
    world: dict,  # noqa: F811
    action: str,
) -> None:
    with db.session_scope() as session:
        head = load_actor(session, world["head"])
        assert head is not None
        data = InvitationInput(
            first_name="Ada",
            last_name="Admin",
            email="ada@example.se",
            phone="",
            language="sv",
            role="admin",
            unit_id=world["unit"],
            admin_unit_ids=[world["unit"]],
            service_ids=[],
        )
        invitation_id = create_invitation(session, actor=head, data=data)
    refused = client.post(
        f"/api/v1/invitations/{invitation_id}/{action}", headers=_h(world["write"])
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "api.admin_out_of_reach"
    with db.session_scope() as session:
        invitation = session.get(Invitation, invitation_id)
        assert invitation is not None and invitation.status != InvitationStatus.REVOKED


def _events(action: str) -> list[AuditEvent]:
    with db.session_scope() as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
        ).all()
        session.expunge_all()
        return list(rows)


def test_reads_are_audited_per_client_per_minute_writes_one_by_one(
    client: TestClient,  # noqa: F811
    world: dict,  # noqa: F811
) -> None:
    for _ in range(5):
        assert client.get("/api/v1/units", headers=_h(world["read"])).status_code == 200
    assert client.get("/api/v1/users/999999", headers=_h(world["read"])).status_code == 404
    path = f"/api/v1/users/{world['person']}"
    assert client.patch(path, headers=_h(world["write"]), json={"mobile": ""}).status_code == 200
    assert client.patch(path, headers=_h(world["write"]), json={"mobile": ""}).status_code == 200
    # A refusal for scope is its own event even on a read.
    assert client.get("/api/v1/units", headers=_h(world["write"])).status_code == 403
    reads = _events("api_reads")
    calls = _events("api_call")
    # Six reads in (almost surely) one minute: one event; a minute boundary makes two.
    assert 1 <= len(reads) <= 2, [r.detail for r in reads]
    counted = sum(int((r.detail or "").split("reads=")[1].split()[0]) for r in reads)
    assert counted == 6
    assert all(r.actor_api_client_id is not None and r.actor_user_id is None for r in reads)
    assert "failed=1" in "".join(r.detail or "" for r in reads)
    assert [c.detail for c in calls] == [
        "call=rest.users.update status=200",
        "call=rest.users.update status=200",
        "call=rest.units.list status=403",
    ]
    assert all(c.actor_api_client_id is not None for c in calls)


def test_each_minute_gets_its_own_read_event(world: dict) -> None:  # noqa: F811
    start = datetime(2026, 12, 3, 12, 0, 5, tzinfo=UTC)
    with db.session_scope() as session:
        client = session.exec(select(ApiClient).where(ApiClient.name == "users:read")).one()
        for seconds in (0, 20, 50, 61, 62):
            record_read_call(
                session,
                client=client,
                endpoint="rest.users.list",
                status=200,
                now=start + timedelta(seconds=seconds),
            )
        windows = session.exec(select(ApiClientReadWindow)).all()
        assert sorted(w.reads for w in windows) == [2, 3]
        assert all(w.audit_event_id is not None for w in windows)
    assert sorted((r.detail or "").split()[0] for r in _events("api_reads")) == [
        "reads=2",
        "reads=3",
    ]

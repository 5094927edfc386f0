"""REST /api/v1 round 4: units paged by cursor; Adminroll invitations out of a client's reach."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from admin_portal import db
from admin_portal.auth.permissions import load_actor
from admin_portal.models import Company, Invitation, InvitationStatus
from admin_portal.services.invitations.input import InvitationInput
from admin_portal.services.invitations.invite import create_invitation
from tests.integration.test_rest_routes import _h, app_db, client, world  # noqa: F401
from tests.support.factories import make_unit


def test_units_are_cursor_paged(client: TestClient, world: dict) -> None:  # noqa: F811
    with db.session_scope() as session:
        company = session.get(Company, world["company"])
        assert company is not None
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
        assert body["total"] == 7 and len(body["units"]) <= 3
        seen += [u["id"] for u in body["units"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == sorted(seen) and len(set(seen)) == 7
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

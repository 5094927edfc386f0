"""Resend and revoke of an Adminroll invitation need the reach that creating it needed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import Session

from admin_portal.models import Invitation, InvitationStatus
from admin_portal.services.errors import PermissionDenied
from admin_portal.services.invitations.invite import (
    create_invitation,
    resend_invitation,
    revoke_invitation,
)
from tests.unit.test_invitations import World, therapy_input, w  # noqa: F401 (fixture)


def _admin_invitation(session: Session, w: World, units: list[int]) -> int:  # noqa: F811
    data = therapy_input(w, role="admin", admin_unit_ids=units, service_ids=[])
    return create_invitation(session, actor=w.head, data=data)


@pytest.mark.parametrize("action", [resend_invitation, revoke_invitation])
def test_a_unit_admin_cannot_resend_or_revoke_an_admin_invitation(
    session: Session,
    w: World,  # noqa: F811
    action,  # type: ignore[no-untyped-def]
) -> None:
    # Placed in unit A (the unit admin's own), granting admin over A and B: above their reach.
    invitation_id = _admin_invitation(session, w, [w.unit_a.id, w.unit_b.id])  # type: ignore[list-item]
    with pytest.raises(PermissionDenied) as caught:
        action(session, actor=w.unit_admin, invitation_id=invitation_id)
    assert caught.value.key == "invitations.admin_role_not_allowed"
    invitation = session.get(Invitation, invitation_id)
    assert invitation is not None and invitation.status != InvitationStatus.REVOKED


@pytest.mark.parametrize("action", [resend_invitation, revoke_invitation])
def test_an_api_client_cannot_resend_or_revoke_an_admin_invitation(
    session: Session,
    w: World,  # noqa: F811
    action,  # type: ignore[no-untyped-def]
) -> None:
    invitation_id = _admin_invitation(session, w, [w.unit_a.id])  # type: ignore[list-item]
    client = replace(w.head, api_client_id=1, full_name="API: hr")
    with pytest.raises(PermissionDenied) as caught:
        action(session, actor=client, invitation_id=invitation_id)
    assert caught.value.key == "api.admin_out_of_reach"


def test_top_level_admins_within_reach_still_may(session: Session, w: World) -> None:  # noqa: F811
    invitation_id = _admin_invitation(session, w, [w.unit_a.id])  # type: ignore[list-item]
    resend_invitation(session, actor=w.company_admin, invitation_id=invitation_id)
    revoke_invitation(session, actor=w.head, invitation_id=invitation_id)
    invitation = session.get(Invitation, invitation_id)
    assert invitation is not None and invitation.status == InvitationStatus.REVOKED
    # A standard invitation stays the unit admin's to handle.
    standard = create_invitation(session, actor=w.unit_admin, data=therapy_input(w))
    resend_invitation(session, actor=w.unit_admin, invitation_id=standard)
    revoke_invitation(session, actor=w.unit_admin, invitation_id=standard)

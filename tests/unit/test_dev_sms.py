"""/dev/sms (issue 16): the local SMS outbox, for head administrators of the organisation."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from admin_portal.auth.permissions import load_actor
from admin_portal.models import Role, require_id
from admin_portal.services.contact_centre.dev_sms import list_local_sms
from admin_portal.services.errors import NotFound, PermissionDenied
from admin_portal.sms.outbox import enqueue_sms
from tests.support.factories import grant, make_company, make_org, make_user


def test_head_admin_reads_the_organisations_local_sms(session: Session, configure) -> None:  # type: ignore[no-untyped-def]
    configure(sms_api_username=None)
    org, other = make_org(session), make_org(session, "Annan")
    company = make_company(session, org)
    head, admin = make_user(session, company), make_user(session, company)
    grant(session, head, Role.HEAD_ADMIN)
    grant(session, admin, Role.ADMIN, company=company)
    enqueue_sms(
        session, to_number="+46701234567", body="kod 1", organisation_id=org.id, user_id=None
    )
    enqueue_sms(
        session, to_number="+46701234568", body="kod 2", organisation_id=other.id, user_id=None
    )
    head_actor = load_actor(session, require_id(head))
    admin_actor = load_actor(session, require_id(admin))
    assert [r.body for r in list_local_sms(session, actor=head_actor)] == ["kod 1"]
    with pytest.raises(PermissionDenied):
        list_local_sms(session, actor=admin_actor)
    configure(sms_api_username="u")
    with pytest.raises(NotFound):
        list_local_sms(session, actor=head_actor)

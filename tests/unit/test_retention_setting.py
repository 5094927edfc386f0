"""The user bank's retention period is an organisation setting only head admins change."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from admin_portal.auth.permissions import load_actor
from admin_portal.models import AuditEvent, Organisation, Role
from admin_portal.services.errors import NotFound, ValidationFailed
from admin_portal.services.user_bank.manage import get_retention_days, set_retention_days
from tests.support.factories import grant, make_company, make_org, make_user


def _actors(session: Session):
    org = make_org(session)
    company = make_company(session, org)
    head, admin = (
        make_user(session, company, username="chefen"),
        make_user(session, company, username="admin"),
    )
    grant(session, head, Role.HEAD_ADMIN)
    grant(session, admin, Role.ADMIN, company=company)
    return org, load_actor(session, head.id), load_actor(session, admin.id)


def test_a_head_admin_sets_the_retention_and_it_is_audited(session: Session) -> None:
    org, head, _ = _actors(session)
    assert get_retention_days(session, actor=head) == 365

    assert set_retention_days(session, actor=head, days="90") == 90

    assert session.get(Organisation, org.id).user_bank_retention_days == 90
    assert get_retention_days(session, actor=head) == 90
    session.flush()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "retention_changed")).one()
    assert (event.actor_user_id, event.detail) == (head.user_id, "90 days")


@pytest.mark.parametrize("days", [0, 29, 3651, -5, "ett år", None, True, 12.5])
def test_out_of_range_or_non_numbers_are_refused(session: Session, days: object) -> None:
    org, head, _ = _actors(session)
    with pytest.raises(ValidationFailed) as caught:
        set_retention_days(session, actor=head, days=days)
    assert caught.value.errors == {"retention": "bank.retention_invalid"}
    assert session.get(Organisation, org.id).user_bank_retention_days == 365


def test_an_ordinary_admin_gets_not_found(session: Session) -> None:
    _, _, admin = _actors(session)
    with pytest.raises(NotFound):
        set_retention_days(session, actor=admin, days=90)
    with pytest.raises(NotFound):
        get_retention_days(session, actor=admin)

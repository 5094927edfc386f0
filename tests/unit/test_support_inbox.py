"""Kundtjänst's inbox (F4.8): only support staff see it, across organisations, a page at a time."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import AuditEvent, Role, Service, SupportNotification, User
from admin_portal.services.errors import NotFound
from admin_portal.services.invitations.acceptance import accept_invitation
from admin_portal.services.support_inbox import (
    PAGE_SIZE,
    list_support_notifications,
    mark_handled,
)
from tests.support.factories import grant, make_company, make_org, make_unit, make_user
from tests.unit.test_invitation_acceptance import PASSWORD, Invited, make_invitation


def _support_actor(session: Session) -> Actor:
    desk = make_company(session, make_org(session, "Kundtjänstorg"))
    staff = make_user(
        session, desk, username="kundtjanst", first_name="Kim", last_name="Kundtjänst"
    )
    grant(session, staff, Role.SUPPORT)
    actor = load_actor(session, staff.id)
    assert actor is not None
    return actor


def _notify(session: Session, invited: Invited) -> SupportNotification:
    notice = SupportNotification(
        organisation_id=invited.invitation.organisation_id, order_id=invited.orders[0].id
    )
    session.add(notice)
    session.flush()
    return notice


def test_support_staff_are_support_and_not_admins(session: Session) -> None:
    actor = _support_actor(session)
    assert actor.is_support and not actor.is_admin and not actor.is_head_admin


def test_support_staff_land_on_their_inbox(session: Session) -> None:
    from admin_portal import routes
    from admin_portal.state.session import home_path

    # The home is read from the test's own session: the app-wide database plays no part.
    assert home_path(session, _support_actor(session)) == routes.SUPPORT_INBOX
    plain = make_user(session, make_company(session, make_org(session)))
    assert home_path(session, load_actor(session, plain.id)) == routes.MY_ACCOUNT


def test_support_sees_cases_of_every_organisation_without_the_case_text(session: Session) -> None:
    actor = _support_actor(session)
    first = make_invitation(session)
    other = make_invitation(
        session, company=make_company(session, make_org(session, "Andra org")), email="b@example.se"
    )
    _notify(session, first)
    _notify(session, other)
    inbox = list_support_notifications(session, actor=actor)
    assert inbox.total == 2 and inbox.pages == 1
    assert {row.organisation for row in inbox.rows} == {"Inbjudarorg", "Andra org"}
    row = next(r for r in inbox.rows if r.organisation == "Inbjudarorg")
    assert (row.person, row.email, row.phone) == (
        "Sara Svensson",
        "sara.svensson@example.se",
        "+46701234567",
    )
    assert (row.service_sv, row.service_en) == ("Terapisamtal", "Therapy sessions")
    # F4.5 (issue 14): the case text goes to the chosen therapist only; support sees that the
    # case exists, never its text.
    assert "Behöver stöd" not in repr(inbox)
    assert not row.handled and row.created_at


def test_the_registered_persons_own_data_shows_once_they_accepted(session: Session) -> None:
    actor = _support_actor(session)
    invited = make_invitation(session)
    _notify(session, invited)
    accepted = accept_invitation(
        session, raw_token=invited.raw, username="sara.s", password=PASSWORD, repeat=PASSWORD
    )
    user = session.get(User, accepted.user_id)
    assert user is not None
    user.mobile = "+46709999999"
    session.add(user)
    session.flush()
    (row,) = list_support_notifications(session, actor=actor).rows
    assert row.phone == "+46709999999"


def test_support_sees_the_chosen_therapist_but_not_the_text(session: Session) -> None:
    """Issue 14 replaced the labelled case text in the inbox by the therapist's name."""
    actor = _support_actor(session)
    invited = make_invitation(session)
    catalogue_entry = session.get(Service, invited.orders[0].service_id)
    assert catalogue_entry is not None
    catalogue_entry.required_fields = json.dumps(
        [{"key": "case_description", "label_sv": "Beskrivning", "label_en": "Description"}]
    )
    catalogue_entry.needs_therapist = True
    session.add(catalogue_entry)
    _notify(session, invited)
    (row,) = list_support_notifications(session, actor=actor).rows
    assert (row.needs_therapist, row.therapist) == (True, "")
    therapist = make_user(session, invited.company, first_name="Tora", last_name="Terapeut")
    grant(session, therapist, Role.THERAPIST)
    invited.orders[0].therapist_id = therapist.id
    session.add(invited.orders[0])
    session.flush()
    # The read model carries no language: the page names everything, so one read covers both.
    inbox = list_support_notifications(session, actor=actor)
    assert inbox.rows[0].therapist == "Tora Terapeut"
    assert "Behöver stöd" not in repr(inbox) and "Beskrivning" not in repr(inbox)


def test_everyone_else_gets_not_found(session: Session) -> None:
    invited = make_invitation(session)
    notice = _notify(session, invited)
    head = make_user(session, invited.company, username="chefen")
    grant(session, head, Role.HEAD_ADMIN)
    plain = make_user(session, invited.company, username="vanlig")
    for user in (head, plain):
        actor = load_actor(session, user.id)
        with pytest.raises(NotFound):
            list_support_notifications(session, actor=actor)
        with pytest.raises(NotFound):
            mark_handled(session, actor=actor, notification_id=notice.id)
    with pytest.raises(NotFound):
        list_support_notifications(session, actor=None)
    session.refresh(notice)
    assert notice.handled_at is None


def test_paging_is_done_by_the_server(session: Session) -> None:
    actor = _support_actor(session)
    company = make_company(session, make_org(session))
    unit = make_unit(session, company)
    ids = [
        _notify(
            session, make_invitation(session, company=company, unit=unit, email=f"p{i}@example.se")
        ).id
        for i in range(PAGE_SIZE + 3)
    ]
    first = list_support_notifications(session, actor=actor, page=1)
    second = list_support_notifications(session, actor=actor, page="2")
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (
        PAGE_SIZE + 3,
        2,
        PAGE_SIZE,
        3,
    )
    assert [r.id for r in first.rows + second.rows] == sorted(ids, reverse=True)  # newest first
    for junk in (0, -1, "abc", None, 10**12, [2], True):
        assert list_support_notifications(session, actor=actor, page=junk).page in (1, 2)
    assert list_support_notifications(session, actor=actor, page=99).page == 2  # clamped


def test_mark_handled_hides_it_from_open_cases_and_is_audited(session: Session) -> None:
    actor = _support_actor(session)
    notice = _notify(session, make_invitation(session))
    assert mark_handled(session, actor=actor, notification_id=str(notice.id)) is True
    assert list_support_notifications(session, actor=actor).rows == []
    (row,) = list_support_notifications(session, actor=actor, show="all").rows
    assert row.handled and row.handled_by == "Kim Kundtjänst" and row.handled_at
    # A colleague's second click records nothing new on the case.
    assert mark_handled(session, actor=actor, notification_id=notice.id) is False
    outcomes = session.exec(
        select(AuditEvent.outcome).where(AuditEvent.action == "support_notification_handled")
    ).all()
    assert outcomes == ["ok", "already_handled"]


@pytest.mark.parametrize(
    "forged", [None, "", "abc", -1, "1; drop table", 10**15, 999_999, [1], {"id": 1}, True]
)
def test_forged_ids_are_not_found(session: Session, forged: object) -> None:
    actor = _support_actor(session)
    _notify(session, make_invitation(session))
    with pytest.raises(NotFound):
        mark_handled(session, actor=actor, notification_id=forged)

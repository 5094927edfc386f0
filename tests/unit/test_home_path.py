"""Where a person starts after signing in (issue 14, "Ordinary users")."""

from __future__ import annotations

from sqlmodel import Session

from admin_portal import routes
from admin_portal.auth.permissions import load_actor
from admin_portal.models import Role
from admin_portal.state.session import home_path
from tests.support.factories import grant, make_company, make_org, make_user
from tests.unit.test_invitation_acceptance import make_invitation


def _home(session: Session, user_id: int | None) -> str:
    actor = load_actor(session, user_id or 0)
    assert actor is not None
    return home_path(session, actor)


def test_a_standard_user_without_orders_starts_at_mitt_konto(session: Session) -> None:
    person = make_user(session, make_company(session, make_org(session)))
    assert _home(session, person.id) == routes.MY_ACCOUNT


def test_a_standard_user_with_an_ordered_service_starts_at_mina_tjanster(
    session: Session,
) -> None:
    invited = make_invitation(session)
    person = make_user(session, invited.company)
    invited.orders[0].user_id = person.id
    session.add(invited.orders[0])
    session.flush()
    assert _home(session, person.id) == routes.MY_SERVICES


def test_someone_elses_order_does_not_count(session: Session) -> None:
    invited = make_invitation(session)  # its order belongs to nobody yet
    person = make_user(session, invited.company)
    assert _home(session, person.id) == routes.MY_ACCOUNT


def test_admins_and_support_keep_their_start_pages(session: Session) -> None:
    invited = make_invitation(session)
    admin = make_user(session, invited.company)
    grant(session, admin, Role.HEAD_ADMIN)
    support = make_user(session, invited.company)
    grant(session, support, Role.SUPPORT)
    for person in (admin, support):  # even with services ordered for them
        invited.orders[0].user_id = person.id
        session.add(invited.orders[0])
        session.flush()
        assert _home(session, person.id) == (
            routes.ADMIN_HOME if person is admin else routes.SUPPORT_INBOX
        )

"""Min organisation (issue 14): Inbjudna and Registrerade page by keyset and search, any size.

The tabs used to stop at 500 rows. Now each page is one index walk, the search runs on the
server, the count on the tab is the unit's, and a forged cursor or a unit outside the
admin's scope reaches nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from admin_portal.auth.permissions import load_actor
from admin_portal.models import Invitation, InvitationStatus, UserStatus, utcnow
from admin_portal.services.errors import NotFound
from admin_portal.services.invitations.lists import invited_page, registered_page
from tests.support.factories import Role, grant, make_company, make_org, make_unit, make_user


def _invitation(session: Session, unit, company, by, first: str, last: str, email: str) -> int:  # type: ignore[no-untyped-def]
    row = Invitation(
        organisation_id=company.organisation_id,
        company_id=company.id,
        unit_id=unit.id,
        first_name=first,
        last_name=last,
        email=email,
        email_key=email.casefold(),
        token_hash=f"hash-{email}",
        expires_at=utcnow() + timedelta(days=3),
        invited_by_id=by.id,
    )
    session.add(row)
    session.flush()
    return row.id or 0


@pytest.fixture
def w(session: Session):  # type: ignore[no-untyped-def]
    org = make_org(session)
    company = make_company(session, org, "Omsorg AB")
    a, b = make_unit(session, company, "Centrum"), make_unit(session, company, "Väster")
    chief = make_user(session, company, unit=b, username="chefen", first_name="Zed", last_name="Z")
    grant(session, chief, Role.ADMIN, unit=a)
    actor = load_actor(session, chief.id or 0)
    invited = [
        _invitation(session, a, company, chief, f"Per{i:02d}", "Son", f"per{i:02d}@example.se")
        for i in range(7)
    ]
    invited.append(_invitation(session, a, company, chief, "Örjan", "Åberg", "orjan@example.se"))
    _invitation(session, b, company, chief, "Annan", "Enhet", "annan@example.se")  # other unit
    people = [
        make_user(session, company, unit=a, username=f"u{i}", first_name="Anna", last_name=name)
        for i, name in enumerate(["Berg", "Andersson", "Öberg", "Berg", "Cederlund", "Dahl"])
    ]
    gone = make_user(session, company, unit=a, username="borta", first_name="Bo", last_name="B")
    gone.status = UserStatus.REMOVED
    session.add(gone)
    session.flush()
    return {"a": a, "b": b, "actor": actor, "invited": invited, "people": people}


def _all_pages(fetch, size: int) -> list[list[int]]:  # type: ignore[no-untyped-def]
    pages, cursor = [], None
    while True:
        page = fetch(cursor=cursor, page_size=size)
        pages.append([r.id for r in page.rows])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def test_invited_pages_walk_the_whole_tab_newest_first_without_overlap(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    def fetch(**kw):  # type: ignore[no-untyped-def]
        return invited_page(session, actor=w["actor"], unit_id=w["a"].id, **kw)

    pages = _all_pages(fetch, 3)
    assert [len(p) for p in pages] == [3, 3, 2]
    assert [i for p in pages for i in p] == sorted(w["invited"], reverse=True)
    assert fetch().total == 8  # the unit's tab, not the page and not the other unit


def test_registered_pages_by_last_name_then_first_name_and_id(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    def fetch(**kw):  # type: ignore[no-untyped-def]
        return registered_page(session, actor=w["actor"], unit_id=w["a"].id, **kw)

    pages = _all_pages(fetch, 2)
    names = [
        (r.name, r.id)
        for cursor in [None]
        for r in registered_page(
            session, actor=w["actor"], unit_id=w["a"].id, page_size=100, cursor=cursor
        ).rows
    ]
    assert [i for p in pages for i in p] == [i for _, i in names]
    assert [n for n, _ in names][:3] == ["Anna Andersson", "Anna Berg", "Anna Berg"]
    assert fetch().total == 6  # the removed person is in the user bank, not Registrerade
    assert len(pages) == 3


def test_search_matches_name_and_email_case_insensitively_also_for_swedish_letters(
    session: Session,
    w,  # type: ignore[no-untyped-def]
) -> None:
    def invited(q: str) -> list[str]:
        page = invited_page(session, actor=w["actor"], unit_id=w["a"].id, query=q)
        return [r.email for r in page.rows]

    assert invited("ÖRJAN") == ["orjan@example.se"]
    assert invited("åberg") == ["orjan@example.se"]
    assert invited("PER03@EXAMPLE") == ["per03@example.se"]
    assert invited("annan") == []  # another unit's invitation is never found
    assert invited("100%_") == []  # LIKE wildcards are text
    page = invited_page(session, actor=w["actor"], unit_id=w["a"].id, query="per", page_size=4)
    assert page.total == 8 and len(page.rows) == 4 and page.next_cursor is not None

    def registered(q: str) -> list[str]:
        page = registered_page(session, actor=w["actor"], unit_id=w["a"].id, query=q)
        return [r.name for r in page.rows]

    assert registered("öberg") == ["Anna Öberg"]
    assert registered("berg") == ["Anna Berg", "Anna Berg", "Anna Öberg"]
    assert registered("borta") == []  # removed
    assert registered("chefen") == []  # lives in another unit


def test_a_forged_cursor_starts_the_tab_over_and_reaches_no_other_unit(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    first = registered_page(session, actor=w["actor"], unit_id=w["a"].id, page_size=2)
    outsider = make_user(session, make_company(session, make_org(session, "X")), username="x")
    for forged in ("1 OR 1=1", str(outsider.id), "-1", 10**30, {"id": 1}, ""):
        page = registered_page(
            session, actor=w["actor"], unit_id=w["a"].id, cursor=forged, page_size=2
        )
        assert [r.id for r in page.rows] == [r.id for r in first.rows]
    # An invitation cursor is only an upper bound on the id inside the scoped tab.
    page = invited_page(session, actor=w["actor"], unit_id=w["a"].id, cursor="abc")
    assert len(page.rows) == 8


def test_a_unit_outside_scope_is_not_found_whatever_the_query(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    for fetch in (invited_page, registered_page):
        for unit_id in (w["b"].id, "1 OR 1=1", None):
            with pytest.raises(NotFound):
                fetch(session, actor=w["actor"], unit_id=unit_id, query="a")


def test_accepted_and_revoked_invitations_leave_the_count(session: Session, w) -> None:  # type: ignore[no-untyped-def]
    for invitation_id, status in zip(
        w["invited"][:2], (InvitationStatus.ACCEPTED, InvitationStatus.REVOKED), strict=True
    ):
        row = session.get(Invitation, invitation_id)
        row.status = status  # type: ignore[union-attr]
        session.add(row)
    session.flush()
    page = invited_page(session, actor=w["actor"], unit_id=w["a"].id)
    assert page.total == 6 and len(page.rows) == 6

"""Användarbanken's search: text, exact personnummer, removal date range, remover, paging."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import Role, User, UserStatus
from admin_portal.search import rows_ddl as search_rows_ddl
from admin_portal.search import user_bank as user_bank_search
from admin_portal.search.structures import ensure_search_structures
from admin_portal.search.user_bank import BankQuery, list_removers, search_bank
from admin_portal.services.errors import NotFound
from tests.support.factories import grant, make_company, make_org, make_user
from tests.support.statements import recorded_statements
from tests.support.world import build_care_world

DAY0 = datetime(2031, 1, 10, 12, 0, tzinfo=UTC)


class World:
    """The shared world's company with two head admins, a company admin and 30 banked people."""

    def __init__(self, session: Session) -> None:
        base = build_care_world(session)  # its people are active: none is in the bank
        self.org, self.company = base.org, base.company
        self.head = make_user(
            session, self.company, username="chefen", first_name="Helga", last_name="Chef"
        )
        self.other_head = make_user(
            session, self.company, username="chef2", first_name="Olle", last_name="Chef"
        )
        self.admin = make_user(session, self.company, username="admin1")
        grant(session, self.head, Role.HEAD_ADMIN)
        grant(session, self.other_head, Role.HEAD_ADMIN)
        grant(session, self.admin, Role.ADMIN, company=self.company)
        self.banked: list[User] = []
        for day in range(30):  # one removal a day, alternating removers
            user = make_user(
                session,
                self.company,
                username=f"borta{day:02d}",
                first_name="Bo",
                last_name=f"Borta{day:02d}",
            )
            user.status = UserStatus.REMOVED
            user.removed_at = DAY0 + timedelta(days=day)
            user.removed_by_id = self.head.id if day % 2 == 0 else self.other_head.id
            if day == 7:
                user.national_id = "191212121212"
            session.add(user)
            self.banked.append(user)
        session.commit()

    def actor(self, session: Session, user: User) -> Actor:
        actor = load_actor(session, user.id)
        assert actor is not None
        return actor


@pytest.fixture
def w(session: Session) -> World:
    return World(session)


def _all_pages(session: Session, actor: Actor, query: BankQuery) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = search_bank(
            session, actor=actor, query=BankQuery(**{**query.__dict__, "cursor": cursor})
        )
        seen += [row.username for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("paging did not end")


def test_a_date_range_lists_removals_newest_first_inclusive_of_both_days(
    session: Session, w: World
) -> None:
    page = search_bank(
        session,
        actor=w.actor(session, w.head),
        query=BankQuery(removed_from=date(2031, 1, 12), removed_to=date(2031, 1, 14)),
    )
    assert [r.username for r in page.rows] == ["borta04", "borta03", "borta02"]
    assert page.total == 3 and not page.total_is_lower_bound
    assert page.rows[0].removed_by == "Helga Chef"


def test_the_remover_filter_and_keyset_paging_visit_each_row_once(
    session: Session, w: World
) -> None:
    query = BankQuery(removed_by_id=w.other_head.id, removed_from=date(2031, 1, 1))
    seen = _all_pages(session, w.actor(session, w.head), query)
    assert seen == [f"borta{d:02d}" for d in range(29, -1, -1) if d % 2 == 1]


def test_paging_across_more_than_one_page(session: Session, w: World) -> None:
    seen = _all_pages(session, w.actor(session, w.head), BankQuery(removed_from=date(2030, 1, 1)))
    assert seen == [f"borta{d:02d}" for d in range(29, -1, -1)]  # 30 rows: two pages of 25


def test_text_narrows_within_the_range(session: Session, w: World) -> None:
    page = search_bank(
        session,
        actor=w.actor(session, w.head),
        query=BankQuery(text="BORTA1", removed_to=date(2031, 1, 22)),
    )
    assert sorted(r.username for r in page.rows) == [f"borta{d:02d}" for d in range(10, 13)]


def test_an_exact_personnummer_finds_the_person_masked(session: Session, w: World) -> None:
    page = search_bank(
        session, actor=w.actor(session, w.head), query=BankQuery(national_id="19121212-1212")
    )
    assert [(r.username, r.national_id_masked) for r in page.rows] == [("borta07", "19121212-****")]


def test_an_invalid_personnummer_is_answered_at_the_field(session: Session, w: World) -> None:
    page = search_bank(
        session, actor=w.actor(session, w.head), query=BankQuery(national_id="19121212-1213")
    )
    assert page.rows == [] and page.national_id_error == "national_id.checksum"


def test_a_forged_cursor_starts_over(session: Session, w: World) -> None:
    page = search_bank(
        session,
        actor=w.actor(session, w.head),
        query=BankQuery(removed_from=date(2030, 1, 1), cursor="r:not-a-date|x"),
    )
    assert page.rows[0].username == "borta29"


def test_only_head_admins_search_the_bank_or_list_removers(session: Session, w: World) -> None:
    admin = w.actor(session, w.admin)
    with pytest.raises(NotFound):
        search_bank(session, actor=admin, query=BankQuery(removed_from=date(2030, 1, 1)))
    with pytest.raises(NotFound):
        list_removers(session, actor=admin)
    names = [name for _, name in list_removers(session, actor=w.actor(session, w.head))]
    assert "Helga Chef" in names and "Olle Chef" in names


def test_another_organisations_head_admin_sees_nothing(session: Session, w: World) -> None:
    other_org = make_org(session, "Annan")
    stranger = make_user(session, make_company(session, other_org), username="fremling")
    grant(session, stranger, Role.HEAD_ADMIN)
    session.commit()
    page = search_bank(
        session, actor=w.actor(session, stranger), query=BankQuery(removed_from=date(2030, 1, 1))
    )
    assert page.rows == [] and page.total == 0


@pytest.mark.parametrize("typed", ["åsa", "ÅSA", "Öberg", "öBERG", "sa Ö"])
def test_text_within_a_date_range_matches_swedish_letters_in_any_case(
    session: Session, w: World, typed: str
) -> None:
    person = make_user(session, w.company, username="x.y", first_name="Åsa", last_name="Öberg")
    person.status, person.removed_at, person.removed_by_id = UserStatus.REMOVED, DAY0, w.head.id
    session.add(person)
    session.commit()
    page = search_bank(
        session,
        actor=w.actor(session, w.head),
        query=BankQuery(text=typed, removed_from=date(2031, 1, 1)),
    )
    assert [r.username for r in page.rows] == ["x.y"]


# --------------------------------------------------------------------------- range + text shapes


@pytest.mark.parametrize(
    "shape",
    ["no-fts", "fts-driven", "dense-walk", "id-membership", "search-rows"],
)
@pytest.mark.parametrize("typed", ["borta1", "BORTA2", "åsa", "Öberg", "sa Ö", "orta0", "zzz"])
def test_every_range_text_shape_finds_the_same_rows(
    session: Session,
    engine: Engine,
    w: World,
    monkeypatch: pytest.MonkeyPatch,
    shape: str,
    typed: str,
) -> None:
    """The service picks how a text is combined with a removal range (FTS-driven, a tested
    walk, ids tested against the FTS matches or against the search rows' matches in the
    range); each gives the oracle's rows and count."""
    person = make_user(session, w.company, username="x.y", first_name="Åsa", last_name="Öberg")
    person.status, person.removed_at, person.removed_by_id = UserStatus.REMOVED, DAY0, w.head.id
    session.add(person)
    session.commit()
    if shape != "no-fts":
        ensure_search_structures(engine)
    if shape == "id-membership":  # as before the search rows existed
        with engine.begin() as conn:
            search_rows_ddl.drop_search_rows(conn)
    if shape in ("dense-walk", "id-membership", "search-rows"):
        monkeypatch.setattr(user_bank_search, "_FTS_DRIVE_MAX", 0)
        monkeypatch.setattr(user_bank_search, "_DENSE_HITS", 1 if shape == "dense-walk" else 10**6)
    monkeypatch.setattr(user_bank_search, "_PAGE", 4)
    monkeypatch.setattr(user_bank_search, "_COUNT_CAP", 6)
    needle = typed.casefold()
    expected = sorted(
        (
            u
            for u in [*w.banked, person]
            if needle in f"{u.first_name} {u.last_name}".casefold() or needle in u.username
        ),
        key=lambda u: (u.removed_at, u.id),
        reverse=True,
    )
    actor = w.actor(session, w.head)
    query = BankQuery(text=typed, removed_from=date(2031, 1, 1), removed_to=date(2031, 2, 28))
    with recorded_statements(engine) as statements:
        first = search_bank(session, actor=actor, query=query)
    assert first.total == min(len(expected), 6)
    assert first.total_is_lower_bound == (len(expected) > 6)
    assert _all_pages(session, actor, query) == [u.username for u in expected]
    # "zzz" has no FTS match at all, so even the smallest _FTS_DRIVE_MAX lets it drive.
    through_rows = shape == "search-rows" and typed != "zzz"
    assert any("user_search_rows_fts MATCH" in st for st in statements) == through_rows

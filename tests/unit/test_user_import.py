"""Importing e-mail addresses from the template: preview outcomes, scope, apply as a job."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import (
    AuditEvent,
    BackgroundJob,
    ImportOutcome,
    JobStatus,
    Token,
    TokenPurpose,
    User,
    UserImportRow,
    UserStatus,
    utcnow,
)
from admin_portal.services import jobs
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError
from admin_portal.services.spreadsheets import import_apply
from admin_portal.services.spreadsheets.import_apply import start_apply
from admin_portal.services.spreadsheets.import_preview import preview_import
from admin_portal.services.spreadsheets.imports import (
    get_import,
    import_report_rows,
    latest_import,
    list_import_rows,
)
from admin_portal.services.spreadsheets.sheets import SpreadsheetError
from tests.support.factories import make_user
from tests.support.world import add_unit_admin, build_care_world

OUT = ImportOutcome


@dataclass
class World:
    head: Actor
    unit_admin: Actor
    other_org_admin: Actor
    users: dict[str, User]


@pytest.fixture
def world(session: Session) -> World:
    base = build_care_world(session, head_username="head", other_head_username="otheradmin")
    north, south, centre, west = base.company, base.company2, base.unit_a, base.unit_b
    head, other_admin = base.head, base.other_head
    unit_admin = add_unit_admin(session, base, username="unitadmin")
    users = {
        "noemail": make_user(session, north, username="noemail", unit=centre),
        "unverified": make_user(
            session, north, username="Unverified", unit=centre, email="old@example.se"
        ),
        "verified": make_user(
            session, north, username="verified", unit=centre, email="v@example.se", verified=True
        ),
        "west": make_user(session, north, username="west", unit=west),
        "holder": make_user(
            session, north, username="holder", unit=centre, email="taken@example.se"
        ),
        "south": make_user(session, south, username="south", email="taken@example.se"),
        "removed": make_user(session, north, username="removed", unit=centre),
    }
    users["removed"].status = UserStatus.REMOVED
    make_user(session, base.other_company, username="foreign")
    session.commit()
    return World(
        head=_actor(session, head),
        unit_admin=_actor(session, unit_admin),
        other_org_admin=_actor(session, other_admin),
        users=users,
    )


def _actor(session: Session, user: User) -> Actor:
    actor = load_actor(session, user.id)
    assert actor is not None
    return actor


def _csv(*rows: str) -> bytes:
    return ("\ufeffAnvändarnamn;Förnamn;E-post\n" + "\n".join(rows) + "\n").encode()


def _outcomes(session: Session, actor: Actor, import_id: int) -> dict[int, str]:
    page = list_import_rows(session, actor=actor, import_id=import_id, page_size=1000)
    return {r.row_number: r.outcome for r in page.rows}


def _key() -> str:
    return secrets.token_urlsafe(16)


def test_preview_gives_every_outcome(session: Session, world: World) -> None:
    summary = preview_import(
        session,
        actor=world.unit_admin,
        filename="mall.csv",
        data=_csv(
            "noemail;N;new@example.se",  # 2
            "UNVERIFIED;U;changed@example.se",  # 3 (username case-insensitive)
            "verified;V;another@example.se",  # 4
            "verified2;;",  # 5
            "holder;H;TAKEN@example.se",  # 6 (unchanged, whatever the case)
            "west;W;w@example.se",  # 7
            "nobody;X;x@example.se",  # 8
            "foreign;F;f@example.se",  # 9 (another organisation)
            "removed;R;r@example.se",  # 10 (in the user bank)
            "noemail;N;again@example.se",  # 11 (second row for the same person)
        ),
    )
    assert summary.row_count == 10
    outcomes = _outcomes(session, world.unit_admin, summary.id)
    assert outcomes == {
        2: OUT.DUPLICATE_IN_FILE,
        3: OUT.EMAIL_CHANGED,
        4: OUT.CONNECTION_ACTIVE,
        5: OUT.UNKNOWN_USERNAME,
        6: OUT.UNCHANGED,
        7: OUT.OUT_OF_SCOPE,
        8: OUT.UNKNOWN_USERNAME,
        9: OUT.UNKNOWN_USERNAME,
        10: OUT.UNKNOWN_USERNAME,
        11: OUT.DUPLICATE_IN_FILE,
    }
    assert summary.counts[OUT.UNKNOWN_USERNAME] == 4
    assert summary.will_change == 1


def test_preview_rejects_invalid_taken_and_duplicate_addresses(
    session: Session, world: World
) -> None:
    summary = preview_import(
        session,
        actor=world.head,
        filename="mall.csv",
        data=_csv(
            "noemail;;not-an-address",  # 2
            "unverified;;taken@example.se",  # 3: the holder has it in this company
            "west;;same@example.se",  # 4
            "noemail2;;",  # 5
            "south;;Same@example.se",  # 6: another company, so not a duplicate of row 4
            "verified;;",  # 7: no address given
        ),
    )
    outcomes = _outcomes(session, world.head, summary.id)
    assert outcomes[2] == OUT.INVALID_EMAIL
    assert outcomes[3] == OUT.EMAIL_TAKEN
    assert outcomes[4] == OUT.EMAIL_ADDED
    assert outcomes[6] == OUT.EMAIL_CHANGED
    assert outcomes[7] == OUT.MISSING_EMAIL


def test_the_same_address_for_two_people_of_one_company_rejects_both(
    session: Session, world: World
) -> None:
    summary = preview_import(
        session,
        actor=world.head,
        filename="mall.csv",
        data=_csv("noemail;;dup@example.se", "west;;DUP@example.se"),
    )
    assert set(_outcomes(session, world.head, summary.id).values()) == {OUT.DUPLICATE_IN_FILE}


def test_the_preview_stores_the_normalised_address(session: Session, world: World) -> None:
    summary = preview_import(
        session, actor=world.head, filename="m.csv", data=_csv("noemail;;  Ny.Person@EXAMPLE.se ")
    )
    row = list_import_rows(session, actor=world.head, import_id=summary.id).rows[0]
    assert row.email == "Ny.Person@example.se"
    assert row.outcome == OUT.EMAIL_ADDED


def test_unreadable_files_raise_before_anything_is_stored(session: Session, world: World) -> None:
    with pytest.raises(SpreadsheetError) as caught:
        preview_import(session, actor=world.head, filename="m.csv", data=b"Username;E-mail\n")
    assert caught.value.key == "spreadsheet.no_rows"
    assert latest_import(session, actor=world.head) is None


def test_only_admins_may_import(session: Session, world: World) -> None:
    plain = _actor(session, world.users["noemail"])
    with pytest.raises(PermissionDenied):
        preview_import(session, actor=plain, filename="m.csv", data=_csv("noemail;;a@example.se"))


def test_imports_of_others_are_not_found(session: Session, world: World) -> None:
    summary = preview_import(
        session, actor=world.unit_admin, filename="m.csv", data=_csv("noemail;;a@example.se")
    )
    for call in (
        lambda a: get_import(session, actor=a, import_id=summary.id),
        lambda a: list_import_rows(session, actor=a, import_id=summary.id),
        lambda a: list(import_report_rows(session, actor=a, import_id=summary.id, lang="sv")),
        lambda a: start_apply(session, actor=a, import_id=summary.id, request_key=_key()),
    ):
        with pytest.raises(NotFound):
            call(world.other_org_admin)
    # A head admin of the same organisation may see and apply it.
    assert get_import(session, actor=world.head, import_id=summary.id).id == summary.id
    with pytest.raises(NotFound):
        get_import(session, actor=world.head, import_id="1")  # ids are ints, nothing else


def test_rows_page_and_filter_by_outcome(session: Session, world: World) -> None:
    summary = preview_import(
        session,
        actor=world.head,
        filename="m.csv",
        data=_csv(*[f"nobody{i};;x{i}@example.se" for i in range(7)], "noemail;;a@example.se"),
    )
    page = list_import_rows(session, actor=world.head, import_id=summary.id, page=2, page_size=3)
    assert (page.total, page.page, page.pages) == (8, 2, 3)
    assert [r.row_number for r in page.rows] == [5, 6, 7]
    added = list_import_rows(
        session, actor=world.head, import_id=summary.id, outcome=OUT.EMAIL_ADDED
    )
    assert [(r.username, r.email) for r in added.rows] == [("noemail", "a@example.se")]
    beyond = list_import_rows(session, actor=world.head, import_id=summary.id, page=99, page_size=3)
    assert beyond.page == 3


def _preview_and_apply(engine: Engine, actor: Actor, data: bytes) -> int:
    with Session(engine, expire_on_commit=False) as s:
        summary = preview_import(s, actor=actor, filename="m.csv", data=data)
        start_apply(s, actor=actor, import_id=summary.id, request_key=_key())
        s.commit()
    jobs.run_until_idle(engine)
    return summary.id


def test_apply_sets_addresses_through_the_job(
    engine: Engine, session: Session, world: World
) -> None:
    token = Token(
        user_id=world.users["unverified"].id,
        purpose=TokenPurpose.VERIFY_EMAIL,
        token_hash="h" * 64,
        expires_at=utcnow(),
    )
    session.add(token)
    session.commit()
    import_id = _preview_and_apply(
        engine,
        world.unit_admin,
        _csv("noemail;;new@example.se", "unverified;;changed@example.se", "nobody;;x@example.se"),
    )
    with Session(engine) as s:
        assert s.get(User, world.users["noemail"].id).email == "new@example.se"
        changed = s.get(User, world.users["unverified"].id)
        assert (changed.email, changed.email_key) == ("changed@example.se", "changed@example.se")
        # The old address's verification link dies with it.
        assert s.get(Token, token.id).voided_at is not None
        summary = get_import(s, actor=world.unit_admin, import_id=import_id)
        assert summary.status == "applied" and summary.applied_at is not None
        job = jobs.get_job(s, actor=world.unit_admin, job_id=summary.job_id)
        assert (job.status, job.total, job.processed, job.succeeded) == (JobStatus.DONE, 2, 2, 2)
        rows = {
            r.username: r for r in list_import_rows(s, actor=world.head, import_id=import_id).rows
        }
        assert rows["noemail"].applied_outcome == "applied"
        assert rows["nobody"].applied_outcome == ""
        audited = s.exec(select(AuditEvent).where(AuditEvent.action == "email_imported")).all()
        assert {int(e.target_id) for e in audited} == {
            world.users["noemail"].id,
            world.users["unverified"].id,
        }
        report = list(import_report_rows(s, actor=world.head, import_id=import_id, lang="sv"))
    assert report[0] == ["Rad", "Användarnamn", "E-post", "Förhandsgranskning", "Resultat"]
    assert report[1][1:] == [
        "noemail",
        "new@example.se",
        "E-postadressen läggs till",
        "E-postadressen uppdaterades",
    ]
    assert report[3][4] == "Inget ändrades"


def test_apply_checks_every_row_again(engine: Engine, session: Session, world: World) -> None:
    summary = preview_import(
        session,
        actor=world.unit_admin,
        filename="m.csv",
        data=_csv(
            "noemail;;a@example.se",  # verifies an address before the apply
            "unverified;;b@example.se",  # someone else takes b@ before the apply
            "holder;;c@example.se",  # moves out of the admin's units
        ),
    )
    assert summary.will_change == 3
    start_apply(session, actor=world.unit_admin, import_id=summary.id, request_key=_key())
    users = world.users
    session.get(User, users["noemail"].id).email = "own@example.se"
    session.get(User, users["noemail"].id).email_key = "own@example.se"
    session.get(User, users["noemail"].id).email_verified_at = utcnow()
    session.get(User, users["west"].id).email = "b@example.se"
    session.get(User, users["west"].id).email_key = "b@example.se"
    session.get(User, users["holder"].id).unit_id = users["west"].unit_id
    session.commit()
    jobs.run_until_idle(engine)
    with Session(engine) as s:
        rows = {
            r.username: r for r in list_import_rows(s, actor=world.head, import_id=summary.id).rows
        }
        assert rows["noemail"].applied_outcome == OUT.CONNECTION_ACTIVE
        assert rows["unverified"].applied_outcome == OUT.EMAIL_TAKEN
        assert rows["holder"].applied_outcome == OUT.OUT_OF_SCOPE
        assert s.get(User, users["unverified"].id).email == "old@example.se"
        assert s.get(User, users["holder"].id).email == "taken@example.se"
        job = jobs.get_job(
            s,
            actor=world.unit_admin,
            job_id=summary.job_id
            or get_import(s, actor=world.unit_admin, import_id=summary.id).job_id,
        )
        assert (job.succeeded, job.skipped, job.failed) == (0, 2, 1)
        assert job.summary == {OUT.CONNECTION_ACTIVE: 1, OUT.EMAIL_TAKEN: 1, OUT.OUT_OF_SCOPE: 1}


def test_an_admin_who_lost_the_role_applies_nothing(
    engine: Engine, session: Session, world: World
) -> None:
    summary = preview_import(
        session, actor=world.unit_admin, filename="m.csv", data=_csv("noemail;;a@example.se")
    )
    start_apply(session, actor=world.unit_admin, import_id=summary.id, request_key=_key())
    session.get(User, world.unit_admin.user_id).status = UserStatus.REMOVED
    session.commit()
    jobs.run_until_idle(engine)
    with Session(engine) as s:
        assert s.get(User, world.users["noemail"].id).email is None
        row = s.exec(select(UserImportRow)).one()
        assert row.applied_outcome == OUT.OUT_OF_SCOPE


def test_apply_is_idempotent_and_happens_once(session: Session, world: World) -> None:
    summary = preview_import(
        session, actor=world.unit_admin, filename="m.csv", data=_csv("noemail;;a@example.se")
    )
    key = _key()
    first = start_apply(session, actor=world.unit_admin, import_id=summary.id, request_key=key)
    again = start_apply(session, actor=world.unit_admin, import_id=summary.id, request_key=key)
    other_tab = start_apply(
        session, actor=world.unit_admin, import_id=summary.id, request_key=_key()
    )
    assert first.id == again.id == other_tab.id
    assert len(session.exec(select(BackgroundJob)).all()) == 1
    with pytest.raises(ServiceError):
        start_apply(session, actor=world.unit_admin, import_id=summary.id, request_key="short")
    # The key of this job cannot be reused for another import.
    second = preview_import(session, actor=world.unit_admin, filename="m.csv", data=_csv("west2;;"))
    with pytest.raises(PermissionDenied):
        start_apply(session, actor=world.unit_admin, import_id=second.id, request_key=key)


def test_latest_import_is_the_admins_own(session: Session, world: World) -> None:
    preview_import(
        session, actor=world.head, filename="head.csv", data=_csv("noemail;;a@example.se")
    )
    mine = preview_import(
        session,
        actor=world.unit_admin,
        filename="C:\\temp\\mine.csv",
        data=_csv("noemail;;a@example.se"),
    )
    latest = latest_import(session, actor=world.unit_admin)
    assert latest is not None and latest.id == mine.id and latest.filename == "mine.csv"


def test_thousands_of_rows_apply_in_chunks(
    engine: Engine, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of 1000 here (the product's are larger): 2500 rows make two full chunks and a rest.
    monkeypatch.setattr(import_apply, "APPLY_CHUNK", 1000)
    org_company = session.get(User, world.users["noemail"].id).company_id
    from admin_portal.models import Company

    company = session.get(Company, org_company)
    for i in range(2500):
        make_user(session, company, username=f"bulk{i}")
    session.commit()
    data = _csv(*[f"bulk{i};;bulk{i}@example.se" for i in range(2500)])
    with Session(engine, expire_on_commit=False) as s:
        summary = preview_import(s, actor=world.head, filename="m.csv", data=data)
        assert summary.counts == {OUT.EMAIL_ADDED: 2500}
        start_apply(s, actor=world.head, import_id=summary.id, request_key=_key())
        s.commit()
    assert jobs.run_until_idle(engine) == 3  # 1000 + 1000 + 500 rows
    with Session(engine) as s:
        job = jobs.get_job(
            s, actor=world.head, job_id=get_import(s, actor=world.head, import_id=summary.id).job_id
        )
        assert (job.status, job.processed, job.succeeded, job.percent) == (
            JobStatus.DONE,
            2500,
            2500,
            100,
        )
        emails = s.exec(select(User.email).where(User.username.startswith("bulk"))).all()
        assert sorted(emails) == sorted(f"bulk{i}@example.se" for i in range(2500))


def test_an_address_taken_by_a_racing_writer_fails_only_its_row(
    engine: Engine, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = preview_import(
        session,
        actor=world.head,
        filename="m.csv",
        data=_csv("noemail;;race@example.se", "west;;fine@example.se"),
    )
    start_apply(session, actor=world.head, import_id=summary.id, request_key=_key())
    holder = session.get(User, world.users["holder"].id)
    holder.email, holder.email_key = "race@example.se", "race@example.se"
    session.commit()
    # The re-check misses the new holder, as it would if the writer committed just after it:
    # the unique constraint decides, and only that row fails.
    from admin_portal.services.spreadsheets import import_apply as user_import

    monkeypatch.setattr(user_import, "_address_holders", lambda _session, _pairs: {})
    jobs.run_until_idle(engine)
    with Session(engine) as s:
        rows = {
            r.username: r for r in list_import_rows(s, actor=world.head, import_id=summary.id).rows
        }
        assert rows["noemail"].applied_outcome == OUT.EMAIL_TAKEN
        assert rows["west"].applied_outcome == "applied"
        assert s.get(User, world.users["noemail"].id).email is None
        assert s.get(User, world.users["west"].id).email == "fine@example.se"

"""F1.2: bulk verification acts on the list's search and filters, skips with reasons, runs once."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from admin_portal.auth.permissions import load_actor
from admin_portal.models import (
    BackgroundJob,
    JobStatus,
    OutboxMessage,
    OutboxStatus,
    UserType,
    utcnow,
)
from admin_portal.services import jobs
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError
from admin_portal.services.verification import bulk as bulk_verification
from admin_portal.services.verification.bulk import (
    preview_bulk_verification,
    start_bulk_verification,
)
from admin_portal.services.verification.email import queue_verification_mail
from tests.support.factories import make_user
from tests.support.world import add_unit_admin, build_care_frame


@pytest.fixture
def world(session: Session) -> dict:
    # The frame: nobody in the organisation but its head admin, so the counts below are the
    # two admins (no address) and the seven people.
    base = build_care_frame(
        session,
        head_username="chef",
        company_name="Norr",
        company2_name="Syd",
        unit_a_name="Hemtjänst",
        other_org_name="Annan",
        other_head_username="annan.chef",
    )
    norr, syd, unit, head = base.company, base.company2, base.unit_a, base.head
    unit_admin = add_unit_admin(session, base, username="enhetschef")
    people = {
        # Norr, in the unit
        "anna": make_user(
            session, norr, username="anna", email="anna@example.org", unit=unit, last_name="Lind"
        ),
        "bo": make_user(
            session,
            norr,
            username="bo",
            email="bo@example.org",
            unit=unit,
            user_type=UserType.BRUKARE,
        ),
        "cilla": make_user(session, norr, username="cilla", unit=unit),  # no e-mail
        "dan": make_user(
            session, norr, username="dan", email="dan@example.org", verified=True, unit=unit
        ),
        # Norr, no unit
        "eva": make_user(session, norr, username="eva", email="eva@example.org", last_name="Lind"),
        "fia": make_user(session, norr, username="fia", email="fia@example.org"),
        # Syd
        "gun": make_user(session, syd, username="gun", email="gun@example.org", last_name="Lind"),
    }
    people["fia"].email_bounced_at = utcnow()
    outsider = make_user(session, base.other_company, username="utanför", email="u@example.org")
    other_head = base.other_head
    session.commit()
    return {
        "head": load_actor(session, head.id),
        "unit_admin": load_actor(session, unit_admin.id),
        "other_head": load_actor(session, other_head.id),
        "people": people,
        "outsider": outsider,
        "norr": norr,
        "syd": syd,
        "unit": unit,
        "head_user": head,
    }


def _key() -> str:
    return secrets.token_urlsafe(24)


def _verification_mails(session: Session) -> list[OutboxMessage]:
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "verify_email")
            .order_by(OutboxMessage.id)
        ).all()
    )


def _recipients(session: Session) -> list[str]:
    return sorted(m.to_address for m in _verification_mails(session))


def test_preview_counts_who_gets_a_mail_and_why_the_rest_are_skipped(
    session: Session, world: dict
) -> None:
    # The admins themselves have no address: "no_email" counts them too.
    preview = preview_bulk_verification(session, actor=world["head"], fields={})
    assert preview.will_send == 4  # anna, bo, eva, gun
    assert preview.skipped == {
        "no_email": 3,
        "already_verified": 1,
        "bounced": 1,
        "recently_sent": 0,
        "admin_out_of_reach": 0,  # finding A.1 (the head admin reaches everyone)
    }
    assert preview.matched == 9


@pytest.mark.parametrize(
    ("fields", "will_send"),
    [
        ({"company_id": "NORR"}, 3),  # anna, bo, eva
        ({"company_id": "SYD"}, 1),  # gun
        ({"unit_id": "UNIT"}, 2),  # anna, bo
        ({"user_type": "brukare"}, 1),  # bo
        ({"text": "lind"}, 3),  # anna, eva, gun
        ({"text": "lind", "company_id": "NORR"}, 2),
        ({"email_state": "verified"}, 0),
        ({"email_state": "missing"}, 0),
        ({"status": "removed"}, 0),
    ],
)
def test_every_filter_of_the_list_narrows_the_selection(
    session: Session, world: dict, fields: dict, will_send: int
) -> None:
    ids = {
        "NORR": str(world["norr"].id),
        "SYD": str(world["syd"].id),
        "UNIT": str(world["unit"].id),
    }
    fields = {k: ids.get(v, v) for k, v in fields.items()}
    assert (
        preview_bulk_verification(session, actor=world["head"], fields=fields).will_send
        == will_send
    )


def test_a_unit_admin_reaches_only_their_unit(session: Session, world: dict) -> None:
    preview = preview_bulk_verification(session, actor=world["unit_admin"], fields={})
    assert preview.will_send == 2
    # A forged company outside the scope selects nobody rather than everybody.
    forged = {"company_id": str(world["syd"].id)}
    assert preview_bulk_verification(session, actor=world["unit_admin"], fields=forged).matched == 0


def test_garbage_fields_fall_back_to_defaults(session: Session, world: dict) -> None:
    fields = {"company_id": "1 OR 1=1", "user_type": "root", "status": ["x"], "text": 5}
    assert preview_bulk_verification(session, actor=world["head"], fields=fields).will_send == 4


def test_the_job_sends_exactly_the_previewed_people_through_the_outbox(
    session: Session, engine: Engine, world: dict
) -> None:
    progress = start_bulk_verification(session, actor=world["head"], fields={}, request_key=_key())
    session.commit()
    assert progress.status == JobStatus.QUEUED and progress.total == 9
    assert _verification_mails(session) == []  # queued by the worker, not by the page

    jobs.run_until_idle(engine)

    session.expire_all()
    assert _recipients(session) == [
        "anna@example.org",
        "bo@example.org",
        "eva@example.org",
        "gun@example.org",
    ]
    done = jobs.get_job(session, actor=world["head"], job_id=progress.id)
    assert done.status == JobStatus.DONE and done.percent == 100
    assert (done.processed, done.succeeded, done.skipped) == (9, 4, 5)
    assert done.summary == {"send": 4, "no_email": 3, "already_verified": 1, "bounced": 1}
    assert all(m.status == OutboxStatus.PENDING for m in _verification_mails(session))


def test_a_repeated_request_key_starts_nothing_new(
    session: Session, engine: Engine, world: dict
) -> None:
    key = _key()
    first = start_bulk_verification(session, actor=world["head"], fields={}, request_key=key)
    session.commit()
    jobs.run_until_idle(engine)
    again = start_bulk_verification(
        session, actor=world["head"], fields={"text": "anna"}, request_key=key
    )
    session.commit()
    jobs.run_until_idle(engine)

    assert again.id == first.id
    assert session.exec(select(func.count()).select_from(BackgroundJob)).one() == 1
    assert len(_verification_mails(session)) == 4


def test_a_second_job_skips_everyone_mailed_recently(
    session: Session, engine: Engine, world: dict
) -> None:
    start_bulk_verification(session, actor=world["head"], fields={}, request_key=_key())
    session.commit()
    jobs.run_until_idle(engine)

    preview = preview_bulk_verification(session, actor=world["head"], fields={})
    assert preview.will_send == 0 and preview.skipped["recently_sent"] == 4
    start_bulk_verification(session, actor=world["head"], fields={}, request_key=_key())
    session.commit()
    jobs.run_until_idle(engine)
    assert len(_verification_mails(session)) == 4


def test_recently_sent_ends_after_the_configured_window(
    session: Session, world: dict, configure
) -> None:
    configure(verification_resend_hours=2)
    anna = world["people"]["anna"]
    mail = queue_verification_mail(session, user=anna)
    mail.created_at = utcnow() - timedelta(hours=1)
    session.flush()
    assert (
        preview_bulk_verification(session, actor=world["head"], fields={}).skipped["recently_sent"]
        == 1
    )
    mail.created_at = utcnow() - timedelta(hours=3)
    session.flush()
    assert (
        preview_bulk_verification(session, actor=world["head"], fields={}).skipped["recently_sent"]
        == 0
    )


def test_a_dead_mail_is_not_recent_and_a_cancelled_one_neither(
    session: Session, world: dict
) -> None:
    anna = world["people"]["anna"]
    mail = queue_verification_mail(session, user=anna)
    for status in (OutboxStatus.DEAD, OutboxStatus.CANCELLED):
        mail.status = status
        session.flush()
        assert (
            preview_bulk_verification(session, actor=world["head"], fields={}).skipped[
                "recently_sent"
            ]
            == 0
        )


def test_the_job_works_in_chunks_and_resumes_after_its_cursor(
    session: Session, engine: Engine, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_verification, "CHUNK", 2)
    progress = start_bulk_verification(session, actor=world["head"], fields={}, request_key=_key())
    session.commit()

    assert jobs.run_one_step(engine)
    session.expire_all()
    job = session.get(BackgroundJob, progress.id)
    assert (job.status, job.processed) == (JobStatus.RUNNING, 2)
    assert 0 < jobs.get_job(session, actor=world["head"], job_id=job.id).percent < 100

    steps = jobs.run_until_idle(engine)
    assert steps == 4  # 9 users in chunks of 2: 4 more steps, the last one short
    assert len(_verification_mails(session)) == 4


def test_a_failing_step_rolls_back_its_chunk_and_marks_the_job_failed(
    session: Session, engine: Engine, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_verification, "CHUNK", 4)
    start_bulk_verification(session, actor=world["head"], fields={}, request_key=_key())
    session.commit()
    jobs.run_one_step(engine)
    sent_before = len(_verification_mails(session))

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(bulk_verification, "queue_verification_mail", explode)
    jobs.run_until_idle(engine)

    session.expire_all()
    job = session.exec(select(BackgroundJob)).one()
    assert job.status == JobStatus.FAILED and job.processed == 4
    assert len(_verification_mails(session)) == sent_before


def test_a_job_stops_when_its_admin_lost_the_role(
    session: Session, engine: Engine, world: dict
) -> None:
    start_bulk_verification(session, actor=world["head"], fields={}, request_key=_key())
    session.commit()
    from admin_portal.models import RoleAssignment

    for grant_row in session.exec(
        select(RoleAssignment).where(RoleAssignment.user_id == world["head_user"].id)
    ):
        session.delete(grant_row)
    session.commit()
    jobs.run_until_idle(engine)
    assert _verification_mails(session) == []
    assert session.exec(select(BackgroundJob.status)).one() == JobStatus.DONE


@pytest.mark.parametrize(
    "key", ["", "short", "x" * 65, "has spaces in it!!!!", None, 12345678901234567890]
)
def test_a_malformed_request_key_is_refused(session: Session, world: dict, key: object) -> None:
    with pytest.raises(ServiceError) as refused:
        start_bulk_verification(session, actor=world["head"], fields={}, request_key=key)
    assert refused.value.key == "jobs.bad_request_key"


def test_jobs_are_private_to_their_admin_and_organisation(session: Session, world: dict) -> None:
    key = _key()
    progress = start_bulk_verification(
        session, actor=world["unit_admin"], fields={}, request_key=key
    )
    session.commit()
    # The head admin of the organisation may watch it; another organisation may not.
    assert jobs.get_job(session, actor=world["head"], job_id=progress.id).id == progress.id
    with pytest.raises(NotFound):
        jobs.get_job(session, actor=world["other_head"], job_id=progress.id)
    for forged in ("1", None, True):
        with pytest.raises(NotFound):
            jobs.get_job(session, actor=world["head"], job_id=forged)
    # Someone else's request key cannot be used to take over (or read) the job.
    with pytest.raises(PermissionDenied):
        start_bulk_verification(session, actor=world["head"], fields={}, request_key=key)


def test_latest_job_is_what_a_reloaded_page_shows(session: Session, world: dict) -> None:
    assert jobs.latest_job(session, actor=world["head"], kind="bulk_verification") is None
    progress = start_bulk_verification(session, actor=world["head"], fields={}, request_key=_key())
    session.commit()
    latest = jobs.latest_job(session, actor=world["head"], kind="bulk_verification")
    assert latest is not None and latest.id == progress.id
    assert jobs.latest_job(session, actor=world["unit_admin"], kind="bulk_verification") is None


def test_only_admins_may_bulk_verify(session: Session, world: dict) -> None:
    plain = load_actor(session, world["people"]["anna"].id)
    with pytest.raises(PermissionDenied):
        preview_bulk_verification(session, actor=plain, fields={})
    with pytest.raises(PermissionDenied):
        start_bulk_verification(session, actor=plain, fields={}, request_key=_key())


def test_other_organisations_users_are_never_selected(
    session: Session, engine: Engine, world: dict
) -> None:
    start_bulk_verification(session, actor=world["other_head"], fields={}, request_key=_key())
    session.commit()
    jobs.run_until_idle(engine)
    assert _recipients(session) == ["u@example.org"]
    assert (
        session.exec(
            select(func.count()).where(col(OutboxMessage.user_id) == world["people"]["anna"].id)
        ).one()
        == 0
    )

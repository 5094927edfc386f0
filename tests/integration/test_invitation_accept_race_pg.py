"""F4.8 under concurrency: two tabs accept one invitation at the same moment.

Both requests first check the link and the username (as the service does) and see the
invitation open; a barrier holds them there until both have looked. Only the conditional
UPDATE on the invitation can then decide: exactly one account may come out of it.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal.auth.tokens import hash_secret, new_secret
from admin_portal.migrations import upgrade
from admin_portal.models import (
    Company,
    CostCentre,
    Invitation,
    InvitationStatus,
    Organisation,
    Service,
    ServiceOrder,
    Unit,
    User,
    utcnow,
)
from admin_portal.services.errors import ServiceError
from admin_portal.services.invitations import acceptance as invitation_acceptance
from admin_portal.validation.identifiers import username_key

pytestmark = pytest.mark.postgres

TIMEOUT = 15.0
PASSWORD = "en ganska lång lösenfras till kontot"


def _invitation(engine: Engine) -> tuple[str, int]:
    with Session(engine, expire_on_commit=False) as s:
        org = Organisation(name="Raceorg")
        s.add(org)
        s.flush()
        company = Company(
            organisation_id=org.id, name="Raceföretag", organisation_number="5560001235"
        )
        s.add(company)
        s.flush()
        unit = Unit(company_id=company.id, name="Enhet")
        inviter = User(
            organisation_id=org.id,
            company_id=company.id,
            first_name="Ada",
            last_name="Admin",
            username="ada",
            username_key="ada",
        )
        service = Service(
            organisation_id=org.id, code="therapy", name_sv="Terapisamtal", name_en="Therapy"
        )
        centre = CostCentre(organisation_id=org.id, code="1010", name="HR")
        s.add_all([unit, inviter, service, centre])
        s.flush()
        raw = new_secret()
        invitation = Invitation(
            organisation_id=org.id,
            company_id=company.id,
            unit_id=unit.id,
            first_name="Sara",
            last_name="Svensson",
            email="sara@example.se",
            email_key="sara@example.se",
            status=InvitationStatus.SENT,
            token_hash=hash_secret(raw),
            expires_at=utcnow() + timedelta(hours=1),
            invited_by_id=inviter.id,
        )
        s.add(invitation)
        s.flush()
        s.add(
            ServiceOrder(
                organisation_id=org.id,
                invitation_id=invitation.id,
                service_id=service.id,
                cost_centre_id=centre.id,
                credits=6,
                created_by_id=inviter.id,
            )
        )
        s.commit()
        assert invitation.id is not None
        return raw, invitation.id


@pytest.mark.parametrize("usernames", [("sara.a", "sara.b"), ("Sara", "SARA")])
def test_two_concurrent_accepts_create_one_account(
    pg_database_url: str,
    pg_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    usernames: tuple[str, str],
) -> None:
    upgrade(pg_database_url, keep_logging=True)
    raw, invitation_id = _invitation(pg_engine)
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    original_claim = invitation_acceptance._claim

    def claim_together(*args: object, **kwargs: object) -> None:
        barrier.wait()  # both have validated and seen the invitation open
        original_claim(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(invitation_acceptance, "_claim", claim_together)
    outcomes: dict[str, str] = {}
    errors: dict[str, BaseException] = {}

    def accept(username: str) -> None:
        try:
            with Session(pg_engine, expire_on_commit=False) as s:
                # A deadlock or a lost wake-up must fail the test, not hang it.
                s.execute(text("SET LOCAL lock_timeout = '10s'"))
                try:
                    invitation_acceptance.accept_invitation(
                        s, raw_token=raw, username=username, password=PASSWORD, repeat=PASSWORD
                    )
                    s.commit()
                    outcomes[username] = "accepted"
                except ServiceError as refused:
                    s.rollback()
                    outcomes[username] = refused.key
        except BaseException as exc:  # reported by the main thread
            errors[username] = exc
            barrier.abort()

    threads = [threading.Thread(target=accept, args=(u,), name=f"accept-{u}") for u in usernames]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "an accepting thread hung"
    assert not errors, errors
    assert sorted(outcomes.values()) == ["acceptance.link_used", "accepted"], outcomes

    winner = next(u for u, o in outcomes.items() if o == "accepted")
    with Session(pg_engine) as s:
        sara = s.exec(select(User).where(User.first_name == "Sara")).all()
        assert [u.username_key for u in sara] == [username_key(winner)]
        assert s.exec(select(func.count()).select_from(User)).one() == 2  # the inviter and Sara
        invitation = s.get(Invitation, invitation_id)
        assert invitation is not None
        assert (invitation.status, invitation.user_id) == (InvitationStatus.ACCEPTED, sara[0].id)
        orders = s.exec(select(ServiceOrder.user_id)).all()
        assert orders == [sara[0].id]

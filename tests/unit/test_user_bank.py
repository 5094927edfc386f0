"""Användarbanken (F0.3, F0.4): removal, restore preview, restore, erasure and who may do them.

Only a head administrator of the same organisation may use the bank. Everyone else, and
every id that is not a banked user of that organisation, gets NotFound. A refused call
leaves nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.auth.tokens import TokenState, inspect_token, new_secret
from admin_portal.i18n import EN, SV
from admin_portal.models import (
    AuditEvent,
    CareLink,
    LoginSession,
    LoginThrottle,
    OutboxMessage,
    OutboxStatus,
    Role,
    RoleAssignment,
    Token,
    TokenPurpose,
    Unit,
    User,
    UserStatus,
    UserType,
    utcnow,
)
from admin_portal.services.errors import NotFound, ValidationFailed
from admin_portal.services.user_bank.manage import (
    Conflict,
    erase_user,
    preview_restore,
    restore_user,
)
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import (
    create_user,
    send_invitation,
)
from admin_portal.services.users.removal import (
    remove_user,
)
from tests.support.factories import grant, make_company, make_unit, make_user
from tests.support.row_counts import snapshot
from tests.support.world import CareWorld, build_care_world

LINK = re.compile(r"https?://\S+/satt-losenord\?token=([A-Za-z0-9_-]+)")
ANNA_EMAIL = "anna.berg@example.se"


# --------------------------------------------------------------------------- world


@dataclass
class World(CareWorld):
    unit_norr: Unit  # in company2
    brukare: User  # Berit Brukare, unit_a
    anna: User  # assistant of `brukare`, unit_a, verified e-mail


@pytest.fixture
def w(session: Session) -> World:
    base = build_care_world(session)
    unit_norr = make_unit(session, base.company2, "Enhet Norr")
    brukare = make_user(
        session,
        base.company,
        unit=base.unit_a,
        username="berit.brukare",
        user_type=UserType.BRUKARE,
        first_name="Berit",
        last_name="Brukare",
    )
    anna = make_user(
        session,
        base.company,
        unit=base.unit_a,
        username="anna.berg",
        email=ANNA_EMAIL,
        verified=True,
        user_type=UserType.ASSISTANT,
        first_name="Anna",
        last_name="Berg",
    )
    session.add(CareLink(organisation_id=base.org.id, assistant_id=anna.id, brukare_id=brukare.id))
    session.commit()
    return base.extend(World, unit_norr=unit_norr, brukare=brukare, anna=anna)


# --------------------------------------------------------------------------- helpers


def user_state(user: User) -> dict[str, Any]:
    return user.model_dump()


def translated(key: str) -> str:
    assert SV.get(key), f"{key} missing in Swedish"
    assert EN.get(key), f"{key} missing in English"
    return key


def refused(
    session: Session, user: User, call: Callable[[], object], *, field: str, key: str
) -> None:
    """ValidationFailed with `key` on `field`; no row added and the user row untouched."""
    before, state = snapshot(session), user_state(user)
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert caught.value.errors == {field: key}
    translated(key)
    assert snapshot(session) == before
    assert user_state(user) == state
    session.flush()  # nothing half-done is waiting to be written either
    session.refresh(user)
    assert user_state(user) == state


def audit(session: Session, action: str) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
        ).all()
    )


def outbox_for(session: Session, user_id: int) -> list[OutboxMessage]:
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == user_id)
            .order_by(col(OutboxMessage.id))
        ).all()
    )


def link_token(message: OutboxMessage) -> str:
    match = LINK.search(message.text_body)
    assert match, message.text_body
    return match.group(1)


def add_session(session: Session, user: User) -> LoginSession:
    row = LoginSession(
        user_id=user.id, token_hash=new_secret()[:64], expires_at=utcnow() + timedelta(hours=8)
    )
    session.add(row)
    session.flush()
    return row


def bank(session: Session, w: World, *users: User) -> None:
    actor = w.actor(session, w.head)
    for user in users:
        remove_user(session, actor=actor, user_id=user.id, reason="Slutat")
    session.commit()


@pytest.fixture
def invited_and_banked(session: Session, w: World) -> tuple[str, LoginSession]:
    """Anna was invited (a live link, a pending mail), signed in, then removed."""
    send_invitation(session, actor=w.actor(session, w.head), user_id=w.anna.id)
    old_raw = link_token(outbox_for(session, w.anna.id or 0)[-1])
    login = add_session(session, w.anna)
    session.commit()
    bank(session, w, w.anna)
    return old_raw, login


# --------------------------------------------------------------------------- removal


def test_removal_revokes_sessions_voids_tokens_cancels_mail_and_keeps_the_username(
    session: Session, w: World, invited_and_banked: tuple[str, LoginSession]
) -> None:
    old_raw, login = invited_and_banked
    anna = session.get(User, w.anna.id)
    assert anna is not None and anna.status == UserStatus.REMOVED
    assert anna.removed_by_id == w.head.id and anna.removed_reason == "Slutat"
    session.refresh(login)
    assert login.revoked_at is not None
    tokens = session.exec(select(Token).where(Token.user_id == w.anna.id)).all()
    assert tokens and all(t.voided_at is not None for t in tokens)
    assert inspect_token(session, old_raw, TokenPurpose.SET_PASSWORD)[0] is TokenState.USED
    assert [m.status for m in outbox_for(session, w.anna.id or 0)] == [OutboxStatus.CANCELLED]
    # Profile and links are kept.
    assert (anna.first_name, anna.email, anna.unit_id) == ("Anna", ANNA_EMAIL, w.unit_a.id)
    assert session.exec(select(CareLink).where(CareLink.assistant_id == w.anna.id)).all()
    # The username stays reserved; a head admin is told it is in the user bank.
    with pytest.raises(ValidationFailed) as caught:
        create_user(
            session,
            actor=w.actor(session, w.head),
            data=UserInput(
                first_name="Ny", last_name="Person", username="ANNA.BERG", company_id=w.company.id
            ),
        )
    assert caught.value.errors == {"username": translated("username.in_user_bank_head")}


# --------------------------------------------------------------------------- preview


def test_preview_defaults_to_where_they_were_and_counts_what_comes_back(
    session: Session, w: World
) -> None:
    grant(session, w.anna, Role.ADMIN, unit=w.unit_b)
    bank(session, w, w.anna)
    preview = preview_restore(session, actor=w.actor(session, w.head), user_id=w.anna.id)
    assert (preview.user_id, preview.full_name, preview.username, preview.email) == (
        w.anna.id,
        "Anna Berg",
        "anna.berg",
        ANNA_EMAIL,
    )
    assert (preview.company_id, preview.unit_id) == (w.company.id, w.unit_a.id)
    assert (preview.brukare_links, preview.assistant_links, preview.admin_rights) == (1, 0, 1)
    assert preview.conflicts == []


def test_preview_of_a_banked_brukare_counts_its_assistants(session: Session, w: World) -> None:
    bank(session, w, w.brukare)
    preview = preview_restore(session, actor=w.actor(session, w.head), user_id=w.brukare.id)
    assert (preview.brukare_links, preview.assistant_links, preview.admin_rights) == (0, 1, 0)
    assert preview.conflicts == []


def test_preview_into_a_chosen_company_and_unit(session: Session, w: World) -> None:
    bank(session, w, w.anna)
    actor = w.actor(session, w.head)
    preview = preview_restore(
        session, actor=actor, user_id=w.anna.id, company_id=w.company2.id, unit_id=w.unit_norr.id
    )
    assert (preview.company_id, preview.unit_id) == (w.company2.id, w.unit_norr.id)
    # The company without a unit: directly in the company.
    preview = preview_restore(session, actor=actor, user_id=w.anna.id, company_id=w.company.id)
    assert (preview.company_id, preview.unit_id) == (w.company.id, None)


def test_preview_shows_an_email_now_used_by_another_person_in_the_target_company(
    session: Session, w: World
) -> None:
    bank(session, w, w.anna)
    make_user(session, w.company2, username="anna.norr", email="ANNA.berg@example.se")
    actor = w.actor(session, w.head)
    preview = preview_restore(session, actor=actor, user_id=w.anna.id, company_id=w.company2.id)
    assert preview.conflicts == [Conflict("bank.conflict_email", {"email": ANNA_EMAIL})]
    translated("bank.conflict_email")
    # Back where she was (or into any company where the address is free): no e-mail conflict.
    assert preview_restore(session, actor=actor, user_id=w.anna.id).conflicts == []
    third = make_company(session, w.org, "Tredje AB")
    assert (
        preview_restore(session, actor=actor, user_id=w.anna.id, company_id=third.id).conflicts
        == []
    )


def test_a_banked_persons_email_also_blocks_the_target_company(session: Session, w: World) -> None:
    """F0.8 counts banked people too (and so does the database constraint)."""
    other = make_user(session, w.company2, username="anna.norr", email=ANNA_EMAIL)
    session.commit()
    bank(session, w, w.anna, other)
    actor = w.actor(session, w.head)
    preview = preview_restore(session, actor=actor, user_id=w.anna.id, company_id=w.company2.id)
    assert [c.key for c in preview.conflicts] == ["bank.conflict_email"]
    anna = session.get(User, w.anna.id)
    assert anna is not None
    refused(
        session,
        anna,
        lambda: restore_user(
            session, actor=actor, user_id=w.anna.id, company_id=w.company2.id, unit_id=None
        ),
        field="email",
        key="bank.conflict_email_must_change",
    )


def test_preview_shows_a_linked_brukare_that_is_itself_banked(session: Session, w: World) -> None:
    bank(session, w, w.anna, w.brukare)
    preview = preview_restore(session, actor=w.actor(session, w.head), user_id=w.anna.id)
    assert preview.conflicts == [
        Conflict("bank.conflict_brukare_banked", {"name": "Berit Brukare"})
    ]
    translated("bank.conflict_brukare_banked")
    assert preview.brukare_links == 1  # the link is kept


# --------------------------------------------------------------------------- restore


def test_restore_returns_the_user_with_a_fresh_link_and_no_old_access(
    session: Session, w: World, invited_and_banked: tuple[str, LoginSession]
) -> None:
    old_raw, login = invited_and_banked
    w.anna.password_hash = (
        "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo"  # had a password
    )
    session.add(w.anna)
    session.flush()
    before_mail = outbox_for(session, w.anna.id or 0)
    actor = w.actor(session, w.head)

    mailed = restore_user(
        session, actor=actor, user_id=w.anna.id, company_id=w.company2.id, unit_id=w.unit_norr.id
    )
    session.commit()

    assert mailed is True
    anna = session.get(User, w.anna.id)
    assert anna is not None
    assert anna.status == UserStatus.ACTIVE
    assert (anna.removed_at, anna.removed_by_id, anna.removed_reason) == (None, None, None)
    assert (anna.company_id, anna.unit_id) == (w.company2.id, w.unit_norr.id)
    assert anna.email == ANNA_EMAIL and anna.email_verified_at is not None  # unchanged address
    # One new welcome mail with a new, valid link; the old link stays dead.
    mails = outbox_for(session, w.anna.id or 0)
    assert len(mails) == len(before_mail) + 1
    new_mail = mails[-1]
    assert (new_mail.kind, new_mail.status, new_mail.to_address) == (
        "welcome",
        OutboxStatus.PENDING,
        ANNA_EMAIL,
    )
    assert "anna.berg" in new_mail.text_body
    new_raw = link_token(new_mail)
    assert new_raw != old_raw
    assert inspect_token(session, new_raw, TokenPurpose.SET_PASSWORD)[0] is TokenState.VALID
    assert inspect_token(session, old_raw, TokenPurpose.SET_PASSWORD)[0] is TokenState.USED
    assert all(m.status == OutboxStatus.CANCELLED for m in before_mail)
    session.refresh(login)
    assert login.revoked_at is not None
    assert anna.password_hash is None  # the old password does not come back either
    [event] = audit(session, "user_restored")
    assert (event.target_type, event.target_id, event.actor_user_id, event.organisation_id) == (
        "user",
        str(w.anna.id),
        w.head.id,
        w.org.id,
    )
    # Back in the lists: the bank no longer knows her.
    with pytest.raises(NotFound):
        preview_restore(session, actor=actor, user_id=w.anna.id)


def test_restore_without_a_choice_puts_the_user_back_where_they_were(
    session: Session, w: World
) -> None:
    bank(session, w, w.anna)
    assert restore_user(
        session, actor=w.actor(session, w.head), user_id=w.anna.id, company_id=None, unit_id=None
    )
    anna = session.get(User, w.anna.id)
    assert anna is not None
    assert (anna.status, anna.company_id, anna.unit_id) == (
        UserStatus.ACTIVE,
        w.company.id,
        w.unit_a.id,
    )


def test_restore_with_a_taken_email_must_change_or_clear_it(session: Session, w: World) -> None:
    bank(session, w, w.anna)
    make_user(session, w.company2, username="anna.norr", email=ANNA_EMAIL)
    session.commit()
    actor = w.actor(session, w.head)
    anna = session.get(User, w.anna.id)
    assert anna is not None

    def restore(**kwargs: Any) -> bool:
        return restore_user(
            session,
            actor=actor,
            user_id=w.anna.id,
            company_id=w.company2.id,
            unit_id=None,
            **kwargs,
        )

    refused(session, anna, restore, field="email", key="bank.conflict_email_must_change")
    # The same address in another case is still the same address.
    refused(
        session,
        anna,
        lambda: restore(new_email="Anna.Berg@EXAMPLE.se"),
        field="email",
        key="bank.conflict_email_must_change",
    )
    refused(
        session,
        anna,
        lambda: restore(new_email="inte-en-adress"),
        field="email",
        key="email.invalid",
    )
    # A new address that is itself taken in the target company is refused before any change.
    make_user(session, w.company2, username="norr.kollega", email="norr@example.se")
    refused(
        session,
        anna,
        lambda: restore(new_email="norr@example.se"),
        field="email",
        key="bank.conflict_email_must_change",
    )

    assert restore(new_email="  anna.ny@example.se ") is True
    session.commit()
    assert (anna.email, anna.email_key, anna.email_verified_at) == (
        "anna.ny@example.se",
        "anna.ny@example.se",
        None,
    )
    assert anna.status == UserStatus.ACTIVE and anna.company_id == w.company2.id
    assert outbox_for(session, w.anna.id or 0)[-1].to_address == "anna.ny@example.se"


def test_restore_elsewhere_may_take_an_address_used_in_the_old_company(
    session: Session, w: World
) -> None:
    """Only the target company counts: the old company's addresses are no obstacle."""
    bank(session, w, w.anna)
    make_user(session, w.company, username="kollega", email="kollega@example.se")
    session.commit()
    assert restore_user(
        session,
        actor=w.actor(session, w.head),
        user_id=w.anna.id,
        company_id=w.company2.id,
        unit_id=None,
        new_email="kollega@example.se",
    )
    session.commit()
    anna = session.get(User, w.anna.id)
    assert anna is not None
    assert (anna.company_id, anna.email) == (w.company2.id, "kollega@example.se")


def test_restore_with_the_email_cleared_sends_nothing(session: Session, w: World) -> None:
    bank(session, w, w.anna)
    make_user(session, w.company2, username="anna.norr", email=ANNA_EMAIL)
    session.commit()
    mails_before = len(outbox_for(session, w.anna.id or 0))

    mailed = restore_user(
        session,
        actor=w.actor(session, w.head),
        user_id=w.anna.id,
        company_id=w.company2.id,
        unit_id=None,
        new_email="ignored@example.se",
        clear_email=True,
    )
    session.commit()

    assert mailed is False
    anna = session.get(User, w.anna.id)
    assert anna is not None
    assert (anna.status, anna.email, anna.email_key, anna.email_verified_at) == (
        UserStatus.ACTIVE,
        None,
        None,
        None,
    )
    assert len(outbox_for(session, w.anna.id or 0)) == mails_before
    live = session.exec(
        select(Token).where(
            Token.user_id == w.anna.id,
            col(Token.used_at).is_(None),
            col(Token.voided_at).is_(None),
        )
    ).all()
    assert live == []
    assert len(audit(session, "user_restored")) == 1


def test_restore_refuses_a_placement_outside_the_company_or_organisation(
    session: Session, w: World
) -> None:
    bank(session, w, w.anna)
    actor = w.actor(session, w.head)
    anna = session.get(User, w.anna.id)
    assert anna is not None
    refused(
        session,
        anna,
        lambda: restore_user(
            session, actor=actor, user_id=w.anna.id, company_id=w.company.id, unit_id=w.unit_norr.id
        ),
        field="unit_id",
        key="users.unit_not_found",
    )
    refused(
        session,
        anna,
        lambda: restore_user(
            session, actor=actor, user_id=w.anna.id, company_id=w.company.id, unit_id=987654
        ),
        field="unit_id",
        key="users.unit_not_found",
    )
    refused(
        session,
        anna,
        lambda: restore_user(
            session, actor=actor, user_id=w.anna.id, company_id=w.other_company.id, unit_id=None
        ),
        field="company_id",
        key="users.placement_outside_scope",
    )
    with pytest.raises(ValidationFailed) as caught:
        preview_restore(session, actor=actor, user_id=w.anna.id, company_id=w.other_company.id)
    assert caught.value.errors == {"company_id": "users.placement_outside_scope"}


# --------------------------------------------------------------------------- erase


def test_erase_needs_the_typed_username(session: Session, w: World) -> None:
    bank(session, w, w.anna)
    anna = session.get(User, w.anna.id)
    assert anna is not None
    actor = w.actor(session, w.head)
    for typed in ("", "anna", "anna.berg2", None, 42):
        refused(
            session,
            anna,
            lambda typed=typed: erase_user(
                session, actor=actor, user_id=w.anna.id, typed_username=typed
            ),
            field="confirm",
            key="bank.erase_confirm_mismatch",
        )
    assert anna.status == UserStatus.REMOVED


def test_erase_removes_everything_personal_and_frees_the_username(
    session: Session, w: World, invited_and_banked: tuple[str, LoginSession]
) -> None:
    uid = w.anna.id
    assert uid is not None
    grant(session, w.anna, Role.ADMIN, unit=w.unit_b)
    session.add(LoginThrottle(username_key="anna.berg", failures=2))
    # A real user whose username looks like a pseudonym must not get in the way.
    make_user(session, w.company, username=f"erased-{uid}")
    session.commit()
    actor = w.actor(session, w.head)

    erase_user(session, actor=actor, user_id=uid, typed_username="  Anna.Berg ")
    session.commit()

    anna = session.get(User, uid)
    assert anna is not None
    assert anna.status == "erased"
    for name in ("Anna", "Berg", "anna.berg", ANNA_EMAIL):
        assert name not in repr(anna.model_dump())
    assert anna.email is None and anna.email_key is None and anna.email_verified_at is None
    assert anna.mobile is None and anna.national_id is None and anna.notes is None
    assert anna.removed_reason is None and anna.password_hash is None
    for model, column in (
        (Token, Token.user_id),
        (LoginSession, LoginSession.user_id),
        (RoleAssignment, RoleAssignment.user_id),
        (CareLink, CareLink.assistant_id),
    ):
        assert session.exec(select(model).where(column == uid)).all() == [], model
    assert session.get(LoginThrottle, "anna.berg") is None
    mails = outbox_for(session, uid)
    assert mails
    for mail in mails:
        assert (mail.to_address, mail.subject, mail.html_body, mail.text_body) == (
            "erased",
            "erased",
            "",
            "",
        )
        assert mail.status != OutboxStatus.PENDING
    # The audit log still points at the id, and names nobody.
    events = session.exec(select(AuditEvent).where(AuditEvent.target_id == str(uid))).all()
    assert {e.action for e in events} >= {"invitation_sent", "user_removed", "user_erased"}
    for event in events:
        text = repr(event.model_dump())
        assert "Anna" not in text and "anna.berg" not in text and "Berg" not in text
    [erased] = audit(session, "user_erased")
    assert erased.actor_user_id == w.head.id
    # Out of the bank, and the username is free for someone new.
    with pytest.raises(NotFound):
        preview_restore(session, actor=actor, user_id=uid)
    new_id = create_user(
        session,
        actor=actor,
        data=UserInput(
            first_name="Anna",
            last_name="Bergström",
            username="anna.berg",
            company_id=w.company.id,
            email=ANNA_EMAIL,
        ),
    )
    assert new_id != uid


def test_erasing_a_brukare_removes_the_assistants_links(session: Session, w: World) -> None:
    bank(session, w, w.brukare)
    erase_user(
        session,
        actor=w.actor(session, w.head),
        user_id=w.brukare.id,
        typed_username="berit.brukare",
    )
    assert session.exec(select(CareLink).where(CareLink.brukare_id == w.brukare.id)).all() == []
    anna = session.get(User, w.anna.id)
    assert anna is not None and anna.status == UserStatus.ACTIVE


# --------------------------------------------------------------------------- permissions


def _bank_calls(session: Session, actor: Actor, user_id: object) -> list[Callable[[], object]]:
    return [
        lambda: preview_restore(session, actor=actor, user_id=user_id),
        lambda: restore_user(session, actor=actor, user_id=user_id, company_id=None, unit_id=None),
        lambda: erase_user(session, actor=actor, user_id=user_id, typed_username="anna.berg"),
    ]


@pytest.mark.parametrize("who", ["company_admin", "other_head", "standard"])
def test_only_a_head_admin_of_the_same_organisation_finds_banked_users(
    session: Session, w: World, who: str
) -> None:
    bank(session, w, w.anna)
    actor = w.actor(session, getattr(w, who))
    anna = session.get(User, w.anna.id)
    assert anna is not None
    before, state = snapshot(session), user_state(anna)
    for call in _bank_calls(session, actor, w.anna.id):
        with pytest.raises(NotFound):
            call()
    assert snapshot(session) == before and user_state(anna) == state


def test_a_forged_actor_of_another_organisation_is_not_enough(session: Session, w: World) -> None:
    """Head admin rights count only inside the actor's own organisation."""
    bank(session, w, w.anna)
    actor = Actor(
        user_id=w.other_head.id or 0,
        organisation_id=w.other_org.id or 0,
        full_name="x",
        language="sv",
        is_head_admin=True,
    )
    for call in _bank_calls(session, actor, w.anna.id):
        with pytest.raises(NotFound):
            call()


@pytest.mark.parametrize("forged", ["active", "unknown", "true", "string", "none", "float"])
def test_ids_that_are_not_a_banked_user_are_not_found(
    session: Session, w: World, forged: str
) -> None:
    bank(session, w, w.anna)
    user_id = {
        "active": w.standard.id,
        "unknown": 987654,
        "true": True,
        "string": str(w.anna.id),
        "none": None,
        "float": float(w.anna.id or 0),
    }[forged]
    actor = w.actor(session, w.head)
    before = snapshot(session)
    for call in _bank_calls(session, actor, user_id):
        with pytest.raises(NotFound):
            call()
    assert snapshot(session) == before
    standard = session.get(User, w.standard.id)
    assert standard is not None and standard.status == UserStatus.ACTIVE


def test_every_key_the_bank_can_raise_is_in_both_catalogues() -> None:
    for key in (
        "bank.conflict_email",
        "bank.conflict_email_must_change",
        "bank.conflict_brukare_banked",
        "bank.erase_confirm_mismatch",
        "users.unit_not_found",
        "users.placement_outside_scope",
        "error.not_found",
    ):
        translated(key)

"""What finding A.1 and two items of A.9 change besides the admin-target matrix.

- A set-password (welcome) link goes only to an account that has no password yet; restore
  from the user bank clears the old password and so still sends one (F0.4).
- Only head admins list removed users (`status=removed` on Användare and its export).
- A profile names and links linked brukare/assistants only inside the viewer's scope, and
  saving an assistant keeps the links the viewer cannot see.
- Bulk verification skips admins out of reach; the users list knows which rows those are.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from admin_portal.auth import permissions
from admin_portal.auth.permissions import Actor
from admin_portal.auth.tokens import hash_secret, new_secret
from admin_portal.i18n import EN, SV
from admin_portal.models import (
    CareLink,
    OutboxMessage,
    Role,
    Token,
    TokenPurpose,
    Unit,
    User,
    UserStatus,
    UserType,
    utcnow,
)
from admin_portal.search.query import UserQuery
from admin_portal.search.users import search_users, select_matching_users
from admin_portal.services import jobs
from admin_portal.services.auth.login import request_new_welcome_link
from admin_portal.services.errors import NotFound, ServiceError
from admin_portal.services.spreadsheets.export import export_rows
from admin_portal.services.user_bank.manage import restore_user
from admin_portal.services.users import manage as users_service
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import create_user, send_invitation, update_user
from admin_portal.services.users.profile import get_user_profile
from admin_portal.services.verification.bulk import (
    preview_bulk_verification,
    start_bulk_verification,
)
from tests.support.factories import grant, make_user
from tests.support.row_counts import snapshot
from tests.support.world import CareWorld, build_care_world


@dataclass
class World(CareWorld):
    """The shared world (its `unit_a` is `unit`, `unit_b` is `other_unit`) and these people."""

    unit_admin: User  # admin of `unit`
    wide_admin: User  # admin of `unit` and `other_unit`, placed in `unit`
    assistant: User  # in `unit`
    brukare_in: User  # in `unit`
    brukare_out: User  # in `other_unit`
    assistant_out: User  # in `other_unit`, assists brukare_in
    with_password: User  # in `unit`
    banked: User  # in `unit`, removed

    @property
    def unit(self) -> Unit:
        return self.unit_a

    @property
    def other_unit(self) -> Unit:
        return self.unit_b


@pytest.fixture
def w(session: Session) -> World:
    base = build_care_world(session, head_username="huvud")
    org, company, unit, other_unit = base.org, base.company, base.unit_a, base.unit_b
    unit_admin = make_user(session, company, unit=unit, username="enhetsadmin")
    grant(session, unit_admin, Role.ADMIN, unit=unit)
    wide_admin = make_user(
        session,
        company,
        unit=unit,
        username="bredadmin",
        email="bred@example.se",
        user_type=UserType.ADMINISTRATOR,
    )
    grant(session, wide_admin, Role.ADMIN, unit=unit)
    grant(session, wide_admin, Role.ADMIN, unit=other_unit)
    brukare_in = make_user(
        session,
        company,
        unit=unit,
        username="brukare.inne",
        user_type=UserType.BRUKARE,
        first_name="Inga",
        last_name="Innanför",
    )
    brukare_out = make_user(
        session,
        company,
        unit=other_unit,
        username="brukare.ute",
        user_type=UserType.BRUKARE,
        first_name="Hemlig",
        last_name="Utanför",
    )
    assistant = make_user(
        session, company, unit=unit, username="assistent", user_type=UserType.ASSISTANT
    )
    assistant_out = make_user(
        session,
        company,
        unit=other_unit,
        username="assistent.ute",
        user_type=UserType.ASSISTANT,
        first_name="Dold",
        last_name="Assistent",
    )
    for a, b in ((assistant, brukare_in), (assistant, brukare_out), (assistant_out, brukare_in)):
        session.add(CareLink(organisation_id=org.id, assistant_id=a.id, brukare_id=b.id))
    with_password = make_user(
        session, company, unit=unit, username="harlosen", email="har@example.se"
    )
    banked = make_user(session, company, unit=unit, username="bankad", email="bankad@example.se")
    # A stored hash is all these tests need (no argon2 work in the fixture).
    unit_admin.password_hash = with_password.password_hash = banked.password_hash = "$argon2id$x"
    banked.status, banked.removed_at = UserStatus.REMOVED, utcnow()
    session.commit()
    return base.extend(
        World,
        unit_admin=unit_admin,
        wide_admin=wide_admin,
        assistant=assistant,
        brukare_in=brukare_in,
        brukare_out=brukare_out,
        assistant_out=assistant_out,
        with_password=with_password,
        banked=banked,
    )


def _mails(session: Session) -> int:
    return session.exec(select(func.count()).select_from(OutboxMessage)).one()


# --------------------------------------------------------------------------- welcome link


def test_no_welcome_link_for_an_account_with_a_password(session: Session, w: World) -> None:
    for who in (w.head, w.unit_admin):
        before = snapshot(session)
        with pytest.raises(ServiceError) as refused:
            send_invitation(session, actor=w.actor(session, who), user_id=w.with_password.id)
        assert refused.value.key == "users.welcome_has_password"
        assert SV[refused.value.key] and EN[refused.value.key]
        assert "Glömt lösenord?" in SV[refused.value.key]
        assert snapshot(session) == before


def test_the_profile_says_whether_the_account_has_a_password(session: Session, w: World) -> None:
    actor = w.actor(session, w.unit_admin)
    assert get_user_profile(session, actor=actor, user_id=w.with_password.id).has_password
    assert not get_user_profile(session, actor=actor, user_id=w.brukare_in.id).has_password


def test_add_and_invite_still_sends_the_welcome_link(session: Session, w: World) -> None:
    data = UserInput(
        first_name="Ny",
        last_name="Person",
        username="ny.person",
        company_id=w.company.id,
        unit_id=w.unit.id,
        email="ny@example.se",
    )
    create_user(session, actor=w.actor(session, w.unit_admin), data=data, send_invitation=True)
    assert _mails(session) == 1


def test_restore_clears_the_password_and_sends_a_fresh_link(session: Session, w: World) -> None:
    """F0.4 stays: restored people choose a new password, so they get a welcome link."""
    mailed = restore_user(
        session, actor=w.actor(session, w.head), user_id=w.banked.id, company_id=None, unit_id=None
    )
    assert mailed and _mails(session) == 1
    assert session.get(User, w.banked.id).password_hash is None  # type: ignore[union-attr]


def test_an_expired_welcome_link_is_not_renewed_for_an_account_with_a_password(
    session: Session, w: World
) -> None:
    raw = new_secret()
    session.add(
        Token(
            user_id=w.with_password.id or 0,
            purpose=TokenPurpose.SET_PASSWORD,
            token_hash=hash_secret(raw),
            expires_at=utcnow().replace(year=2000),
        )
    )
    session.flush()
    request_new_welcome_link(session, raw_token=raw)
    assert _mails(session) == 0


# --------------------------------------------------------------------------- removed users


def test_only_head_admins_list_removed_users(session: Session, w: World) -> None:
    removed = UserQuery(status="removed")
    head = w.actor(session, w.head)
    assert [r.username for r in search_users(session, actor=head, query=removed).rows] == ["bankad"]
    unit_admin = w.actor(session, w.unit_admin)
    page = search_users(session, actor=unit_admin, query=removed)
    assert (page.rows, page.total) == ([], 0)
    assert select_matching_users(session, actor=unit_admin, query=removed) is None
    exported = list(export_rows(session, actor=unit_admin, query=removed, lang="sv"))
    assert len(exported) == 1  # the header only
    assert len(list(export_rows(session, actor=head, query=removed, lang="sv"))) == 2


def test_bulk_verification_of_removed_users_reaches_nobody_for_other_admins(
    session: Session, w: World
) -> None:
    preview = preview_bulk_verification(
        session, actor=w.actor(session, w.unit_admin), fields={"status": "removed"}
    )
    assert preview.matched == 0


# --------------------------------------------------------------------------- profile links


def test_profile_links_only_people_in_the_viewers_scope(session: Session, w: World) -> None:
    unit_admin = w.actor(session, w.unit_admin)
    assistant = get_user_profile(session, actor=unit_admin, user_id=w.assistant.id)
    assert [o.id for o in assistant.brukare] == [w.brukare_in.id]
    assert assistant.brukare_outside == 1
    assert "Utanför" not in repr(assistant)
    brukare = get_user_profile(session, actor=unit_admin, user_id=w.brukare_in.id)
    assert [o.id for o in brukare.assistants] == [w.assistant.id]
    assert brukare.assistants_outside == 1
    assert "Dold" not in repr(brukare)
    head = w.actor(session, w.head)
    everyone = get_user_profile(session, actor=head, user_id=w.assistant.id)
    assert {o.id for o in everyone.brukare} == {w.brukare_in.id, w.brukare_out.id}
    assert everyone.brukare_outside == 0


def _assistant_form(w: World, brukare: tuple[int, ...]) -> UserInput:
    return UserInput(
        first_name="Test",
        last_name="Ändrad",
        username="assistent",
        user_type=UserType.ASSISTANT,
        company_id=w.company.id,
        unit_id=w.unit.id,
        brukare_ids=brukare,
        keep_national_id_when_blank=True,
    )


def _links(session: Session, assistant: User) -> set[int]:
    return set(
        session.exec(select(CareLink.brukare_id).where(CareLink.assistant_id == assistant.id)).all()
    )


def test_saving_an_assistant_keeps_links_the_viewer_cannot_see(session: Session, w: World) -> None:
    unit_admin = w.actor(session, w.unit_admin)
    update_user(
        session,
        actor=unit_admin,
        user_id=w.assistant.id,
        data=_assistant_form(w, (w.brukare_in.id or 0,)),
    )
    assert _links(session, w.assistant) == {w.brukare_in.id, w.brukare_out.id}
    # Unlinking every brukare in scope is fine while one outside stays (F0.2 still holds).
    update_user(session, actor=unit_admin, user_id=w.assistant.id, data=_assistant_form(w, ()))
    assert _links(session, w.assistant) == {w.brukare_out.id}


def test_a_head_admin_still_unlinks_any_brukare(session: Session, w: World) -> None:
    head = w.actor(session, w.head)
    update_user(
        session,
        actor=head,
        user_id=w.assistant.id,
        data=_assistant_form(w, (w.brukare_in.id or 0,)),
    )
    assert _links(session, w.assistant) == {w.brukare_in.id}


# --------------------------------------------------------------------------- reach in bulk


def test_bulk_verification_skips_admins_out_of_reach(
    engine: Engine, session: Session, w: World
) -> None:
    unit_admin = w.actor(session, w.unit_admin)
    fields = {"user_type": "administrator"}
    preview = preview_bulk_verification(session, actor=unit_admin, fields=fields)
    assert preview.will_send == 0 and preview.skipped["admin_out_of_reach"] == 1
    assert SV["bulk_verification.reason.admin_out_of_reach"]
    head_preview = preview_bulk_verification(session, actor=w.actor(session, w.head), fields=fields)
    assert head_preview.will_send == 1 and head_preview.skipped["admin_out_of_reach"] == 0
    start_bulk_verification(
        session, actor=unit_admin, fields=fields, request_key=secrets.token_urlsafe(16)
    )
    session.commit()
    jobs.run_until_idle(engine)
    session.expire_all()
    assert _mails(session) == 0
    everyone = {"user_type": ""}
    start_bulk_verification(
        session, actor=unit_admin, fields=everyone, request_key=secrets.token_urlsafe(16)
    )
    session.commit()
    jobs.run_until_idle(engine)
    sent_to = set(session.exec(select(OutboxMessage.user_id)).all())
    assert w.wide_admin.id not in sent_to and w.with_password.id in sent_to


def test_the_list_knows_which_rows_are_out_of_reach(session: Session, w: World) -> None:
    ids = [w.wide_admin.id, w.assistant.id, w.unit_admin.id, w.head.id]
    assert users_service.users_out_of_reach(
        session, actor=w.actor(session, w.unit_admin), user_ids=ids
    ) == {
        w.wide_admin.id,
        w.head.id,
    }
    assert (
        users_service.users_out_of_reach(session, actor=w.actor(session, w.head), user_ids=ids)
        == set()
    )


# --------------------------------------------------------------------------- the pure rule


def _actor(**values: object) -> Actor:
    return Actor(user_id=1, organisation_id=1, full_name="A", language="sv", **values)  # type: ignore[arg-type]


def test_grants_within_reach() -> None:
    TargetGrant = permissions.TargetGrant  # noqa: N806 (the class, looked up at run time)
    unit_admin = _actor(unit_ids=frozenset({10, 11}))  # unit 10 and 11 below it
    company_admin = _actor(company_ids=frozenset({5}))
    head = _actor(is_head_admin=True)
    below = TargetGrant(Role.ADMIN, unit_id=11, unit_company_id=5, unit_parent_id=10)
    same = TargetGrant(Role.ADMIN, unit_id=10, unit_company_id=5, unit_parent_id=None)
    elsewhere = TargetGrant(Role.ADMIN, unit_id=20, unit_company_id=6, unit_parent_id=None)
    company = TargetGrant(Role.ADMIN, company_id=5)
    head_grant = TargetGrant(Role.HEAD_ADMIN)
    support = TargetGrant(Role.SUPPORT)

    def reach(actor: Actor, *grants: permissions.TargetGrant, target: int = 2) -> bool:
        return permissions.grants_within_reach(actor, target_user_id=target, grants=grants)

    assert reach(unit_admin) and reach(unit_admin, below)
    assert not reach(unit_admin, same) and not reach(unit_admin, below, elsewhere)
    assert not reach(unit_admin, company) and not reach(unit_admin, head_grant)
    assert not reach(unit_admin, support)
    assert reach(company_admin, below, same) and not reach(company_admin, company)
    assert not reach(company_admin, elsewhere) and not reach(company_admin, support)
    assert reach(head, head_grant, company, support, elsewhere)
    assert reach(unit_admin, same, target=1)  # one's own account
    assert not reach(_actor(), target=2)  # not an admin at all
    assert not reach(_actor(is_support=True), target=2)


def test_another_organisations_head_admin_finds_nobody_to_change(
    session: Session, w: World
) -> None:
    with pytest.raises(NotFound):
        users_service.get_user_for_write(
            session, actor=w.actor(session, w.other_head), user_id=w.assistant.id
        )

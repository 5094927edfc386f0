"""Användare (F0.1–F0.9): create, edit, invite, remove and reveal, always inside the actor's scope.

Every refusal is a ValidationFailed / NotFound / PermissionDenied whose message keys exist
in both catalogues, and a refused call leaves nothing behind: no user row, no audit event
for a created user, no outbox row, no token, no care link, no role assignment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import load_actor
from admin_portal.auth.tokens import TokenState, inspect_token, new_secret
from admin_portal.i18n import EN, SV, t
from admin_portal.models import (
    AuditEvent,
    CareLink,
    LoginSession,
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
from admin_portal.services.errors import NotFound, PermissionDenied, ValidationFailed
from admin_portal.services.users import manage as users_service
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import (
    create_user,
    get_user_in_scope,
    reveal_national_id,
    send_invitation,
    update_user,
)
from admin_portal.services.users.removal import (
    remove_user,
)
from admin_portal.services.users.username_check import UsernameCheck, UsernameVerdict
from admin_portal.validation import email as email_rules
from admin_portal.validation import names as name_rules
from admin_portal.validation import national_id as national_id_rules
from admin_portal.validation import phone as phone_rules
from tests.support.factories import grant, make_company, make_org, make_unit, make_user
from tests.support.row_counts import snapshot
from tests.support.world import CareWorld, build_care_world

SERVICE_FILES = [
    Path(users_service.__file__).with_name(name)
    for name in ("manage.py", "removal.py", "input.py", "username_check.py", "profile.py")
]
PERSONNUMMER = "198501011236"  # valid: 850101-1236
SAMORDNINGSNUMMER = "198501611233"  # valid: day 61 = the 1st
OTHER_COMPANY_NAME = "Hemliga Konkurrenten AB"
LINK = re.compile(r"(https?://\S+/satt-losenord\?token=([A-Za-z0-9_-]+))")


# --------------------------------------------------------------------------- world


@dataclass
class World(CareWorld):
    unit_a_child: Unit  # below unit_a
    unit_admin: User  # admin of unit_a (and so unit_a_child)
    revealer: User  # admin of `company` with may_reveal_national_id
    colleague: User  # in company, e-mail kollega@example.se, username Kalle.Anka
    brukare_a: User  # unit_a
    brukare_b: User  # unit_b
    employee_a: User  # unit_a, not a brukare
    in_company2: User
    other_brukare: User  # another organisation
    other_user: User  # another organisation, username Hemlig.Person


@pytest.fixture
def w(session: Session) -> World:
    base = build_care_world(session, other_company_name=OTHER_COMPANY_NAME)
    company, unit_a = base.company, base.unit_a
    unit_a_child = make_unit(session, company, "Enhet A natt", parent=unit_a)
    unit_admin = make_user(session, company, unit=unit_a, username="enhet.admin")
    grant(session, unit_admin, Role.ADMIN, unit=unit_a)
    revealer = make_user(session, company, username="visa.admin")
    grant(session, revealer, Role.ADMIN, company=company).may_reveal_national_id = True
    colleague = make_user(
        session, company, unit=unit_a, username="Kalle.Anka", email="kollega@example.se"
    )
    brukare_a = make_user(
        session,
        company,
        unit=unit_a,
        username="brukare.a",
        user_type=UserType.BRUKARE,
        first_name="Berit",
        last_name="Brukare",
    )
    brukare_b = make_user(
        session, company, unit=base.unit_b, username="brukare.b", user_type=UserType.BRUKARE
    )
    employee_a = make_user(session, company, unit=unit_a, username="medarbetare.a")
    in_company2 = make_user(session, base.company2, username="norr.person")
    other_brukare = make_user(
        session, base.other_company, username="annan.brukare", user_type=UserType.BRUKARE
    )
    other_user = make_user(
        session,
        base.other_company,
        username="Hemlig.Person",
        first_name="Hemlig",
        last_name="Persson",
    )
    session.commit()
    return base.extend(
        World,
        unit_a_child=unit_a_child,
        unit_admin=unit_admin,
        revealer=revealer,
        colleague=colleague,
        brukare_a=brukare_a,
        brukare_b=brukare_b,
        employee_a=employee_a,
        in_company2=in_company2,
        other_brukare=other_brukare,
        other_user=other_user,
    )


def person(w: World, **overrides: Any) -> UserInput:
    values: dict[str, Any] = {
        "first_name": "Anna",
        "last_name": "Berg",
        "username": "anna.berg",
        "company_id": w.company.id,
        "unit_id": w.unit_a.id,
        "email": "anna.berg@example.se",
    }
    values.update(overrides)
    return UserInput(**values)


def translated(key: str) -> str:
    """The key exists, with text, in both catalogues; returns it for chaining."""
    assert SV.get(key), f"{key} missing in Swedish"
    assert EN.get(key), f"{key} missing in English"
    return key


def refused(
    session: Session, call: Callable[[], object], *, field: str, key: str, case: str = ""
) -> ValidationFailed:
    """The call raises ValidationFailed with `key` on `field`, and changes nothing."""
    before = snapshot(session)
    try:
        call()
    except ValidationFailed as failure:
        caught = failure
    else:
        pytest.fail(f"{case or key}: not refused")
    assert caught.errors.get(field) == key, (case, caught.errors)
    for k in caught.errors.values():
        translated(k)
    assert snapshot(session) == before, f"{case}: a refused call must change nothing"
    return caught


def the_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    assert user is not None
    return user


def audit(session: Session, action: str | None = None) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(col(AuditEvent.id))
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(session.exec(stmt).all())


def outbox_for(session: Session, user_id: int) -> list[OutboxMessage]:
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == user_id)
            .order_by(col(OutboxMessage.id))
        ).all()
    )


def raw_link_token(message: OutboxMessage) -> tuple[str, str]:
    match = LINK.search(message.text_body)
    assert match, message.text_body
    assert match.group(1) in message.html_body.replace("&amp;", "&")
    return match.group(1), match.group(2)


# --------------------------------------------------------------------------- F0.1 create


def test_create_without_mail_stores_the_user_and_audits_it(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    new_id = create_user(
        session,
        actor=actor,
        data=person(
            w,
            first_name="  Anna   Maria ",
            username=" Anna.Berg ",
            email=" Anna.Berg@Example.SE ",
            mobile="070-123 45 67",
            national_id="850101-1236",
            language="en",
            notes="  Föredrar sms.  ",
        ),
    )
    session.commit()
    user = the_user(session, new_id)
    assert (user.first_name, user.last_name, user.username) == ("Anna Maria", "Berg", "Anna.Berg")
    assert user.username_key == "anna.berg"
    assert (user.email, user.email_key) == ("Anna.Berg@example.se", "anna.berg@example.se")
    assert user.email_verified_at is None
    assert user.mobile == "+46701234567"
    assert user.national_id == PERSONNUMMER
    assert (user.language, user.notes) == ("en", "Föredrar sms.")
    assert (user.organisation_id, user.company_id, user.unit_id) == (
        w.org.id,
        w.company.id,
        w.unit_a.id,
    )
    assert user.user_type == UserType.EMPLOYEE and user.status == UserStatus.ACTIVE
    assert user.password_hash is None  # passwords are never set by admins
    # "Lägg till" sends nothing.
    assert outbox_for(session, new_id) == []
    assert session.exec(select(Token).where(Token.user_id == new_id)).all() == []
    [event] = audit(session)
    assert (event.action, event.outcome, event.target_type, event.target_id) == (
        "user_created",
        "ok",
        "user",
        str(new_id),
    )
    assert (event.actor_user_id, event.organisation_id) == (w.head.id, w.org.id)


def test_only_the_three_names_are_required(session: Session, w: World) -> None:
    actor = w.actor(session, w.company_admin)
    new_id = create_user(
        session,
        actor=actor,
        data=UserInput(first_name="Bo", last_name="Ek", username="bo.ek", company_id=w.company.id),
    )
    user = the_user(session, new_id)
    assert user.email is None and user.mobile is None and user.national_id is None
    assert user.unit_id is None and user.notes is None and user.language == "sv"


def test_missing_required_fields_are_all_reported_at_once(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    failure = refused(
        session,
        lambda: create_user(
            session,
            actor=actor,
            data=person(w, first_name="", last_name=" ", username=""),
            send_invitation=True,
        ),
        field="username",
        key="username.required",
    )
    assert failure.errors == {
        "first_name": "name.required",
        "last_name": "name.required",
        "username": "username.required",
    }
    assert failure.key == "error.validation"


def _ids(w: World) -> dict[str, int]:
    return {
        "other_brukare": w.other_brukare.id or 0,
        "employee_a": w.employee_a.id or 0,
        "brukare_a": w.brukare_a.id or 0,
    }


# (name, overrides(world) -> dict, field, key): each must be refused and change nothing.
BAD_INPUTS: list[tuple[str, Callable[[World], dict[str, Any]], str, str]] = [
    ("empty first name", lambda w: {"first_name": ""}, "first_name", "name.required"),
    ("empty last name", lambda w: {"last_name": ""}, "last_name", "name.required"),
    ("empty username", lambda w: {"username": ""}, "username", "username.required"),
    (
        "whitespace first name",
        lambda w: {"first_name": " \t\u00a0 "},
        "first_name",
        "name.required",
    ),
    ("whitespace last name", lambda w: {"last_name": "   "}, "last_name", "name.required"),
    ("300-char first name", lambda w: {"first_name": "A" * 300}, "first_name", "name.too_long"),
    ("300-char last name", lambda w: {"last_name": "Ö" * 300}, "last_name", "name.too_long"),
    ("name without letters", lambda w: {"first_name": "1234"}, "first_name", "name.invalid"),
    (
        "username with space",
        lambda w: {"username": "anna berg"},
        "username",
        "username.invalid_chars",
    ),
    ("username with !", lambda w: {"username": "anna!"}, "username", "username.invalid_chars"),
    (
        "username with <>",
        lambda w: {"username": "<b>anna</b>"},
        "username",
        "username.invalid_chars",
    ),
    ("username with +", lambda w: {"username": "anna+x"}, "username", "username.invalid_chars"),
    ("username with /", lambda w: {"username": "anna/berg"}, "username", "username.invalid_chars"),
    (
        "username with tab",
        lambda w: {"username": "anna\tberg"},
        "username",
        "username.invalid_chars",
    ),
    ("username too short", lambda w: {"username": "a"}, "username", "username.too_short"),
    ("username too long", lambda w: {"username": "a" * 101}, "username", "username.too_long"),
    (
        "username in other case",
        lambda w: {"username": "KALLE.ANKA"},
        "username",
        "username.taken_here",
    ),
    (
        "username in other org",
        lambda w: {"username": "hemlig.person"},
        "username",
        "username.taken_elsewhere",
    ),
    ("e-mail foo@", lambda w: {"email": "foo@"}, "email", "email.invalid"),
    ("e-mail with space", lambda w: {"email": "anna berg@example.se"}, "email", "email.invalid"),
    (
        "e-mail of a colleague, other case",
        lambda w: {"email": "Kollega@EXAMPLE.se"},
        "email",
        "users.email_taken_in_company",
    ),
    (
        "personnummer check digit",
        lambda w: {"national_id": "19850101-1230"},
        "national_id",
        "national_id.checksum",
    ),
    ("31 February", lambda w: {"national_id": "19850231-1239"}, "national_id", "national_id.date"),
    (
        "day 89 in February",
        lambda w: {"national_id": "850289-1234"},
        "national_id",
        "national_id.date",
    ),
    ("day 92", lambda w: {"national_id": "850192-1234"}, "national_id", "national_id.date"),
    (
        "samordningsnummer check digit",
        lambda w: {"national_id": "850161-1234"},
        "national_id",
        "national_id.checksum",
    ),
    (
        "personnummer letters",
        lambda w: {"national_id": "ÅÅMMDD-NNNN"},
        "national_id",
        "national_id.format",
    ),
    (
        "foreign mobile without country code",
        lambda w: {"mobile": "0151 1234 5678"},
        "mobile",
        "phone.invalid",
    ),
    ("landline", lambda w: {"mobile": "08-123 456 78"}, "mobile", "phone.not_mobile"),
    ("mobile with letters", lambda w: {"mobile": "070-ABC"}, "mobile", "phone.format"),
    (
        "assistant without brukare",
        lambda w: {"user_type": "assistant"},
        "brukare_ids",
        "users.assistant_needs_brukare",
    ),
    (
        "assistant with brukare of another organisation",
        lambda w: {"user_type": "assistant", "brukare_ids": (_ids(w)["other_brukare"],)},
        "brukare_ids",
        "users.brukare_not_found",
    ),
    (
        "assistant linked to a non-brukare",
        lambda w: {"user_type": "assistant", "brukare_ids": (_ids(w)["employee_a"],)},
        "brukare_ids",
        "users.brukare_not_found",
    ),
    (
        "assistant with one good and one forged brukare",
        lambda w: {
            "user_type": "assistant",
            "brukare_ids": (_ids(w)["brukare_a"], _ids(w)["other_brukare"]),
        },
        "brukare_ids",
        "users.brukare_not_found",
    ),
    (
        "assistant with an unknown brukare id",
        lambda w: {"user_type": "assistant", "brukare_ids": (987654,)},
        "brukare_ids",
        "users.brukare_not_found",
    ),
    (
        "unknown user type",
        lambda w: {"user_type": "superuser"},
        "user_type",
        "users.user_type_invalid",
    ),
    ("notes too long", lambda w: {"notes": "x" * 2001}, "notes", "users.notes_too_long"),
    (
        "no company",
        lambda w: {"company_id": None, "unit_id": None},
        "company_id",
        "users.company_required",
    ),
    (
        "unknown company",
        lambda w: {"company_id": 987654, "unit_id": None},
        "company_id",
        "users.company_required",
    ),
    ("unknown unit", lambda w: {"unit_id": 987654}, "unit_id", "users.unit_not_found"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "key"),
    [pytest.param(o, f, k, id=name) for name, o, f, k in BAD_INPUTS],
)
def test_bad_input_is_refused_with_a_clear_error_and_changes_nothing(
    session: Session,
    w: World,
    overrides: Callable[[World], dict[str, Any]],
    field: str,
    key: str,
) -> None:
    actor = w.actor(session, w.head)
    data = person(w, **overrides(w))
    for invite in (False, True):  # "Lägg till" and "Lägg till och skicka e-postinbjudan"
        refused(
            session,
            lambda invite=invite: create_user(
                session, actor=actor, data=data, send_invitation=invite
            ),
            field=field,
            key=key,
        )
    assert audit(session, "user_created") == []
    assert session.exec(select(OutboxMessage)).all() == []


def test_personnummer_and_samordningsnummer_are_stored_as_12_digits(
    session: Session, w: World
) -> None:
    actor = w.actor(session, w.head)
    for n, (raw, stored) in enumerate(
        [
            ("850101-1236", PERSONNUMMER),
            ("8501011236", PERSONNUMMER),
            ("19850101-1236", PERSONNUMMER),
            (" 198501011236 ", PERSONNUMMER),
            ("850161-1233", SAMORDNINGSNUMMER),
            ("19850191-1237", "198501911237"),  # day 91 = 31 January
        ]
    ):
        data = person(w, username=f"pn{n}", email="", national_id=raw)
        assert the_user(session, create_user(session, actor=actor, data=data)).national_id == stored


def test_mobile_numbers_are_stored_in_e164(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    for n, (raw, stored) in enumerate(
        [
            ("0701234567", "+46701234567"),
            ("+46 70 123 45 67", "+46701234567"),
            ("0046 70-123 45 67", "+46701234567"),
            ("0049 151 12345678", "+4915112345678"),
        ]
    ):
        data = person(w, username=f"mob{n}", email="", mobile=raw)
        assert the_user(session, create_user(session, actor=actor, data=data)).mobile == stored


def test_username_may_hold_letters_digits_and_dot_underscore_hyphen_at(
    session: Session, w: World
) -> None:
    new_id = create_user(
        session, actor=w.actor(session, w.head), data=person(w, username="Åsa_B-2.x@example.se")
    )
    assert the_user(session, new_id).username == "Åsa_B-2.x@example.se"


def test_junk_values_from_a_forged_client_are_refused_not_crashing(
    session: Session, w: World
) -> None:
    actor = w.actor(session, w.head)
    junk = UserInput(
        first_name=None,  # type: ignore[arg-type]
        last_name=42,  # type: ignore[arg-type]
        username=["x"],  # type: ignore[arg-type]
        user_type=None,  # type: ignore[arg-type]
        company_id="abc",  # type: ignore[arg-type]
        unit_id=True,  # type: ignore[arg-type]
        email=3.5,  # type: ignore[arg-type]
    )
    failure = refused(
        session,
        lambda: create_user(session, actor=actor, data=junk),
        field="first_name",
        key="name.required",
    )
    assert failure.errors["username"] == "username.required"
    assert failure.errors["user_type"] == "users.user_type_invalid"
    assert failure.errors["company_id"] == "users.company_required"


def test_brukare_ids_that_are_not_a_list_count_as_none_chosen(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    one_digit_ids = "".join(str(i) for i in range(1, 10))  # as a str: "ids" 1…9, all real users
    for junk in (w.brukare_a.id, one_digit_ids, None, {"id": w.brukare_a.id}):
        data = person(w, user_type="assistant", brukare_ids=junk)
        refused(
            session,
            lambda data=data: create_user(session, actor=actor, data=data),
            field="brukare_ids",
            key="users.assistant_needs_brukare",
        )


# --------------------------------------------------------------------------- F0.2 assistants


def test_assistant_is_linked_to_the_chosen_brukare(session: Session, w: World) -> None:
    actor = w.actor(session, w.unit_admin)
    new_id = create_user(
        session,
        actor=actor,
        data=person(w, user_type="assistant", brukare_ids=(w.brukare_a.id, str(w.brukare_a.id))),
    )
    links = session.exec(select(CareLink).where(CareLink.assistant_id == new_id)).all()
    assert [(link.brukare_id, link.organisation_id) for link in links] == [
        (w.brukare_a.id, w.org.id)
    ]


def test_unit_admin_cannot_link_a_brukare_outside_their_units(session: Session, w: World) -> None:
    actor = w.actor(session, w.unit_admin)
    data = person(w, user_type="assistant", brukare_ids=(w.brukare_b.id,))
    refused(
        session,
        lambda: create_user(session, actor=actor, data=data),
        field="brukare_ids",
        key="users.brukare_not_found",
    )


def test_a_removed_brukare_cannot_be_linked(session: Session, w: World) -> None:
    remove_user(session, actor=w.actor(session, w.head), user_id=w.brukare_a.id)
    session.commit()
    actor = w.actor(session, w.head)
    data = person(w, user_type="assistant", brukare_ids=(w.brukare_a.id,))
    refused(
        session,
        lambda: create_user(session, actor=actor, data=data),
        field="brukare_ids",
        key="users.brukare_not_found",
    )


def test_brukare_ids_are_ignored_for_other_user_types(session: Session, w: World) -> None:
    new_id = create_user(
        session, actor=w.actor(session, w.head), data=person(w, brukare_ids=(w.brukare_a.id,))
    )
    assert session.exec(select(CareLink).where(CareLink.assistant_id == new_id)).all() == []


def test_update_replaces_an_assistants_brukare(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    new_id = create_user(
        session, actor=actor, data=person(w, user_type="assistant", brukare_ids=(w.brukare_a.id,))
    )
    update_user(
        session,
        actor=actor,
        user_id=new_id,
        data=person(w, user_type="assistant", brukare_ids=(w.brukare_b.id,)),
    )
    links = session.exec(select(CareLink.brukare_id).where(CareLink.assistant_id == new_id)).all()
    assert links == [w.brukare_b.id]
    data = person(w, user_type="assistant", brukare_ids=())
    refused(
        session,
        lambda: update_user(session, actor=actor, user_id=new_id, data=data),
        field="brukare_ids",
        key="users.assistant_needs_brukare",
    )


# --------------------------------------------------------------------------- F0.3 usernames


def test_username_taken_in_another_case_is_refused(session: Session, w: World) -> None:
    actor = w.actor(session, w.company_admin)
    for variant in ("kalle.anka", "KALLE.ANKA", "Kalle.Anka", " kalle.ANKA "):
        refused(
            session,
            lambda v=variant: create_user(session, actor=actor, data=person(w, username=v)),
            field="username",
            key="username.taken_here",
        )


def test_username_taken_in_another_organisation_names_nobody(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    failure = refused(
        session,
        lambda: create_user(session, actor=actor, data=person(w, username="HEMLIG.PERSON")),
        field="username",
        key="username.taken_elsewhere",
    )
    for lang in ("sv", "en"):
        text = t(failure.errors["username"], lang)
        for secret in (OTHER_COMPANY_NAME, "Hemlig", "Persson", "Annan kund"):
            assert secret.casefold() not in text.casefold()
    assert OTHER_COMPANY_NAME not in repr(failure.errors)


@pytest.mark.parametrize(
    ("who", "key"),
    [("head", "username.in_user_bank_head"), ("company_admin", "username.in_user_bank_ask")],
)
def test_username_of_a_banked_user_stays_reserved(
    session: Session, w: World, who: str, key: str
) -> None:
    remove_user(session, actor=w.actor(session, w.head), user_id=w.colleague.id)
    session.commit()
    actor = w.actor(session, getattr(w, who))
    refused(
        session,
        lambda: create_user(session, actor=actor, data=person(w, username="kalle.anka")),
        field="username",
        key=key,
    )


def test_the_database_is_the_final_word_when_the_pre_check_is_raced(
    session: Session, w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another admin inserted the name after our check: the constraint refuses, we explain."""
    real = users_service.check_username
    calls: list[str] = []

    def stale_check(session: Session, **kwargs: Any) -> UsernameCheck:
        calls.append(kwargs["username"])
        if len(calls) == 1:  # the pre-check saw the name free
            return UsernameCheck(UsernameVerdict.AVAILABLE, "username.available")
        return real(session, **kwargs)

    monkeypatch.setattr(users_service, "check_username", stale_check)
    actor = w.actor(session, w.head)
    before = snapshot(session)
    with pytest.raises(ValidationFailed) as caught:
        create_user(
            session,
            actor=actor,
            data=person(
                w, username="KALLE.ANKA", user_type="assistant", brukare_ids=(w.brukare_a.id,)
            ),
            send_invitation=True,
        )
    assert caught.value.errors == {"username": "username.taken_here"}
    assert len(calls) == 2
    assert snapshot(session) == before


# --------------------------------------------------------------------------- F0.4 removal


def test_removal_moves_the_user_to_the_bank_and_kills_access(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    assistant_id = create_user(
        session,
        actor=actor,
        data=person(w, user_type="assistant", brukare_ids=(w.brukare_a.id,)),
        send_invitation=True,
    )
    now = utcnow()
    session.add(
        LoginSession(
            user_id=assistant_id, token_hash=new_secret()[:64], expires_at=now + timedelta(hours=1)
        )
    )
    sent = outbox_for(session, assistant_id)[0]
    pending = OutboxMessage(
        user_id=assistant_id,
        organisation_id=w.org.id,
        kind="reset_password",
        language="sv",
        to_address="anna.berg@example.se",
        subject="s",
        html_body="h",
        text_body="t",
    )
    sent.status = OutboxStatus.SENT
    session.add_all([sent, pending])
    session.commit()

    remove_user(session, actor=actor, user_id=assistant_id, reason="  Slutat   ")
    session.commit()

    user = the_user(session, assistant_id)
    assert user.status == UserStatus.REMOVED
    assert user.removed_at is not None and user.removed_by_id == w.head.id
    assert user.removed_reason == "Slutat"
    # Sessions revoked, unused links voided, pending mail cancelled, delivered mail kept.
    assert all(
        s.revoked_at is not None
        for s in session.exec(select(LoginSession).where(LoginSession.user_id == assistant_id))
    )
    tokens = session.exec(select(Token).where(Token.user_id == assistant_id)).all()
    assert tokens and all(tok.voided_at is not None for tok in tokens)
    statuses = {m.id: m.status for m in outbox_for(session, assistant_id)}
    assert statuses == {sent.id: OutboxStatus.SENT, pending.id: OutboxStatus.CANCELLED}
    # Profile and links are kept; the username stays reserved.
    assert (user.username, user.username_key, user.first_name) == ("anna.berg", "anna.berg", "Anna")
    assert session.exec(
        select(CareLink.brukare_id).where(CareLink.assistant_id == assistant_id)
    ).all() == [w.brukare_a.id]
    refused(
        session,
        lambda: create_user(session, actor=actor, data=person(w, username="Anna.Berg", email="")),
        field="username",
        key="username.in_user_bank_head",
    )
    # Out of the active views: NotFound for every action, but still in the bank.
    with pytest.raises(NotFound):
        get_user_in_scope(session, actor=actor, user_id=assistant_id)
    assert (
        get_user_in_scope(session, actor=actor, user_id=assistant_id, active_only=False) is not None
    )
    for call in (update_user, send_invitation, reveal_national_id, remove_user):
        kwargs: dict[str, Any] = {"data": person(w)} if call is update_user else {}
        with pytest.raises(NotFound):
            call(session, actor=actor, user_id=assistant_id, **kwargs)
    [event] = audit(session, "user_removed")
    assert (event.target_id, event.actor_user_id, event.outcome) == (
        str(assistant_id),
        w.head.id,
        "ok",
    )


def test_removal_reason_is_optional_and_bounded(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    remove_user(session, actor=actor, user_id=w.colleague.id)
    remove_user(session, actor=actor, user_id=w.employee_a.id, reason="x" * 900)
    assert the_user(session, w.colleague.id or 0).removed_reason is None
    assert the_user(session, w.employee_a.id or 0).removed_reason == "x" * 500


def test_removing_a_brukare_keeps_the_assistants_link(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    assistant_id = create_user(
        session, actor=actor, data=person(w, user_type="assistant", brukare_ids=(w.brukare_a.id,))
    )
    remove_user(session, actor=actor, user_id=w.brukare_a.id)
    assert session.exec(
        select(CareLink.assistant_id).where(CareLink.brukare_id == w.brukare_a.id)
    ).all() == [assistant_id]


def test_an_admin_cannot_remove_themselves(session: Session, w: World) -> None:
    actor = w.actor(session, w.company_admin)
    refused(
        session,
        lambda: remove_user(session, actor=actor, user_id=w.company_admin.id),
        field="remove",
        key="users.cannot_remove_self",
    )
    assert the_user(session, w.company_admin.id or 0).status == UserStatus.ACTIVE


def test_removal_outside_scope_is_not_found(session: Session, w: World) -> None:
    actor = w.actor(session, w.unit_admin)
    for target in (w.brukare_b, w.other_user, w.in_company2):
        with pytest.raises(NotFound):
            remove_user(session, actor=actor, user_id=target.id)
        assert the_user(session, target.id or 0).status == UserStatus.ACTIVE
    assert audit(session) == []


# --------------------------------------------------------------------------- F0.5 editing


def test_every_field_is_editable_later(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    new_id = create_user(session, actor=actor, data=person(w, national_id=PERSONNUMMER))
    session.commit()
    update_user(
        session,
        actor=actor,
        user_id=new_id,
        data=UserInput(
            first_name="Anne",
            last_name="Bergström",
            username="anne.b",
            user_type="brukare",
            company_id=w.company2.id,
            unit_id=None,
            email="anne@example.org",
            mobile="+46 73 123 45 67",
            national_id="850161-1233",
            language="en",
            notes="Ny",
        ),
    )
    session.commit()
    user = the_user(session, new_id)
    assert (user.first_name, user.last_name, user.username, user.username_key) == (
        "Anne",
        "Bergström",
        "anne.b",
        "anne.b",
    )
    assert (user.user_type, user.company_id, user.unit_id) == ("brukare", w.company2.id, None)
    assert (user.email, user.mobile, user.national_id) == (
        "anne@example.org",
        "+46731234567",
        SAMORDNINGSNUMMER,
    )
    assert (user.language, user.notes) == ("en", "Ny")
    [event] = audit(session, "user_updated")
    assert (event.target_id, event.actor_user_id) == (str(new_id), w.head.id)


def test_update_uses_the_same_validation(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    target = w.employee_a
    before = (target.first_name, target.last_name, target.username, target.email, target.updated_at)
    for case, overrides, field, key in BAD_INPUTS:
        data = person(w, **{"username": target.username, "email": "", **overrides(w)})
        refused(
            session,
            lambda data=data: update_user(session, actor=actor, user_id=target.id, data=data),
            field=field,
            key=key,
            case=case,
        )
    session.expire_all()
    fresh = the_user(session, target.id or 0)
    after = (fresh.first_name, fresh.last_name, fresh.username, fresh.email, fresh.updated_at)
    assert after == before
    assert audit(session, "user_updated") == []


def test_own_username_and_email_in_another_case_are_fine(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    update_user(
        session,
        actor=actor,
        user_id=w.colleague.id,
        data=person(w, username="KALLE.anka", email="KOLLEGA@example.se"),
    )
    user = the_user(session, w.colleague.id or 0)
    assert (user.username, user.username_key) == ("KALLE.anka", "kalle.anka")


def test_changing_the_email_clears_its_verification(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    w.colleague.email_verified_at = utcnow()
    session.add(w.colleague)
    session.commit()
    same = person(w, username="Kalle.Anka", email="kollega@example.se", first_name="Kalle")
    update_user(session, actor=actor, user_id=w.colleague.id, data=same)
    assert the_user(session, w.colleague.id or 0).email_verified_at is not None
    update_user(
        session,
        actor=actor,
        user_id=w.colleague.id,
        data=person(w, username="Kalle.Anka", email="ny@example.se"),
    )
    assert the_user(session, w.colleague.id or 0).email_verified_at is None


def test_a_blank_personnummer_on_the_profile_keeps_the_stored_one(
    session: Session, w: World
) -> None:
    actor = w.actor(session, w.head)
    new_id = create_user(session, actor=actor, data=person(w, national_id=PERSONNUMMER))
    update_user(
        session,
        actor=actor,
        user_id=new_id,
        data=person(w, national_id="  ", keep_national_id_when_blank=True, first_name="Annie"),
    )
    assert the_user(session, new_id).national_id == PERSONNUMMER
    update_user(
        session,
        actor=actor,
        user_id=new_id,
        data=person(w, national_id="850161-1233", keep_national_id_when_blank=True),
    )
    assert the_user(session, new_id).national_id == SAMORDNINGSNUMMER
    # Without the profile's flag a blank field means "none".
    update_user(session, actor=actor, user_id=new_id, data=person(w, national_id=""))
    assert the_user(session, new_id).national_id is None


def test_unit_admin_cannot_move_a_user_out_of_their_units(session: Session, w: World) -> None:
    actor = w.actor(session, w.unit_admin)
    target = w.employee_a
    base = {"username": target.username, "email": ""}
    for placement in (
        {"unit_id": w.unit_b.id},
        {"unit_id": None},  # the company itself is not theirs
        {"company_id": w.company2.id, "unit_id": None},
        {"company_id": w.other_company.id, "unit_id": None},
    ):
        with pytest.raises(ValidationFailed) as caught:
            update_user(
                session, actor=actor, user_id=target.id, data=person(w, **base, **placement)
            )
        assert set(caught.value.errors.values()) == {"users.placement_outside_scope"}
    # Within the unit subtree is fine.
    update_user(
        session, actor=actor, user_id=target.id, data=person(w, **base, unit_id=w.unit_a_child.id)
    )
    assert the_user(session, target.id or 0).unit_id == w.unit_a_child.id


def test_only_head_admins_demote_administrators(session: Session, w: World) -> None:
    head = w.actor(session, w.head)
    admin_id = create_user(session, actor=head, data=person(w, user_type="administrator"))
    session.commit()
    company_admin = w.actor(session, w.company_admin)
    # Changed with finding A.1: the admin of unit_a lies strictly inside the company admin's
    # scope, so the company admin may edit them while they stay an administrator ...
    update_user(
        session,
        actor=company_admin,
        user_id=admin_id,
        data=person(w, user_type="administrator", first_name="Ändrad"),
    )
    assert the_user(session, admin_id).first_name == "Ändrad"
    # ... but only a head admin takes the role away.
    with pytest.raises(ValidationFailed) as caught:
        update_user(
            session,
            actor=company_admin,
            user_id=admin_id,
            data=person(w, user_type="employee", first_name="Igen"),
        )
    assert caught.value.errors["user_type"] == translated("users.only_head_admin_creates_admins")
    assert the_user(session, admin_id).first_name == "Ändrad"
    update_user(session, actor=head, user_id=admin_id, data=person(w, user_type="employee"))
    assert the_user(session, admin_id).user_type == "employee"


def test_update_outside_scope_is_not_found(session: Session, w: World) -> None:
    actor = w.actor(session, w.unit_admin)
    for target in (w.brukare_b, w.other_user, w.in_company2):
        with pytest.raises(NotFound):
            update_user(
                session, actor=actor, user_id=target.id, data=person(w, username=target.username)
            )
    assert audit(session) == []


# --------------------------------------------------------------------------- F0.6 invitations


def test_create_with_invitation_sends_a_welcome_mail_in_the_users_language(
    session: Session, w: World, configure: Callable[..., None]
) -> None:
    configure(public_base_url="https://admin.example.se/")
    actor = w.actor(session, w.head)
    new_id = create_user(
        session, actor=actor, data=person(w, language="en", username="Anna.B"), send_invitation=True
    )
    session.commit()
    [mail] = outbox_for(session, new_id)
    assert (mail.kind, mail.language, mail.status) == ("welcome", "en", OutboxStatus.PENDING)
    assert (mail.to_address, mail.organisation_id) == ("anna.berg@example.se", w.org.id)
    assert mail.subject == t("mail.welcome.subject", "en")
    assert "Anna.B" in mail.text_body and "Anna" in mail.text_body
    link, raw = raw_link_token(mail)
    assert link.startswith("https://admin.example.se/satt-losenord?token=")
    state, token = inspect_token(session, raw, TokenPurpose.SET_PASSWORD)
    assert state is TokenState.VALID and token is not None and token.user_id == new_id
    assert [e.action for e in audit(session)] == ["user_created", "invitation_sent"]


def test_swedish_user_gets_the_swedish_welcome_mail(session: Session, w: World) -> None:
    new_id = create_user(
        session, actor=w.actor(session, w.head), data=person(w), send_invitation=True
    )
    [mail] = outbox_for(session, new_id)
    assert mail.language == "sv" and mail.subject == t("mail.welcome.subject", "sv")
    link, _ = raw_link_token(mail)
    assert link.startswith("http://portal.test/satt-losenord?token=")


@pytest.mark.parametrize("email", ["", "   "])
def test_invitation_needs_an_email(session: Session, w: World, email: str) -> None:
    actor = w.actor(session, w.head)
    refused(
        session,
        lambda: create_user(
            session, actor=actor, data=person(w, email=email), send_invitation=True
        ),
        field="email",
        key="users.email_required_for_invitation",
    )
    refused(
        session,
        lambda: send_invitation(session, actor=actor, user_id=w.employee_a.id),
        field="email",
        key="users.email_required_for_invitation",
    )


def test_invitation_later_and_a_new_one_voids_the_earlier_link(session: Session, w: World) -> None:
    actor = w.actor(session, w.company_admin)
    new_id = create_user(session, actor=actor, data=person(w))
    assert outbox_for(session, new_id) == []
    send_invitation(session, actor=actor, user_id=new_id)
    send_invitation(session, actor=actor, user_id=new_id)
    first, second = outbox_for(session, new_id)
    (_, raw1), (_, raw2) = raw_link_token(first), raw_link_token(second)
    assert raw1 != raw2
    assert inspect_token(session, raw1, TokenPurpose.SET_PASSWORD)[0] is TokenState.USED
    assert inspect_token(session, raw2, TokenPurpose.SET_PASSWORD)[0] is TokenState.VALID
    live = session.exec(
        select(Token).where(Token.user_id == new_id, col(Token.voided_at).is_(None))
    ).all()
    assert len(live) == 1
    assert [e.action for e in audit(session)] == [
        "user_created",
        "invitation_sent",
        "invitation_sent",
    ]


def test_invitation_outside_scope_is_not_found(session: Session, w: World) -> None:
    actor = w.actor(session, w.unit_admin)
    for target in (w.brukare_b, w.other_user):
        before = snapshot(session)
        with pytest.raises(NotFound):
            send_invitation(session, actor=actor, user_id=target.id)
        assert snapshot(session) == before


# --------------------------------------------------------------------------- F0.8 e-mail


def test_same_email_in_another_company_is_fine(session: Session, w: World) -> None:
    new_id = create_user(
        session,
        actor=w.actor(session, w.head),
        data=person(w, email="KOLLEGA@example.se", company_id=w.company2.id, unit_id=None),
    )
    assert the_user(session, new_id).email_key == "kollega@example.se"


def test_changing_to_a_colleagues_email_is_refused(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    target = w.employee_a
    data = person(w, username=target.username, email="Kollega@Example.se")
    refused(
        session,
        lambda: update_user(session, actor=actor, user_id=target.id, data=data),
        field="email",
        key="users.email_taken_in_company",
    )
    # Moving the colleague's address holder's peer to another company makes it fine.
    update_user(
        session,
        actor=actor,
        user_id=target.id,
        data=person(
            w,
            username=target.username,
            email="Kollega@Example.se",
            company_id=w.company2.id,
            unit_id=None,
        ),
    )
    assert the_user(session, target.id or 0).company_id == w.company2.id


def test_a_banked_users_email_still_counts_in_the_company(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    remove_user(session, actor=actor, user_id=w.colleague.id)
    refused(
        session,
        lambda: create_user(session, actor=actor, data=person(w, email="kollega@example.se")),
        field="email",
        key="users.email_taken_in_company",
    )


# --------------------------------------------------------------------------- F0.9 reveal


def _with_national_id(session: Session, user: User, value: str = PERSONNUMMER) -> User:
    user.national_id = value
    session.add(user)
    session.commit()
    return user


def _no_number_in_audit(session: Session, number: str) -> None:
    for event in audit(session):
        for value in event.model_dump().values():
            text = str(value)
            assert number not in text and number[2:] not in text and number[2:8] not in text


@pytest.mark.parametrize("who", ["head", "revealer"])
def test_reveal_for_head_admins_and_granted_admins_is_audited(
    session: Session, w: World, who: str
) -> None:
    target = _with_national_id(session, w.employee_a)
    actor = w.actor(session, getattr(w, who))
    assert reveal_national_id(session, actor=actor, user_id=target.id) == PERSONNUMMER
    session.commit()
    [event] = audit(session, "national_id_revealed")
    assert (event.outcome, event.actor_user_id, event.target_id, event.detail) == (
        "ok",
        getattr(w, who).id,
        str(target.id),
        None,
    )
    _no_number_in_audit(session, PERSONNUMMER)


@pytest.mark.parametrize("who", ["company_admin", "unit_admin"])
def test_reveal_denied_is_audited_even_when_the_caller_rolls_back(
    session: Session, w: World, who: str
) -> None:
    target = _with_national_id(session, w.employee_a, SAMORDNINGSNUMMER)
    actor = w.actor(session, getattr(w, who))
    with pytest.raises(PermissionDenied) as caught:
        reveal_national_id(session, actor=actor, user_id=target.id)
    assert SAMORDNINGSNUMMER not in str(caught.value) and translated(caught.value.key)
    session.rollback()  # what session_scope does with an exception
    [event] = audit(session, "national_id_revealed")
    assert (event.outcome, event.actor_user_id, event.target_id) == (
        "denied",
        getattr(w, who).id,
        str(target.id),
    )
    _no_number_in_audit(session, SAMORDNINGSNUMMER)


def test_reveal_outside_scope_is_not_found(session: Session, w: World) -> None:
    target = _with_national_id(session, w.other_user)
    with pytest.raises(NotFound):
        reveal_national_id(session, actor=w.actor(session, w.head), user_id=target.id)
    in_company2 = _with_national_id(session, w.in_company2)
    with pytest.raises(NotFound):
        reveal_national_id(session, actor=w.actor(session, w.revealer), user_id=in_company2.id)


# --------------------------------------------------------------------------- scope


@pytest.mark.parametrize(
    ("who", "visible", "hidden"),
    [
        ("head", ["employee_a", "brukare_b", "in_company2"], ["other_user", "other_brukare"]),
        ("company_admin", ["employee_a", "brukare_b"], ["in_company2", "other_user"]),
        ("unit_admin", ["employee_a", "brukare_a"], ["brukare_b", "in_company2", "other_user"]),
        ("other_head", ["other_user"], ["employee_a", "brukare_b"]),
    ],
)
def test_get_user_in_scope(
    session: Session, w: World, who: str, visible: list[str], hidden: list[str]
) -> None:
    actor = w.actor(session, getattr(w, who))
    for name in visible:
        assert (
            get_user_in_scope(session, actor=actor, user_id=getattr(w, name).id).id
            == getattr(w, name).id
        )
    for name in hidden:
        with pytest.raises(NotFound) as caught:
            get_user_in_scope(session, actor=actor, user_id=getattr(w, name).id)
        assert caught.value.key == translated("error.not_found")


def test_get_user_in_scope_refuses_odd_ids(session: Session, w: World) -> None:
    actor = w.actor(session, w.head)
    for junk in (None, True, str(w.employee_a.id), float(w.employee_a.id or 0), -1, 0, 10**9):
        with pytest.raises(NotFound):
            get_user_in_scope(session, actor=actor, user_id=junk)


def test_unit_admin_scope_covers_nested_units(session: Session, w: World) -> None:
    nested = make_user(session, w.company, unit=w.unit_a_child)
    session.commit()
    actor = w.actor(session, w.unit_admin)
    assert get_user_in_scope(session, actor=actor, user_id=nested.id) is nested
    new_id = create_user(session, actor=actor, data=person(w, unit_id=w.unit_a_child.id))
    assert the_user(session, new_id).unit_id == w.unit_a_child.id


FORGED_PLACEMENTS: list[tuple[str, str, Callable[[World], dict[str, Any]], str]] = [
    ("other unit", "unit_admin", lambda w: {"unit_id": w.unit_b.id}, "unit_id"),
    ("bare company", "unit_admin", lambda w: {"unit_id": None}, "company_id"),
    (
        "own unit under a forged company",
        "unit_admin",
        lambda w: {"company_id": w.company2.id, "unit_id": w.unit_a.id},
        "unit_id",
    ),
    (
        "other company",
        "company_admin",
        lambda w: {"company_id": w.company2.id, "unit_id": None},
        "company_id",
    ),
    (
        "company of another organisation",
        "head",
        lambda w: {"company_id": w.other_company.id, "unit_id": None},
        "company_id",
    ),
    (
        "unit of another company",
        "head",
        lambda w: {"company_id": w.company2.id, "unit_id": w.unit_a.id},
        "unit_id",
    ),
]


def test_forged_placement_is_refused(session: Session, w: World) -> None:
    for case, who, placement, field in FORGED_PLACEMENTS:
        actor = w.actor(session, getattr(w, who))
        refused(
            session,
            lambda a=actor, p=placement: create_user(session, actor=a, data=person(w, **p(w))),
            field=field,
            key="users.placement_outside_scope",
            case=case,
        )


def test_unit_of_another_organisation_is_refused(session: Session, w: World) -> None:
    foreign_unit = make_unit(session, w.other_company, "Främmande enhet")
    session.commit()
    actor = w.actor(session, w.head)
    refused(
        session,
        lambda: create_user(
            session, actor=actor, data=person(w, company_id=None, unit_id=foreign_unit.id)
        ),
        field="unit_id",
        key="users.placement_outside_scope",
    )


def test_only_head_admins_create_administrators(session: Session, w: World) -> None:
    for who in ("company_admin", "unit_admin", "revealer"):
        actor = w.actor(session, getattr(w, who))
        refused(
            session,
            lambda a=actor: create_user(
                session, actor=a, data=person(w, user_type="administrator")
            ),
            field="user_type",
            key="users.only_head_admin_creates_admins",
            case=who,
        )


@pytest.mark.parametrize("in_unit", [True, False], ids=["unit", "company"])
def test_a_new_administrator_administers_their_placement(
    session: Session, w: World, in_unit: bool
) -> None:
    head = w.actor(session, w.head)
    placement = {"unit_id": w.unit_b.id} if in_unit else {"unit_id": None}
    admin_id = create_user(
        session, actor=head, data=person(w, user_type="administrator", **placement)
    )
    session.commit()
    [role] = session.exec(select(RoleAssignment).where(RoleAssignment.user_id == admin_id)).all()
    assert (role.role, role.organisation_id, role.may_reveal_national_id) == (
        Role.ADMIN,
        w.org.id,
        False,
    )
    assert (role.unit_id, role.company_id) == (
        (w.unit_b.id, None) if in_unit else (None, w.company.id)
    )
    new_admin = load_actor(session, admin_id)
    assert new_admin is not None and new_admin.is_admin and not new_admin.is_head_admin
    assert get_user_in_scope(session, actor=new_admin, user_id=w.brukare_b.id) is not None


def test_a_standard_user_may_do_nothing(session: Session, w: World) -> None:
    actor = w.actor(session, w.standard)
    assert not actor.is_admin
    before = snapshot(session)
    with pytest.raises(PermissionDenied) as caught:
        create_user(session, actor=actor, data=person(w), send_invitation=True)
    assert caught.value.key == translated("error.permission_denied")
    target = w.employee_a.id
    for call, kwargs in (
        (get_user_in_scope, {}),
        (update_user, {"data": person(w, username="medarbetare.a", email="")}),
        (send_invitation, {}),
        (remove_user, {}),
        (reveal_national_id, {}),
    ):
        # Refused without revealing whether the user exists.
        with pytest.raises((PermissionDenied, NotFound)):
            call(session, actor=actor, user_id=target, **kwargs)  # type: ignore[operator]
    assert snapshot(session) == before


def test_actor_of_another_organisation_cannot_touch_our_users(session: Session, w: World) -> None:
    actor = w.actor(session, w.other_head)
    before = snapshot(session)
    for call, kwargs in (
        (update_user, {"data": person(w, username="medarbetare.a", email="")}),
        (send_invitation, {}),
        (remove_user, {}),
        (reveal_national_id, {}),
    ):
        with pytest.raises(NotFound):
            call(session, actor=actor, user_id=w.employee_a.id, **kwargs)  # type: ignore[operator]
    # Nor place a user in our company, nor link our brukare.
    with pytest.raises(ValidationFailed) as caught:
        create_user(
            session,
            actor=actor,
            data=person(w, user_type="assistant", brukare_ids=(w.brukare_a.id,)),
        )
    assert caught.value.errors == {
        "unit_id": "users.placement_outside_scope",
        "brukare_ids": "users.brukare_not_found",
    }
    assert snapshot(session) == before


# --------------------------------------------------------------------------- catalogues

_KEY = re.compile(r"""["']((?:users|username|error|name|email|phone|national_id)\.[a-z_]+)["']""")


def _service_keys() -> set[str]:
    keys: set[str] = set()
    for path in SERVICE_FILES:
        keys |= set(_KEY.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_key_the_user_services_can_raise_is_in_both_catalogues() -> None:
    keys = _service_keys()
    # The scan must see the keys this file tests, or it is scanning the wrong thing.
    assert {
        "users.assistant_needs_brukare",
        "users.email_taken_in_company",
        "users.placement_outside_scope",
        "username.taken_here",
        "username.taken_elsewhere",
        "username.in_user_bank_head",
        "username.in_user_bank_ask",
        "users.cannot_remove_self",
    } <= keys
    keys |= {"error.not_found", "error.permission_denied", "error.validation"}
    keys |= set(email_rules.KEYS) | set(name_rules.KEYS) | set(national_id_rules.KEYS)
    keys |= set(phone_rules.KEYS)
    missing = sorted(k for k in keys if not SV.get(k) or not EN.get(k))
    assert missing == []
    # The English catalogue is not a copy of the Swedish one.
    assert all(SV[k] != EN[k] for k in keys)


def test_making_someone_an_administrator_later_grants_their_placement_and_undoing_it_takes_it_away(
    session: Session,
) -> None:
    from admin_portal.auth.permissions import load_actor
    from admin_portal.models import RoleAssignment
    from admin_portal.services.users.input import UserInput
    from admin_portal.services.users.manage import update_user
    from tests.support.factories import grant, make_unit, make_user

    org = make_org(session)
    company = make_company(session, org)
    unit = make_unit(session, company)
    head = make_user(session, company, username="chefen")
    grant(session, head, "head_admin")
    person = make_user(session, company, username="blivande.admin", unit=unit)
    session.commit()
    actor = load_actor(session, head.id)

    def update(user_type: str) -> None:
        update_user(
            session,
            actor=actor,
            user_id=person.id,
            data=UserInput(
                first_name="Test",
                last_name="Person",
                username="blivande.admin",
                user_type=user_type,
                company_id=company.id,
                unit_id=unit.id,
            ),
        )
        session.commit()

    update("administrator")
    grants = session.exec(select(RoleAssignment).where(RoleAssignment.user_id == person.id)).all()
    assert [(g.role, g.unit_id) for g in grants] == [("admin", unit.id)]
    assert load_actor(session, person.id).is_admin

    update("employee")
    assert (
        session.exec(select(RoleAssignment).where(RoleAssignment.user_id == person.id)).all() == []
    )
    assert not load_actor(session, person.id).is_admin

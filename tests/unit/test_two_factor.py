"""Two-factor sign-in on Mitt konto: enrolment, codes, replay, throttling, recovery codes,
the secret encrypted at rest, and the organisation's requirement (head admins only)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlmodel import Session, col, select

from admin_portal.auth import totp
from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.config import get_settings
from admin_portal.models import (
    AuditEvent,
    Organisation,
    RecoveryCode,
    TotpCredential,
    User,
)
from admin_portal.services.auth.two_factor import (
    confirm_enrolment,
    disable_two_factor,
    get_admin_two_factor_requirement,
    get_two_factor_status,
    lacks_required_second_factor,
    regenerate_recovery_codes,
    set_admin_two_factor_requirement,
    start_enrolment,
)
from admin_portal.services.auth.two_factor_codes import CodeRefused, check_code, credential_of
from admin_portal.services.errors import NotFound, ServiceError, ValidationFailed
from admin_portal.services.user_bank.manage import erase_user
from admin_portal.services.users.removal import (
    remove_user,
)
from tests.support.world import add_unit_admin, build_care_world

T0 = datetime(2030, 3, 1, 9, 0, 5, tzinfo=UTC)  # 5 s into a 30 s step
PASSWORD = "en lång och hemlig lösenfras"

pytestmark = pytest.mark.usefixtures("cheap_argon2")


@dataclass
class Actors:
    """The shared world's people as signed in, with a unit admin added."""

    org: Organisation
    head: Actor
    admin: Actor
    standard: Actor
    other_org_head: Actor


@pytest.fixture
def world(session: Session) -> Actors:
    base = build_care_world(
        session, head_username="huvud", other_head_username="annanchef", password=PASSWORD
    )
    admin = add_unit_admin(session, base, password=PASSWORD)
    session.commit()

    def actor(user: User) -> Actor:
        loaded = load_actor(session, user.id or 0)
        assert loaded is not None
        return loaded

    return Actors(
        base.org, actor(base.head), actor(admin), actor(base.standard), actor(base.other_head)
    )


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def code_at(secret: str, when: datetime) -> str:
    return pyotp.TOTP(secret).at(when)


def enrol(session: Session, actor: Actor, when: datetime = T0) -> tuple[str, list[str]]:
    """Enrol the actor the way Mitt konto does; returns the secret and the recovery codes."""
    with time_machine.travel(when, tick=False):
        start = start_enrolment(session, actor=actor)
        secret = start.secret_text.replace(" ", "")
        codes = confirm_enrolment(session, actor=actor, code=code_at(secret, when))
        session.commit()
    return secret, codes


def _credential(session: Session, actor: Actor) -> TotpCredential:
    credential = credential_of(session, actor.user_id)
    assert credential is not None
    return credential


def _user(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    assert user is not None
    return user


# -- enrolment ---------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_then_a_code_turns_it_on(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    start = start_enrolment(session, actor=world.admin)
    secret = start.secret_text.replace(" ", "")
    assert len(secret) == 32 and start.qr_svg.startswith("<svg")
    assert not get_two_factor_status(session, actor=world.admin).enrolled

    codes = confirm_enrolment(session, actor=world.admin, code=code_at(secret, T0))

    status = get_two_factor_status(session, actor=world.admin)
    assert status.enrolled and status.recovery_codes_left == 10
    assert len(codes) == 10 and len(set(codes)) == 10
    assert session.exec(select(AuditEvent.action)).all() == ["two_factor_enabled"]


def test_a_wrong_first_code_leaves_two_factor_off(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    start = start_enrolment(session, actor=world.admin)
    secret = start.secret_text.replace(" ", "")
    wrong = f"{(int(code_at(secret, T0)) + 1) % 1_000_000:06d}"

    with pytest.raises(CodeRefused) as refused:
        confirm_enrolment(session, actor=world.admin, code=wrong)

    assert refused.value.key == "two_factor.code_wrong"
    assert not get_two_factor_status(session, actor=world.admin).enrolled


def test_standard_users_cannot_enrol(session: Session, world: Actors) -> None:
    assert not get_two_factor_status(session, actor=world.standard).available
    with pytest.raises(NotFound):
        start_enrolment(session, actor=world.standard)
    assert session.exec(select(TotpCredential)).all() == []


def test_enrolling_twice_is_refused(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    enrol(session, world.admin)
    with pytest.raises(ServiceError) as refused:
        start_enrolment(session, actor=world.admin)
    assert refused.value.key == "two_factor.already_enrolled"


# -- the secret at rest ------------------------------------------------------------------------


def test_the_secret_is_stored_encrypted_and_never_logged(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    secret, codes = enrol(session, world.admin)

    stored = _credential(session, world.admin).secret_encrypted
    assert secret not in stored and secret.lower() not in stored.lower()
    assert totp.decrypt_secret(stored) == secret  # recoverable with the app's key only
    for event in session.exec(select(AuditEvent)).all():
        values = " ".join(str(v) for v in event.model_dump().values() if v is not None)
        assert secret not in values
        assert not any(code in values for code in codes)


def test_the_secret_does_not_decrypt_under_another_app_key(
    session: Session, world: Actors, clock: time_machine.Coordinates, configure: Callable[..., None]
) -> None:
    enrol(session, world.admin)
    stored = _credential(session, world.admin).secret_encrypted

    configure(secret_key="a-different-key-for-another-deployment")

    with pytest.raises(totp.SecretUnreadable):
        totp.decrypt_secret(stored)


# -- codes: replay and throttling --------------------------------------------------------------


def _check(session: Session, actor: Actor, code: str, **kwargs: object) -> str:
    return check_code(
        session,
        user=_user(session, actor),
        credential=_credential(session, actor),
        code=code,
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_current_code_is_accepted_and_the_neighbouring_steps_too(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    secret, _ = enrol(session, world.admin, T0 - timedelta(minutes=5))

    assert _check(session, world.admin, code_at(secret, T0 + timedelta(seconds=30))) == "totp"
    clock.shift(timedelta(seconds=60))
    # One step of drift either way is allowed; two are not.
    assert _check(session, world.admin, code_at(secret, T0 + timedelta(seconds=90))) == "totp"
    with pytest.raises(CodeRefused):
        _check(session, world.admin, code_at(secret, T0 + timedelta(seconds=150)))


def test_a_replayed_code_is_refused(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    secret, _ = enrol(session, world.admin, T0 - timedelta(minutes=5))
    code = code_at(secret, T0)
    assert _check(session, world.admin, code) == "totp"
    session.commit()

    clock.shift(timedelta(seconds=10))
    with pytest.raises(CodeRefused) as refused:
        _check(session, world.admin, code)
    assert refused.value.key == "two_factor.code_used"
    # An older step is a replay as well, even though it is inside the drift window.
    with pytest.raises(CodeRefused):
        _check(session, world.admin, code_at(secret, T0 - timedelta(seconds=30)))


def test_the_enrolment_code_cannot_be_used_again_to_sign_in(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    secret, _ = enrol(session, world.admin)
    with pytest.raises(CodeRefused) as refused:
        _check(session, world.admin, code_at(secret, T0))
    assert refused.value.key == "two_factor.code_used"


def test_wrong_codes_lock_the_second_step_even_for_the_right_code(
    session: Session, world: Actors, clock: time_machine.Coordinates, configure: Callable[..., None]
) -> None:
    configure(totp_max_failures=3, totp_lockout_minutes=10)
    secret, _ = enrol(session, world.admin, T0 - timedelta(minutes=5))
    for wrong in ("000000", "111111"):
        with pytest.raises(CodeRefused) as refused:
            _check(session, world.admin, wrong)
        assert refused.value.key == "two_factor.code_wrong"
    with pytest.raises(CodeRefused) as refused:
        _check(session, world.admin, "222222")
    assert refused.value.key == "two_factor.locked"

    clock.shift(timedelta(minutes=9))
    with pytest.raises(CodeRefused) as refused:
        _check(session, world.admin, code_at(secret, T0 + timedelta(minutes=9)))
    assert refused.value.key == "two_factor.locked"

    clock.shift(timedelta(minutes=1, seconds=30))
    now = T0 + timedelta(minutes=10, seconds=30)
    assert _check(session, world.admin, code_at(secret, now)) == "totp"
    outcomes = session.exec(
        select(AuditEvent.outcome)
        .where(AuditEvent.action == "two_factor_failed")
        .order_by(col(AuditEvent.id))
    ).all()
    assert outcomes == ["failed", "failed", "locked", "locked"]


def test_failures_count_even_when_the_caller_rolls_back(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    enrol(session, world.admin, T0 - timedelta(minutes=5))
    with pytest.raises(CodeRefused):
        _check(session, world.admin, "000000")
    session.rollback()

    assert _credential(session, world.admin).failures == 1


def test_the_default_limit_is_five_wrong_codes(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    enrol(session, world.admin, T0 - timedelta(minutes=5))
    keys = []
    for _ in range(get_settings().totp_max_failures):
        with pytest.raises(CodeRefused) as refused:
            _check(session, world.admin, "000000")
        keys.append(refused.value.key)
    assert keys == ["two_factor.code_wrong"] * 4 + ["two_factor.locked"]


# -- recovery codes ----------------------------------------------------------------------------


def test_recovery_codes_are_stored_hashed(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    _, codes = enrol(session, world.admin)
    stored = session.exec(select(RecoveryCode.code_hash)).all()

    assert len(stored) == 10
    for code in codes:
        plain = code.replace("-", "")
        assert not any(plain in h or code in h for h in stored)
    assert all(len(h) == 64 for h in stored)


def test_a_recovery_code_works_once(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    _, codes = enrol(session, world.admin)

    # Typed loosely: upper case, spaces instead of the dash.
    assert _check(session, world.admin, codes[3].upper().replace("-", " ")) == "recovery"
    session.commit()
    with pytest.raises(CodeRefused):
        _check(session, world.admin, codes[3])
    assert get_two_factor_status(session, actor=world.admin).recovery_codes_left == 9


def test_regenerating_needs_an_app_code_and_voids_the_old_codes(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    secret, old_codes = enrol(session, world.admin, T0 - timedelta(minutes=5))
    with pytest.raises(CodeRefused):
        regenerate_recovery_codes(session, actor=world.admin, code=old_codes[0])

    new_codes = regenerate_recovery_codes(session, actor=world.admin, code=code_at(secret, T0))
    session.commit()

    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    with pytest.raises(CodeRefused):
        _check(session, world.admin, old_codes[1])
    assert _check(session, world.admin, new_codes[1]) == "recovery"


# -- turning it off ----------------------------------------------------------------------------


def test_turning_off_with_the_password(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    enrol(session, world.admin)
    with pytest.raises(CodeRefused) as refused:
        disable_two_factor(session, actor=world.admin, password="fel lösenord helt och hållet")
    assert refused.value.key == "two_factor.password_wrong"
    assert _credential(session, world.admin).failures == 1

    disable_two_factor(session, actor=world.admin, password=PASSWORD)

    assert credential_of(session, world.admin.user_id) is None
    assert session.exec(select(RecoveryCode)).all() == []


def test_turning_off_with_a_code_or_nothing(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    secret, _ = enrol(session, world.admin, T0 - timedelta(minutes=5))
    with pytest.raises(ValidationFailed):
        disable_two_factor(session, actor=world.admin)
    disable_two_factor(session, actor=world.admin, code=code_at(secret, T0))
    assert not get_two_factor_status(session, actor=world.admin).enrolled


def test_turning_off_is_refused_while_the_organisation_requires_it(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    enrol(session, world.head)
    enrol(session, world.admin)
    set_admin_two_factor_requirement(session, actor=world.head, required=True)

    for actor in (world.admin, world.head):
        with pytest.raises(ServiceError) as refused:
            disable_two_factor(session, actor=actor, password=PASSWORD)
        assert refused.value.key == "two_factor.required_by_organisation"
    assert get_two_factor_status(session, actor=world.admin).enrolled


# -- the organisation's requirement ------------------------------------------------------------


def test_a_head_admin_requires_two_factor_and_it_is_audited(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    enrol(session, world.head)
    assert get_admin_two_factor_requirement(session, actor=world.head) is False

    assert set_admin_two_factor_requirement(session, actor=world.head, required=True) is True

    assert session.get(Organisation, world.org.id).require_admin_two_factor is True
    session.flush()
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "two_factor_requirement_changed")
    ).one()
    assert (event.actor_user_id, event.detail) == (world.head.user_id, "on")
    assert get_two_factor_status(session, actor=world.admin).organisation_requires


def test_only_head_admins_change_or_read_the_requirement(session: Session, world: Actors) -> None:
    for actor in (world.admin, world.standard):
        with pytest.raises(NotFound):
            set_admin_two_factor_requirement(session, actor=actor, required=True)
        with pytest.raises(NotFound):
            get_admin_two_factor_requirement(session, actor=actor)
    assert session.get(Organisation, world.org.id).require_admin_two_factor is False


def test_another_organisations_head_admin_changes_only_their_own(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    enrol(session, world.other_org_head)
    set_admin_two_factor_requirement(session, actor=world.other_org_head, required=True)
    assert session.get(Organisation, world.org.id).require_admin_two_factor is False


@pytest.mark.parametrize("value", ["true", 1, "on", None, [True], {"required": True}])
def test_the_requirement_takes_only_a_boolean(
    session: Session, world: Actors, clock: time_machine.Coordinates, value: object
) -> None:
    enrol(session, world.head)
    with pytest.raises(ValidationFailed):
        set_admin_two_factor_requirement(session, actor=world.head, required=value)
    assert session.get(Organisation, world.org.id).require_admin_two_factor is False


def test_a_head_admin_must_enrol_before_requiring_it(session: Session, world: Actors) -> None:
    with pytest.raises(ServiceError) as refused:
        set_admin_two_factor_requirement(session, actor=world.head, required=True)
    assert refused.value.key == "two_factor.requirement_enrol_first"
    assert session.get(Organisation, world.org.id).require_admin_two_factor is False


def test_when_required_an_admin_without_two_factor_lacks_it_and_a_standard_user_does_not(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    enrol(session, world.head)
    assert not lacks_required_second_factor(session, actor=world.admin)
    set_admin_two_factor_requirement(session, actor=world.head, required=True)

    assert lacks_required_second_factor(session, actor=world.admin)
    assert not lacks_required_second_factor(session, actor=world.head)
    assert not lacks_required_second_factor(session, actor=world.standard)
    enrol(session, world.admin)
    assert not lacks_required_second_factor(session, actor=world.admin)


def test_erasing_a_user_from_the_user_bank_erases_their_second_factor(
    session: Session, world: Actors, clock: time_machine.Coordinates
) -> None:
    enrol(session, world.admin)
    remove_user(session, actor=world.head, user_id=world.admin.user_id)
    session.commit()

    erase_user(session, actor=world.head, user_id=world.admin.user_id, typed_username="enhetsadmin")
    session.commit()

    assert session.exec(select(TotpCredential)).all() == []
    assert session.exec(select(RecoveryCode)).all() == []

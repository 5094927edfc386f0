"""Two-factor sign-in on Mitt konto, and the organisation's requirement for administrators.

Every function acts on the signed-in actor only: no user id is ever taken from outside.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.models import Organisation, TotpCredential, User, UserStatus
from admin_portal.services.audit.events import record_event
from admin_portal.services.auth import two_factor_codes as codes
from admin_portal.services.auth.two_factor_codes import EnrolmentStart
from admin_portal.services.errors import NotFound, ServiceError, ValidationFailed


@dataclass(frozen=True)
class TwoFactorStatus:
    """What Mitt konto shows about the actor's own second factor."""

    # Administrators may enrol; anyone already enrolled may manage what they have.
    available: bool
    enrolled: bool
    recovery_codes_left: int
    organisation_requires: bool


def _own_user(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        raise NotFound()
    return user


def organisation_requires(session: Session, organisation_id: int) -> bool:
    org = session.get(Organisation, organisation_id)
    return bool(org and org.require_admin_two_factor)


def _confirmed(session: Session, actor: Actor) -> tuple[User, TotpCredential]:
    user = _own_user(session, actor)
    credential = codes.credential_of(session, actor.user_id)
    if credential is None or credential.confirmed_at is None:
        raise ServiceError("two_factor.not_enrolled")
    return user, credential


def get_two_factor_status(session: Session, *, actor: Actor) -> TwoFactorStatus:
    """The actor's own enrolment and whether their organisation requires it of admins."""
    enrolled = codes.is_enrolled(session, actor.user_id)
    return TwoFactorStatus(
        available=actor.is_admin or enrolled,
        enrolled=enrolled,
        recovery_codes_left=codes.recovery_codes_left(session, actor.user_id) if enrolled else 0,
        organisation_requires=actor.is_admin
        and organisation_requires(session, actor.organisation_id),
    )


def start_enrolment(session: Session, *, actor: Actor) -> EnrolmentStart:
    """ "Aktivera tvåstegsverifiering": a new secret, shown as a QR code and as text."""
    if not actor.is_admin:
        raise NotFound()
    return codes.begin_enrolment(session, user=_own_user(session, actor))


def confirm_enrolment(session: Session, *, actor: Actor, code: object) -> list[str]:
    """The first code from the app turns two-factor on. Returns the recovery codes, once."""
    if not actor.is_admin:
        raise NotFound()
    return codes.confirm_enrolment(
        session, user=_own_user(session, actor), code=code if isinstance(code, str) else ""
    )


def regenerate_recovery_codes(session: Session, *, actor: Actor, code: object) -> list[str]:
    """New recovery codes for a current TOTP code; the old ones stop working."""
    user, credential = _confirmed(session, actor)
    codes.check_code(
        session,
        user=user,
        credential=credential,
        code=code if isinstance(code, str) else "",
        allow_recovery=False,
    )
    new_codes = codes.replace_recovery_codes(session, user_id=actor.user_id)
    record_event(
        session,
        action="two_factor_recovery_codes_renewed",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="user",
        target_id=actor.user_id,
    )
    return new_codes


def disable_two_factor(
    session: Session, *, actor: Actor, password: object = "", code: object = ""
) -> None:
    """Turn two-factor off with the password or a code. Refused where the organisation requires it."""
    user, credential = _confirmed(session, actor)
    if actor.is_admin and organisation_requires(session, actor.organisation_id):
        raise ServiceError("two_factor.required_by_organisation")
    password = password if isinstance(password, str) else ""
    code = code if isinstance(code, str) else ""
    if code.strip():
        codes.check_code(session, user=user, credential=credential, code=code)
    elif password:
        codes.check_password(session, user=user, credential=credential, password=password)
    else:
        raise ValidationFailed({"disable": "two_factor.disable_proof_required"})
    codes.remove_second_factor(session, user_id=actor.user_id)
    record_event(
        session,
        action="two_factor_disabled",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="user",
        target_id=actor.user_id,
    )


def get_admin_two_factor_requirement(session: Session, *, actor: Actor) -> bool:
    """Head administrators only: does the organisation require two-factor of its admins?"""
    if not actor.is_head_admin:
        raise NotFound()
    return organisation_requires(session, actor.organisation_id)


def set_admin_two_factor_requirement(session: Session, *, actor: Actor, required: object) -> bool:
    """Head administrators turn the requirement on or off (audited).

    Turning it on needs the head admin's own enrolment first: the requirement applies to
    them too, and their own session would otherwise end at once.
    """
    if not actor.is_head_admin:
        raise NotFound()
    if not isinstance(required, bool):
        raise ValidationFailed({"requirement": "two_factor.requirement_invalid"})
    org = session.get(Organisation, actor.organisation_id)
    if org is None:
        raise NotFound()
    if required and not codes.is_enrolled(session, actor.user_id):
        raise ServiceError("two_factor.requirement_enrol_first")
    if org.require_admin_two_factor != required:
        org.require_admin_two_factor = required
        session.add(org)
        record_event(
            session,
            action="two_factor_requirement_changed",
            organisation_id=actor.organisation_id,
            actor_user_id=actor.user_id,
            target_type="organisation",
            target_id=org.id,
            detail="on" if required else "off",
        )
    return required


def lacks_required_second_factor(session: Session, *, actor: Actor) -> bool:
    """An admin of an organisation that requires two-factor, without it: no session is valid."""
    return (
        actor.is_admin
        and organisation_requires(session, actor.organisation_id)
        and not codes.is_enrolled(session, actor.user_id)
    )

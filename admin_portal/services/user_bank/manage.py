"""Användarbanken (F0.3, F0.4): removed users, searched and restored by head administrators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, SQLModel, col, select

from admin_portal.auth.permissions import Actor, can_act_on_user, can_use_user_bank, grants_of
from admin_portal.auth.tokens import void_tokens
from admin_portal.mail.outbox import cancel_pending_for_user
from admin_portal.models import (
    CareLink,
    Company,
    LoginSession,
    LoginThrottle,
    Organisation,
    OutboxMessage,
    RoleAssignment,
    Token,
    Unit,
    User,
    UserStatus,
    require_id,
    utcnow,
)
from admin_portal.services.audit.events import record_admin_action, record_event
from admin_portal.services.auth.two_factor_codes import remove_second_factor
from admin_portal.services.errors import NotFound, PermissionDenied, ValidationFailed
from admin_portal.services.users.email_address import email_taken_in_company
from admin_portal.services.users.welcome_link import queue_welcome_mail
from admin_portal.validation.email import normalise_email
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.identifiers import email_key
from admin_portal.validation.ids import is_int

ERASED = "erased"  # status of a purged user: a pseudonymous row the audit log can point at


def _banked_user(session: Session, actor: Actor, user_id: object) -> User:
    """Only head admins of the same organisation; everyone else gets "not found"."""
    if not can_use_user_bank(actor) or isinstance(user_id, bool) or not isinstance(user_id, int):
        raise NotFound()
    user = session.get(User, user_id)
    if (
        user is None
        or user.organisation_id != actor.organisation_id
        or user.status != UserStatus.REMOVED
    ):
        raise NotFound()
    # The write rule of finding A.1 (always met by head admins today; kept here so that
    # widening the bank to other admins cannot skip it).
    if not can_act_on_user(actor, user, grants_of(session, [user_id])[user_id]):
        raise PermissionDenied("users.admin_out_of_reach")
    return user


@dataclass(frozen=True)
class Conflict:
    key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RestorePreview:
    user_id: int
    full_name: str
    username: str
    email: str
    company_id: int
    unit_id: int | None
    brukare_links: int
    assistant_links: int
    admin_rights: int
    conflicts: list[Conflict]


def _email_clash(session: Session, user: User, company_id: int, key: str | None) -> bool:
    """Does another person of the company hold this e-mail key? Banked people count too:
    their address stays theirs (F0.8), and the database constraint says the same."""
    return email_taken_in_company(session, company_id=company_id, key=key, exclude_user_id=user.id)


def _conflicts(session: Session, user: User, company_id: int) -> list[Conflict]:
    conflicts: list[Conflict] = []
    if _email_clash(session, user, company_id, user.email_key):
        conflicts.append(Conflict("bank.conflict_email", {"email": user.email or ""}))
    banked_brukare = session.exec(
        select(User.first_name, User.last_name)
        .join(CareLink, col(CareLink.brukare_id) == User.id)
        .where(CareLink.assistant_id == user.id, User.status != UserStatus.ACTIVE)
    ).all()
    for first, last in banked_brukare:
        conflicts.append(Conflict("bank.conflict_brukare_banked", {"name": f"{first} {last}"}))
    return conflicts


def _target(
    session: Session, actor: Actor, user: User, company_id: object, unit_id: object
) -> tuple[int, int | None]:
    """The placement to restore into; neither company nor unit chosen means where they were."""
    if company_id is None and unit_id is None:
        return user.company_id, user.unit_id
    company_id = company_id if is_int(company_id) else user.company_id
    unit_id = unit_id if is_int(unit_id) else None
    company = session.get(Company, company_id)
    if company is None or company.organisation_id != actor.organisation_id:
        raise ValidationFailed({"company_id": "users.placement_outside_scope"})
    if unit_id is not None:
        unit = session.get(Unit, unit_id)
        if unit is None or unit.company_id != company.id:
            raise ValidationFailed({"unit_id": "users.unit_not_found"})
    return require_id(company), unit_id


def _count(session: Session, model: type[SQLModel], condition: Any) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(condition)).one())


def preview_restore(
    session: Session,
    *,
    actor: Actor,
    user_id: object,
    company_id: object = None,
    unit_id: object = None,
) -> RestorePreview:
    """What comes back (links, rights, memberships) and what must be fixed first."""
    user = _banked_user(session, actor, user_id)
    target_company, target_unit = _target(session, actor, user, company_id, unit_id)
    uid = require_id(user)
    return RestorePreview(
        user_id=uid,
        full_name=user.full_name,
        username=user.username,
        email=user.email or "",
        company_id=target_company,
        unit_id=target_unit,
        brukare_links=_count(session, CareLink, col(CareLink.assistant_id) == uid),
        assistant_links=_count(session, CareLink, col(CareLink.brukare_id) == uid),
        admin_rights=_count(session, RoleAssignment, col(RoleAssignment.user_id) == uid),
        conflicts=_conflicts(session, user, target_company),
    )


def restore_user(
    session: Session,
    *,
    actor: Actor,
    user_id: object,
    company_id: object,
    unit_id: object,
    new_email: str = "",
    clear_email: bool = False,
) -> bool:
    """Back to the lists, with a fresh set-password link. Returns True if a link was mailed.

    Old sessions and links are never revived: they were ended at removal and stay ended.
    """
    user = _banked_user(session, actor, user_id)
    target_company, target_unit = _target(session, actor, user, company_id, unit_id)
    new_email = new_email.strip() if isinstance(new_email, str) else ""
    # Decide the address first and change the row only once nothing can refuse any more:
    # a refused restore leaves the banked user exactly as it was.
    address: str | None = user.email
    if clear_email is True:
        address = None
    elif new_email:
        try:
            address = normalise_email(new_email)
        except InvalidInput as problem:
            raise ValidationFailed({"email": problem.key}) from None
    key = email_key(address) if address else None
    if _email_clash(session, user, target_company, key):
        raise ValidationFailed({"email": "bank.conflict_email_must_change"})
    if key != user.email_key:
        user.email_verified_at = None  # a new address must be verified again
    if address != user.email:
        user.email, user.email_key = address, key
    uid = require_id(user)
    user.status = UserStatus.ACTIVE
    user.removed_at = user.removed_by_id = user.removed_reason = None
    user.company_id, user.unit_id = target_company, target_unit
    # Nothing old comes back to life: not sessions, not links, not the old password.
    user.password_hash, user.password_changed_at = None, None
    user.updated_at = utcnow()
    session.add(user)
    void_tokens(session, user_id=uid)
    mailed = False
    if user.email:
        queue_welcome_mail(session, user=user)
        mailed = True
    record_admin_action(session, actor=actor, action="user_restored", user_id=uid)
    return mailed


def _erase(session: Session, user: User) -> None:
    """Keep a pseudonymous row (the audit log points at its id); everything personal goes."""
    uid = require_id(user)
    session.execute(delete(Token).where(col(Token.user_id) == uid))
    session.execute(delete(LoginSession).where(col(LoginSession.user_id) == uid))
    session.execute(
        delete(CareLink).where(
            (col(CareLink.assistant_id) == uid) | (col(CareLink.brukare_id) == uid)
        )
    )
    session.execute(delete(RoleAssignment).where(col(RoleAssignment.user_id) == uid))
    remove_second_factor(session, user_id=uid)  # the TOTP secret and recovery codes go too
    # Nothing blanked may still go out: a pending row is cancelled as well.
    cancel_pending_for_user(session, user_id=uid)
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.user_id) == uid)
        .values(to_address=ERASED, subject=ERASED, html_body="", text_body="")
    )
    # Failed-login counts are keyed by the username: personal data too.
    session.execute(
        delete(LoginThrottle).where(col(LoginThrottle.username_key) == user.username_key)
    )
    user.first_name, user.last_name = "–", "–"
    # ':' is never allowed in a username, so the pseudonym can never collide with a real one.
    user.username = user.username_key = f"{ERASED}:{uid}"
    user.email = user.email_key = user.email_verified_at = None
    user.mobile = user.national_id = user.notes = user.removed_reason = None
    user.numeric_id = None
    user.password_hash = None
    user.status = ERASED
    user.updated_at = utcnow()
    session.add(user)


def erase_user(session: Session, *, actor: Actor, user_id: object, typed_username: str) -> None:
    """'Radera permanent': an erasure request answered at once, confirmed by typing the username."""
    user = _banked_user(session, actor, user_id)
    if (
        not isinstance(typed_username, str)
        or typed_username.strip().casefold() != user.username.casefold()
    ):
        raise ValidationFailed({"confirm": "bank.erase_confirm_mismatch"})
    _erase(session, user)
    record_admin_action(session, actor=actor, action="user_erased", user_id=user.id)


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """The worker's retention job: erase users banked longer than their organisation keeps them.

    Idempotent: erased users are no longer "removed", so a second run finds nothing.
    """
    now = now or utcnow()
    erased = 0
    for org in session.exec(select(Organisation)).all():
        cutoff = now - timedelta(days=org.user_bank_retention_days)
        expired = session.exec(
            select(User)
            .where(
                User.organisation_id == org.id,
                User.status == UserStatus.REMOVED,
                col(User.removed_at) < cutoff,
            )
            .limit(1000)
        ).all()
        for user in expired:
            _erase(session, user)
            record_event(
                session,
                action="user_purged",
                organisation_id=org.id,
                actor_user_id=None,
                target_type="user",
                target_id=user.id,
            )
            erased += 1
    return erased


RETENTION_MIN_DAYS, RETENTION_MAX_DAYS = 30, 3650


def get_retention_days(session: Session, *, actor: Actor) -> int:
    if not can_use_user_bank(actor):
        raise NotFound()
    org = session.get(Organisation, actor.organisation_id)
    return org.user_bank_retention_days if org else 365


def set_retention_days(session: Session, *, actor: Actor, days: object) -> int:
    """The organisation's retention period for banked users, within sane bounds."""
    if not can_use_user_bank(actor):
        raise NotFound()
    if isinstance(days, str) and days.strip().isdigit():
        days = int(days.strip())
    if (
        not isinstance(days, int)
        or isinstance(days, bool)
        or not RETENTION_MIN_DAYS <= days <= RETENTION_MAX_DAYS
    ):
        raise ValidationFailed({"retention": "bank.retention_invalid"})
    org = session.get(Organisation, actor.organisation_id)
    if org is None:
        raise NotFound()
    org.user_bank_retention_days = days
    session.add(org)
    record_event(
        session,
        action="retention_changed",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="organisation",
        target_id=org.id,
        detail=f"{days} days",
    )
    return days

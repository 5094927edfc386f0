"""Användare: add, edit, invite and remove users (F0.1–F0.9), always inside the actor's scope."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import (
    Actor,
    TargetGrant,
    can_act_on_user,
    can_create_administrators,
    can_manage_user,
    can_reveal_national_id,
    can_use_company_unit,
    grants_of,
    grants_within_reach,
)
from admin_portal.mail.suppressions import refused_addresses
from admin_portal.models import (
    CareLink,
    Company,
    Role,
    RoleAssignment,
    Unit,
    User,
    UserStatus,
    UserType,
    require_id,
    utcnow,
)
from admin_portal.services.audit.events import record_admin_action
from admin_portal.services.errors import (
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
)
from admin_portal.services.users.change_impact import (
    ChangeImpact,
    agent_company_check,
    apply_impact,
    impact_of,
)
from admin_portal.services.users.email_address import assign_email, email_taken_in_company
from admin_portal.services.users.input import CleanUser, UserInput, clean_user_input
from admin_portal.services.users.username_check import UsernameVerdict, check_username
from admin_portal.services.users.welcome_link import queue_welcome_mail
from admin_portal.validation.fields import FieldErrors
from admin_portal.validation.identifiers import email_key, username_key
from admin_portal.validation.ids import is_int

IMPACT_CHANGED = "change.impact_changed"


def get_user_in_scope(
    session: Session, *, actor: Actor, user_id: object, active_only: bool = True
) -> User:
    """The user if the actor may manage them; otherwise NotFound (existence is not revealed)."""
    if not actor.is_admin or isinstance(user_id, bool) or not isinstance(user_id, int):
        raise NotFound()
    user = session.get(User, user_id)
    if user is None or not can_manage_user(actor, user):
        raise NotFound()
    if active_only and user.status != UserStatus.ACTIVE:
        raise NotFound()
    return user


OUT_OF_REACH = "users.admin_out_of_reach"


def get_user_for_write(
    session: Session, *, actor: Actor, user_id: object, active_only: bool = True
) -> User:
    """The user if the actor may change them: the scope lookup for every write (finding A.1).

    The target's grants come in the same query as the row. Reads keep `get_user_in_scope`.

    Raises:
        NotFound: unknown, another organisation's, placed outside the scope (existence is
            not revealed), or not active when `active_only`.
        PermissionDenied: ``users.admin_out_of_reach``: an admin the actor may see but not
            change (a head admin, a peer, or anyone holding a grant not strictly inside).
    """
    if not actor.is_admin or isinstance(user_id, bool) or not isinstance(user_id, int):
        raise NotFound()
    rows = session.execute(
        sa_select(
            User,
            col(RoleAssignment.role),
            col(RoleAssignment.company_id),
            col(RoleAssignment.unit_id),
            col(Unit.company_id),
            col(Unit.parent_id),
        )
        .outerjoin(RoleAssignment, col(RoleAssignment.user_id) == col(User.id))
        .outerjoin(Unit, col(Unit.id) == col(RoleAssignment.unit_id))
        .where(col(User.id) == user_id)
    ).all()
    user = rows[0][0] if rows else None
    if user is None or not can_manage_user(actor, user):
        raise NotFound()
    if active_only and user.status != UserStatus.ACTIVE:
        raise NotFound()
    grants = [
        TargetGrant(role, company_id, unit_id, unit_company_id, parent_id)
        for _, role, company_id, unit_id, unit_company_id, parent_id in rows
        if role is not None
    ]
    if not can_act_on_user(actor, user, grants):
        raise PermissionDenied(OUT_OF_REACH)
    return user


def users_out_of_reach(session: Session, *, actor: Actor, user_ids: object) -> set[int]:
    """Which of these users the actor may see but not change (for the UI to offer less)."""
    if not actor.is_admin or not isinstance(user_ids, list | tuple | set | frozenset):
        return set()
    ids = {i for i in user_ids if is_int(i)}
    grants = grants_of(session, ids)
    return {
        uid
        for uid, held in grants.items()
        if not grants_within_reach(actor, target_user_id=uid, grants=held)
    }


def _placement(
    session: Session, actor: Actor, clean: CleanUser, errors: dict[str, str]
) -> tuple[Company | None, Unit | None]:
    unit = session.get(Unit, clean.unit_id) if clean.unit_id else None
    company_id = clean.company_id or (unit.company_id if unit else None)
    company = session.get(Company, company_id) if company_id else None
    if company is None:
        errors["company_id"] = "users.company_required"
        return None, None
    if clean.unit_id and unit is None:
        errors["unit_id"] = "users.unit_not_found"
        return company, None
    if not can_use_company_unit(actor, company=company, unit=unit):
        # A unit admin must pick one of their units; forged ids land here too.
        errors["unit_id" if unit is not None else "company_id"] = "users.placement_outside_scope"
        return None, None
    return company, unit


def _check_uniqueness(
    session: Session,
    actor: Actor,
    clean: CleanUser,
    company: Company | None,
    errors: dict[str, str],
    *,
    user_id: int | None = None,
) -> None:
    if clean.username and "username" not in errors:
        verdict = check_username(
            session, actor=actor, username=clean.username, exclude_user_id=user_id
        )
        if verdict.verdict is not UsernameVerdict.AVAILABLE:
            errors["username"] = verdict.message_key
    if (
        clean.email
        and company is not None
        and "email" not in errors
        and email_taken_in_company(
            session,
            company_id=require_id(company),
            key=email_key(clean.email),
            exclude_user_id=user_id,
        )
    ):
        errors["email"] = "users.email_taken_in_company"


def _brukare_for(
    session: Session, actor: Actor, clean: CleanUser, errors: dict[str, str], *, kept: int = 0
) -> list[User]:
    """F0.2: an assistant needs at least one brukare of the same organisation, in scope.

    `kept` links to brukare outside the actor's scope stay as they are and count too.
    """
    if clean.user_type != UserType.ASSISTANT:
        return []
    if not clean.brukare_ids and kept:
        return []
    if not clean.brukare_ids:
        errors["brukare_ids"] = "users.assistant_needs_brukare"
        return []
    found = session.exec(select(User).where(col(User.id).in_(clean.brukare_ids))).all()
    valid = [
        u
        for u in found
        if u.user_type == UserType.BRUKARE
        and u.status == UserStatus.ACTIVE
        and can_manage_user(actor, u)
    ]
    if len(valid) != len(clean.brukare_ids):
        errors["brukare_ids"] = "users.brukare_not_found"
        return []
    return valid


def _validate(
    session: Session,
    actor: Actor,
    data: UserInput,
    *,
    user_id: int | None = None,
    current_type: str | None = None,
    kept_links: int = 0,
) -> tuple[CleanUser, Company, Unit | None, list[User]]:
    errors = FieldErrors()
    clean = clean_user_input(data, errors)
    # Keeping an administrator an administrator makes no one an admin: an actor who may
    # change this admin at all (get_user_for_write) may save their profile.
    if (
        clean.user_type == UserType.ADMINISTRATOR
        and current_type != UserType.ADMINISTRATOR
        and not can_create_administrators(actor)
    ):
        errors["user_type"] = "users.only_head_admin_creates_admins"
    company, unit = _placement(session, actor, clean, errors)
    if user_id is not None and company is not None and "company_id" not in errors:
        agent_company_check(session, user_id=user_id, company_id=require_id(company), errors=errors)
    _check_uniqueness(session, actor, clean, company, errors, user_id=user_id)
    brukare = _brukare_for(session, actor, clean, errors, kept=kept_links)
    if errors or company is None:
        raise ValidationFailed(errors)
    return clean, company, unit, brukare


def _apply(
    session: Session, user: User, clean: CleanUser, company: Company, unit: Unit | None
) -> None:
    assign_email(session, user=user, email=clean.email)  # a new address must be proven again
    user.first_name, user.last_name = clean.first_name, clean.last_name
    user.username, user.username_key = clean.username, username_key(clean.username)
    user.mobile = clean.mobile
    if not clean.keep_national_id:
        user.national_id = clean.national_id
    user.language, user.notes, user.user_type = clean.language, clean.notes, clean.user_type
    user.company_id, user.unit_id = require_id(company), unit.id if unit else None
    user.updated_at = utcnow()


def _links_outside_scope(session: Session, actor: Actor, user: User) -> list[int]:
    """The assistant's brukare outside the actor's scope: the profile does not show them
    (A.9), so saving it must not undo those links either."""
    if user.user_type != UserType.ASSISTANT:
        return []
    linked = session.exec(
        select(User)
        .join(CareLink, col(CareLink.brukare_id) == User.id)
        .where(CareLink.assistant_id == user.id)
    ).all()
    return [require_id(p) for p in linked if not can_manage_user(actor, p)]


def _replace_links(
    session: Session, user: User, brukare: list[User], *, keep: list[int] | None = None
) -> None:
    user_id = require_id(user)
    session.execute(
        delete(CareLink).where(
            col(CareLink.assistant_id) == user_id, col(CareLink.brukare_id).not_in(keep or [])
        )
    )
    for person in brukare:
        session.add(
            CareLink(
                organisation_id=user.organisation_id,
                assistant_id=user_id,
                brukare_id=require_id(person),
            )
        )


def _flush_or_explain(session: Session, actor: Actor, data: UserInput, user_id: int | None) -> None:
    """The database constraint is the final word when two admins race for one username."""
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        errors = FieldErrors()
        clean = clean_user_input(data, errors)
        company = session.get(Company, clean.company_id) if clean.company_id else None
        _check_uniqueness(session, actor, clean, company, errors, user_id=user_id)
        raise ValidationFailed(errors or {"username": "username.taken_here"}) from None


def create_user(
    session: Session, *, actor: Actor, data: UserInput, send_invitation: bool = False
) -> int:
    """F0.1/F0.6: "Lägg till" (no mail) or "Lägg till och skicka e-postinbjudan"."""
    if not actor.is_admin:
        raise PermissionDenied()
    clean, company, unit, brukare = _validate(session, actor, data)
    if send_invitation and not clean.email:
        raise ValidationFailed({"email": "users.email_required_for_invitation"})
    user = User(
        organisation_id=actor.organisation_id,
        company_id=require_id(company),
        first_name="",
        last_name="",
        username="",
        username_key="",
    )
    _apply(session, user, clean, company, unit)
    session.add(user)
    _flush_or_explain(session, actor, data, None)
    _replace_links(session, user, brukare)
    if clean.user_type == UserType.ADMINISTRATOR:
        _grant_admin_of_placement(session, user, company, unit)
    record_admin_action(session, actor=actor, action="user_created", user_id=user.id)
    if send_invitation:
        _queue_invitation(session, actor, user)
    return require_id(user)


def _grant_admin_of_placement(
    session: Session, user: User, company: Company, unit: Unit | None
) -> None:
    """An administrator administers the unit (or company) they are placed in."""
    session.add(
        RoleAssignment(
            user_id=require_id(user),
            organisation_id=user.organisation_id,
            role=Role.ADMIN,
            company_id=None if unit else require_id(company),
            unit_id=unit.id if unit else None,
        )
    )


def _plan_update(
    session: Session, actor: Actor, user_id: object, data: UserInput
) -> tuple[User, CleanUser, Company, Unit | None, list[User], list[int], ChangeImpact]:
    """Every check of a profile save, and what it would change: reads only."""
    user = get_user_for_write(session, actor=actor, user_id=user_id)
    outside = _links_outside_scope(session, actor, user)
    clean, company, unit, brukare = _validate(
        session,
        actor,
        data,
        user_id=require_id(user),
        current_type=user.user_type,
        kept_links=len(outside),
    )
    if clean.user_type != UserType.ASSISTANT:
        outside = []  # no longer an assistant: every link goes, as before
    if (
        user.user_type == UserType.ADMINISTRATOR
        and clean.user_type != user.user_type
        and not actor.is_head_admin
    ):
        raise ValidationFailed({"user_type": "users.only_head_admin_creates_admins"})
    impact = impact_of(
        session, actor=actor, user=user, user_type=clean.user_type, company=company, unit=unit
    )
    return user, clean, company, unit, brukare, outside, impact


def preview_user_update(
    session: Session, *, actor: Actor, user_id: object, data: UserInput
) -> ChangeImpact:
    """Issue 14: what saving this form would do (read-only; `update_user`'s checks and errors)."""
    return _plan_update(session, actor, user_id, data)[-1]


def update_user(
    session: Session,
    *,
    actor: Actor,
    user_id: object,
    data: UserInput,
    expected: ChangeImpact | None = None,
) -> ChangeImpact:
    """F0.5: every field is editable later on the profile page, with the same validation.

    `expected`: the impact the admin confirmed; anything else now raises ``IMPACT_CHANGED``.
    """
    user, clean, company, unit, brukare, outside, impact = _plan_update(
        session, actor, user_id, data
    )
    if expected is not None and expected != impact:
        raise ServiceError(IMPACT_CHANGED)
    uid = require_id(user)
    _apply(session, user, clean, company, unit)
    session.add(user)
    _flush_or_explain(session, actor, data, uid)
    _replace_links(session, user, brukare, keep=outside)
    apply_impact(session, user=user, impact=impact)
    record_admin_action(session, actor=actor, action="user_updated", user_id=uid)
    return impact


def _queue_invitation(session: Session, actor: Actor, user: User) -> None:
    if not user.email:
        raise ValidationFailed({"email": "users.email_required_for_invitation"})
    # Raises users.welcome_has_password for an account with a password: a link sent by an
    # admin must never replace a password the person chose ("Glömt lösenord?" is theirs).
    # Voids the earlier unused link: "Skicka ny inbjudan" leaves exactly one live link.
    queue_welcome_mail(session, user=user)
    record_admin_action(session, actor=actor, action="invitation_sent", user_id=user.id)


def send_invitation(session: Session, *, actor: Actor, user_id: object) -> None:
    """F0.6 later from the profile: a welcome mail with a fresh single-use link.

    Raises:
        NotFound / PermissionDenied: see `get_user_for_write`.
        ValidationFailed: no e-mail address.
        ServiceError: ``users.welcome_has_password``: the account already has a password;
            ``webhooks.address_refused``: the address bounced or complained before.
    """
    user = get_user_for_write(session, actor=actor, user_id=user_id)
    if user.email and refused_addresses(session, [user.email]):
        # Resend reported a bounce or a complaint: no mail goes there until it is changed.
        raise ServiceError("webhooks.address_refused")
    _queue_invitation(session, actor, user)


def reveal_national_id(session: Session, *, actor: Actor, user_id: object) -> str:
    """The unmasked personnummer, for head admins and admins with that right. Audited."""
    user = get_user_in_scope(session, actor=actor, user_id=user_id)
    if not can_reveal_national_id(actor, user):
        record_admin_action(
            session, actor=actor, action="national_id_revealed", user_id=user.id, outcome="denied"
        )
        session.commit()  # the denial is recorded even though the caller rolls back on the error
        raise PermissionDenied()
    record_admin_action(session, actor=actor, action="national_id_revealed", user_id=user.id)
    return user.national_id or ""

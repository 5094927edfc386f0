"""The invitee's side of F4.8: open the invitation link, choose a username and a password.

The link carries a random secret; only its keyed hash is stored on the invitation, and a
resend replaces it, so an earlier link simply stops matching ("unknown"). Looking at the
link never uses it up. Accepting is decided by one conditional UPDATE on the invitation:
whoever flips it to ACCEPTED first creates the account, every other attempt (a double
click, a second tab, a replay) is refused, so one invitation gives at most one account.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from admin_portal.auth.password_policy import new_password_problem
from admin_portal.auth.passwords import hash_password
from admin_portal.auth.tokens import hash_secret
from admin_portal.models import (
    Invitation,
    InvitationAdminUnit,
    InvitationRole,
    InvitationStatus,
    Organisation,
    Role,
    RoleAssignment,
    Service,
    ServiceOrder,
    Unit,
    User,
    UserType,
    require_id,
    utcnow,
)
from admin_portal.services.audit.events import record_event
from admin_portal.services.auth.login import issue_login_ticket
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.services.users.email_address import email_taken_in_company
from admin_portal.validation.fields import FieldErrors
from admin_portal.validation.identifiers import username_key
from admin_portal.validation.names import clean_username

_MAX_TOKEN = 200  # longer than any secret we issue: not worth hashing
_MAX_PASSWORD = 1000  # the policy refuses > 256 anyway; this only bounds the work

# Still waiting for the person. EXPIRED is not here: an expired link needs a resend first.
ACCEPTABLE_STATUSES = (
    InvitationStatus.CREATED,
    InvitationStatus.SENT,
    InvitationStatus.DELIVERED,
    InvitationStatus.BOUNCED,
)


class LinkState(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"  # ask the administrator to send it again
    REVOKED = "revoked"
    USED = "used"  # already accepted: log in instead
    UNKNOWN = "unknown"  # never issued, mistyped, or replaced by a resend


@dataclass(frozen=True)
class ServiceName:
    sv: str
    en: str


@dataclass(frozen=True)
class InvitationView:
    """What the invitation page shows. Only a valid link reveals anything about the invitation."""

    state: LinkState
    first_name: str = ""
    organisation_name: str = ""
    unit_name: str = ""
    language: str = "sv"
    services: tuple[ServiceName, ...] = ()


@dataclass(frozen=True)
class AcceptedInvitation:
    """The new account and a one-minute login ticket: the person is signed in like after a login."""

    user_id: int
    username: str
    login_ticket: str


def _find(session: Session, raw_token: object) -> Invitation | None:
    if not isinstance(raw_token, str) or not raw_token or len(raw_token) > _MAX_TOKEN:
        return None
    return session.exec(
        select(Invitation).where(Invitation.token_hash == hash_secret(raw_token))
    ).first()


def _state_of(invitation: Invitation | None) -> LinkState:
    if invitation is None:
        return LinkState.UNKNOWN
    if invitation.status == InvitationStatus.ACCEPTED:
        return LinkState.USED
    if invitation.status == InvitationStatus.REVOKED:
        return LinkState.REVOKED
    if invitation.status not in ACCEPTABLE_STATUSES or invitation.expires_at <= utcnow():
        return LinkState.EXPIRED
    return LinkState.VALID


def describe_invitation(session: Session, *, raw_token: object) -> InvitationView:
    """The state of an invitation link and, when valid, what the page greets the person with.

    Reads only: opening the page (or a mail scanner fetching it) does not use the link.
    """
    invitation = _find(session, raw_token)
    state = _state_of(invitation)
    if state is not LinkState.VALID or invitation is None:
        return InvitationView(state=state)
    organisation = session.get(Organisation, invitation.organisation_id)
    unit = session.get(Unit, invitation.unit_id)
    names = session.exec(
        select(Service.name_sv, Service.name_en)
        .join(ServiceOrder, col(ServiceOrder.service_id) == Service.id)
        .where(ServiceOrder.invitation_id == invitation.id)
        .order_by(col(Service.sort_order), col(Service.id))
    ).all()
    return InvitationView(
        state=state,
        first_name=invitation.first_name,
        organisation_name=organisation.name if organisation else "",
        unit_name=unit.name if unit else "",
        language=invitation.language,
        services=tuple(ServiceName(sv=sv, en=en) for sv, en in names),
    )


def _link_error(state: LinkState) -> ServiceError:
    return ServiceError(f"acceptance.link_{state.value}")


def _validate(
    session: Session, invitation: Invitation, username: object, password: object, repeat: object
) -> tuple[str, str]:
    """The cleaned username and the password, or ValidationFailed with a message per field."""
    errors = FieldErrors()
    typed = username if isinstance(username, str) else ""
    chosen = password[:_MAX_PASSWORD] if isinstance(password, str) else ""
    cleaned = errors.check("username", clean_username, typed) or ""
    # F0.3: usernames are global. Whose it is stays unsaid, whatever organisation holds it.
    if (
        cleaned
        and session.exec(select(User.id).where(User.username_key == username_key(cleaned))).first()
    ):
        errors["username"] = "acceptance.username_taken"
    personal = [invitation.first_name, invitation.last_name, cleaned or typed]
    personal.append(invitation.email.split("@", 1)[0])
    problem = new_password_problem(
        chosen, repeat, personal_words=personal, mismatch_key="acceptance.mismatch"
    )
    if problem:
        errors[problem[0]] = problem[1]
    if errors:
        raise ValidationFailed(errors)
    return cleaned, chosen


def _claim(session: Session, invitation: Invitation, token_hash: str) -> None:
    """The single winner: the row still carries this link, is open and has not run out.

    On PostgreSQL a concurrent claimer blocks on the row lock, re-checks the condition
    after the winner commits, and updates nothing.
    """
    now = utcnow()
    result = session.execute(
        update(Invitation)
        .where(
            col(Invitation.id) == invitation.id,
            col(Invitation.token_hash) == token_hash,
            col(Invitation.status).in_(ACCEPTABLE_STATUSES),
            col(Invitation.expires_at) > now,
        )
        .values(status=InvitationStatus.ACCEPTED, accepted_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(invitation)
        state = _state_of(invitation)
        if invitation.token_hash != token_hash:
            state = LinkState.UNKNOWN  # a resend replaced this link meanwhile
        raise _link_error(LinkState.USED if state is LinkState.VALID else state)


def _new_user(invitation: Invitation, username: str, password: str) -> User:
    now = utcnow()
    is_admin = invitation.role == InvitationRole.ADMIN
    return User(
        organisation_id=invitation.organisation_id,
        company_id=invitation.company_id,
        unit_id=invitation.unit_id,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        username=username,
        username_key=username_key(username),
        email=invitation.email,
        email_key=invitation.email_key,
        # The secret came back from this very address: it is proven.
        email_verified_at=now,
        mobile=invitation.phone,
        language=invitation.language,
        user_type=UserType.ADMINISTRATOR if is_admin else UserType.EMPLOYEE,
        password_hash=hash_password(password),
        password_changed_at=now,
    )


def _email_in_use(session: Session, invitation: Invitation) -> bool:
    # F0.8: one address per company. Someone may have been added by hand since the invite.
    return email_taken_in_company(
        session, company_id=invitation.company_id, key=invitation.email_key
    )


def _grant_admin_units(session: Session, invitation: Invitation, user: User) -> None:
    if invitation.role != InvitationRole.ADMIN:
        return
    unit_ids = session.exec(
        select(InvitationAdminUnit.unit_id).where(
            InvitationAdminUnit.invitation_id == invitation.id
        )
    ).all()
    for unit_id in sorted(set(unit_ids)):
        session.add(
            RoleAssignment(
                user_id=require_id(user),
                organisation_id=invitation.organisation_id,
                role=Role.ADMIN,
                unit_id=unit_id,
            )
        )


def accept_invitation(
    session: Session, *, raw_token: object, username: object, password: object, repeat: object
) -> AcceptedInvitation:
    """Create the invited person's account and hand back a login ticket.

    Raises ValidationFailed (fields username, password, repeat) for what the person can
    fix, and ServiceError("acceptance.link_<state>") when the link is not (or no longer)
    valid, or "acceptance.email_in_use". On any error the caller rolls back (session_scope
    does): nothing of a refused attempt stays.
    """
    invitation = _find(session, raw_token)
    state = _state_of(invitation)
    if state is not LinkState.VALID or invitation is None:
        raise _link_error(state)
    cleaned, chosen = _validate(session, invitation, username, password, repeat)
    if _email_in_use(session, invitation):
        raise ServiceError("acceptance.email_in_use")
    _claim(session, invitation, invitation.token_hash)
    user = _new_user(invitation, cleaned, chosen)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        # Someone took the username (or the address) between our check and our insert.
        session.rollback()
        raise ValidationFailed({"username": "acceptance.username_taken"}) from None
    user_id = require_id(user)
    _grant_admin_units(session, invitation, user)
    session.execute(
        update(ServiceOrder)
        .where(col(ServiceOrder.invitation_id) == invitation.id)
        .values(user_id=user_id)
    )
    session.execute(
        update(Invitation).where(col(Invitation.id) == invitation.id).values(user_id=user_id)
    )
    record_event(
        session,
        action="invitation_accepted",
        organisation_id=invitation.organisation_id,
        actor_user_id=user_id,
        target_type="invitation",
        target_id=invitation.id,
        detail=f"user={user_id} role={invitation.role}",
    )
    ticket = issue_login_ticket(session, user=user)
    session.flush()
    return AcceptedInvitation(user_id=user_id, username=cleaned, login_ticket=ticket)

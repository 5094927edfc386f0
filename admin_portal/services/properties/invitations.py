"""Ny användare (F2.7): invite a person to create a new ordinary account with chosen rights.

The rights are checked against the inviter when the invitation is sent and again when it
is accepted: an inviter who lost a right meanwhile cannot pass it on through an old link.
The new username must be free under the global rule (F0.3); a clash with the invitee's own
primary account is named as such, so they understand why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from admin_portal.auth.password_policy import new_password_problem
from admin_portal.auth.passwords import hash_password
from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.auth.tokens import hash_secret, new_secret
from admin_portal.config import get_settings
from admin_portal.i18n import LANGUAGES
from admin_portal.mail.outbox import enqueue_message
from admin_portal.mail.property_messages import property_invitation_message
from admin_portal.models import (
    PrimaryAccount,
    Property,
    PropertyInvitation,
    User,
    UserType,
    require_id,
    utcnow,
)
from admin_portal.services.audit import record_event
from admin_portal.services.auth.login import issue_login_ticket
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.services.properties.access import apply_rights, rights_by_property
from admin_portal.services.users.email_address import email_taken_in_company
from admin_portal.validation.email import normalise_email
from admin_portal.validation.fields import FieldErrors
from admin_portal.validation.identifiers import email_key, username_key
from admin_portal.validation.names import clean_person_name, clean_username

_MAX_PASSWORD = 1024


@dataclass(frozen=True)
class PropertyInvitationView:
    name: str
    email: str
    properties: list[str]


@dataclass(frozen=True)
class AcceptedPropertyInvitation:
    user_id: int
    username: str
    login_ticket: str


def _person(first: object, last: object, email: object) -> tuple[str, str, str]:
    errors = FieldErrors()
    names = [
        errors.check(field, clean_person_name, value if isinstance(value, str) else "") or ""
        for field, value in (("first_name", first), ("last_name", last))
    ]
    address = errors.check("email", normalise_email, email if isinstance(email, str) else "")
    if errors:
        raise ValidationFailed(errors)
    return names[0], names[1], address or ""


def invite_property_user(
    session: Session,
    *,
    actor: Actor,
    first_name: object,
    last_name: object,
    email: object,
    rights: object,
    lang: object = "sv",
) -> int:
    """ "Skicka inbjudan": store the invitation, queue its mail, return the invitation id."""
    first, last, address = _person(first_name, last_name, email)
    checked = rights_by_property(session, actor=actor, raw=rights)
    inviter = session.get(User, actor.user_id)
    if inviter is None:
        raise ServiceError("error.not_found")
    raw = new_secret()
    now = utcnow()
    language = lang if lang in LANGUAGES else "sv"
    invitation = PropertyInvitation(
        organisation_id=actor.organisation_id,
        company_id=inviter.company_id,
        invited_by_id=actor.user_id,
        first_name=first,
        last_name=last,
        email=address,
        language=language,
        rights_json=json.dumps({str(p.id): sorted(r) for p, r in checked}),
        token_hash=hash_secret(raw),
        expires_at=now + timedelta(hours=get_settings().property_invitation_hours),
    )
    session.add(invitation)
    session.flush()
    message = property_invitation_message(
        lang=language,
        name=f"{first} {last}",
        inviter=actor.full_name,
        properties=", ".join(p.name for p, _ in checked),
        raw_token=raw,
    )
    enqueue_message(
        session,
        message,
        to_address=address,
        organisation_id=actor.organisation_id,
        user_id=None,
        link_expires_at=invitation.expires_at,
    )
    property_ids = ",".join(str(p.id) for p, _ in checked)
    record_event(
        session,
        action="property_invitation_sent",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="property_invitation",
        target_id=invitation.id,
        detail=f"properties={property_ids}",
    )
    return require_id(invitation)


def _find(session: Session, raw_token: object) -> PropertyInvitation:
    if not isinstance(raw_token, str) or not 20 <= len(raw_token) <= 100:
        raise ServiceError("properties.accept.link_invalid")
    found = session.exec(
        select(PropertyInvitation).where(
            col(PropertyInvitation.token_hash) == hash_secret(raw_token)
        )
    ).first()
    if found is None or found.accepted_at is not None:
        raise ServiceError("properties.accept.link_invalid")
    if found.expires_at <= utcnow():
        raise ServiceError("properties.accept.link_expired")
    return found


def describe_property_invitation(session: Session, *, raw_token: object) -> PropertyInvitationView:
    """What the acceptance page shows: the invitee's name, address and the properties."""
    invitation = _find(session, raw_token)
    ids = [int(k) for k in json.loads(invitation.rights_json or "{}")]
    names = session.exec(
        select(Property.name).where(col(Property.id).in_(ids)).order_by(col(Property.name_key))
    ).all()
    return PropertyInvitationView(
        name=f"{invitation.first_name} {invitation.last_name}",
        email=invitation.email,
        properties=list(names),
    )


def _username_error(session: Session, invitation: PropertyInvitation, cleaned: str) -> str | None:
    holder = session.exec(
        select(User).where(col(User.username_key) == username_key(cleaned))
    ).first()
    if holder is None:
        return None
    # The invitee's own primary account: say so, it is their own (same address).
    if (
        holder.email_key == email_key(invitation.email)
        and session.get(PrimaryAccount, holder.id) is not None
    ):
        return "properties.accept.username_is_primary"
    return "acceptance.username_taken"


def accept_property_invitation(
    session: Session, *, raw_token: object, username: object, password: object, repeat: object
) -> AcceptedPropertyInvitation:
    """Create the new ordinary account, give it the invited rights, hand back a login ticket."""
    invitation = _find(session, raw_token)
    errors = FieldErrors()
    typed = username if isinstance(username, str) else ""
    chosen = password[:_MAX_PASSWORD] if isinstance(password, str) else ""
    cleaned = errors.check("username", clean_username, typed) or ""
    if cleaned:
        clash = _username_error(session, invitation, cleaned)
        if clash:
            errors["username"] = clash
    personal = [invitation.first_name, invitation.last_name, cleaned or typed]
    problem = new_password_problem(
        chosen, repeat, personal_words=personal, mismatch_key="acceptance.mismatch"
    )
    if problem:
        errors[problem[0]] = problem[1]
    if errors:
        raise ValidationFailed(errors)
    claimed = session.execute(
        update(PropertyInvitation)
        .where(
            col(PropertyInvitation.id) == invitation.id,
            col(PropertyInvitation.accepted_at).is_(None),
        )
        .values(accepted_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise ServiceError("properties.accept.link_invalid")
    now = utcnow()
    shared = email_taken_in_company(
        session, company_id=invitation.company_id, key=email_key(invitation.email)
    )
    user = User(
        organisation_id=invitation.organisation_id,
        company_id=invitation.company_id,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        username=cleaned,
        username_key=username_key(cleaned),
        # The address may be used by the person's primary account in the same company:
        # the new login then carries none (F0.8); otherwise it is proven by this link.
        email=None if shared else invitation.email,
        email_key=None if shared else email_key(invitation.email),
        email_verified_at=None if shared else now,
        language=invitation.language,
        user_type=UserType.EMPLOYEE,
        password_hash=hash_password(chosen),
        password_changed_at=now,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ValidationFailed({"username": "acceptance.username_taken"}) from None
    _grant_invited_rights(session, invitation, user)
    invitation.user_id = user.id
    session.add(invitation)
    record_event(
        session,
        action="property_invitation_accepted",
        organisation_id=invitation.organisation_id,
        actor_user_id=user.id,
        target_type="property_invitation",
        target_id=invitation.id,
    )
    ticket = issue_login_ticket(session, user=user)
    session.flush()
    return AcceptedPropertyInvitation(require_id(user), cleaned, ticket)


def _grant_invited_rights(session: Session, invitation: PropertyInvitation, user: User) -> None:
    """The invited rights, re-checked against the inviter as they are now."""
    inviter = load_actor(session, invitation.invited_by_id)
    if inviter is None:
        return  # the inviter is gone: the account exists, with no access to pass on
    wanted = json.loads(invitation.rights_json or "{}")
    for property_id, rights in wanted.items():
        try:
            checked = rights_by_property(session, actor=inviter, raw={property_id: rights})
        except ServiceError:
            continue  # lost since: that property is simply not granted
        for prop, granted in checked:
            apply_rights(session, actor=inviter, prop=prop, target=user, wanted=granted)

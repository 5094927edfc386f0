"""Nuvarande användare (F2.6): an existing ordinary account, found by username AND e-mail.

Every kind of mismatch (unknown username, wrong e-mail, a primary account, another
organisation, oneself) gets the same answer, and lookups are rate-limited, so the form
tells a prober nothing about which accounts exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import PropertyAccess, User, UserStatus
from admin_portal.services.errors import PermissionDenied, ServiceError
from admin_portal.services.properties.access import apply_rights, is_primary, rights_by_property
from admin_portal.services.properties.probe_limit import check_user_lookup
from admin_portal.services.properties.reach import primary_agreement_of
from admin_portal.validation.identifiers import email_key, username_key

NO_MATCH = "properties.error.no_match"


@dataclass(frozen=True)
class MatchedUser:
    name: str
    username: str


def _administers_something(session: Session, actor: Actor) -> bool:
    if primary_agreement_of(session, actor.user_id) is not None:
        return True
    return (
        session.exec(
            select(PropertyAccess.id).where(
                col(PropertyAccess.user_id) == actor.user_id, col(PropertyAccess.user_admin)
            )
        ).first()
        is not None
    )


def _match(
    session: Session, actor: Actor, username: object, email: object, client_address: str | None
) -> User:
    if not _administers_something(session, actor):
        raise PermissionDenied("properties.error.no_user_admin")
    check_user_lookup(user_id=actor.user_id, client_address=client_address)
    typed_user = username.strip() if isinstance(username, str) else ""
    typed_mail = email.strip() if isinstance(email, str) else ""
    found = None
    if typed_user and typed_mail and len(typed_user) <= 100 and len(typed_mail) <= 254:
        found = session.exec(
            select(User).where(
                col(User.username_key) == username_key(typed_user),
                col(User.email_key) == email_key(typed_mail),
            )
        ).first()
    if (
        found is None
        or found.organisation_id != actor.organisation_id
        or found.status != UserStatus.ACTIVE
        or found.id == actor.user_id
        or is_primary(session, found.id or 0)
    ):
        # Not audited: the refusal rolls the transaction back, and a lookup changes nothing.
        raise ServiceError(NO_MATCH)
    return found


def match_existing_user(
    session: Session,
    *,
    actor: Actor,
    username: object,
    email: object,
    client_address: str | None,
) -> MatchedUser:
    """ "Se åtkomsträttigheter": the person, when username and e-mail name one ordinary account.

    Raises:
        ServiceError("properties.error.no_match"): any mismatch, always the same.
        RateLimited: too many lookups by this person or from this address.
    """
    user = _match(session, actor, username, email, client_address)
    return MatchedUser(name=user.full_name, username=user.username)


def grant_existing_user(
    session: Session,
    *,
    actor: Actor,
    username: object,
    email: object,
    rights: object,
    client_address: str | None,
) -> int:
    """Save the chosen rights for the matched person; matched again here (never by an id).

    Returns:
        How many properties were changed.
    """
    user = _match(session, actor, username, email, client_address)
    checked = rights_by_property(session, actor=actor, raw=rights)
    for prop, wanted in checked:
        apply_rights(session, actor=actor, prop=prop, target=user, wanted=wanted)
    return len(checked)

"""What SCIM adds to a person: externalId and active (sign-in on or off)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import ProvisionedUser, utcnow
from admin_portal.services.audit import record_admin_action

EXTERNAL_ID_MAX = 200


def sign_in_disabled(session: Session, *, user_id: int) -> bool:
    """True when SCIM set active=false on this person."""
    return (
        session.exec(
            select(ProvisionedUser.user_id).where(
                ProvisionedUser.user_id == user_id, col(ProvisionedUser.disabled_at).is_not(None)
            )
        ).first()
        is not None
    )


def provisioning_of(session: Session, *, user_ids: list[int]) -> dict[int, ProvisionedUser]:
    """The SCIM rows of these users (absent: no externalId, active)."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(ProvisionedUser).where(col(ProvisionedUser.user_id).in_(user_ids))
    ).all()
    return {r.user_id: r for r in rows}


def _row(session: Session, actor: Actor, user_id: int) -> ProvisionedUser:
    row = session.get(ProvisionedUser, user_id)
    if row is None:
        row = ProvisionedUser(user_id=user_id, organisation_id=actor.organisation_id)
    return row


def set_external_id(
    session: Session, *, actor: Actor, user_id: int, external_id: str | None
) -> None:
    """Store SCIM's externalId. The caller has checked the user is in scope (write lookup)."""
    row = _row(session, actor, user_id)
    row.external_id = (external_id or None) and external_id[:EXTERNAL_ID_MAX]
    session.add(row)


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> None:
    """active=false refuses sign-in and ends every session; true lets the person in again.

    The caller has checked the user is in scope with the write lookup.
    """
    row = _row(session, actor, user_id)
    was_disabled = row.disabled_at is not None
    if active and was_disabled:
        row.disabled_at = None
        record_admin_action(session, actor=actor, action="user_enabled", user_id=user_id)
    elif not active and not was_disabled:
        row.disabled_at = utcnow()
        # Imported here: services.auth asks this module whether sign-in is disabled.
        from admin_portal.services.auth.login import revoke_sessions

        revoke_sessions(session, user_id=user_id)
        record_admin_action(session, actor=actor, action="user_disabled", user_id=user_id)
    session.add(row)

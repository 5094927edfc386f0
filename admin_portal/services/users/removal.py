"""F0.4 removal into the user bank: one person, or a bulk selection all-or-none."""

from __future__ import annotations

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor, can_manage_user
from admin_portal.auth.tokens import void_tokens
from admin_portal.mail.outbox import cancel_pending_for_user
from admin_portal.models import Queue, QueueSession, User, UserStatus, require_id, utcnow
from admin_portal.services.audit.events import record_admin_action
from admin_portal.services.auth.login import revoke_sessions
from admin_portal.services.errors import PermissionDenied, ServiceError, ValidationFailed
from admin_portal.services.users.manage import get_user_for_write
from admin_portal.validation.ids import is_int

REMOVAL_REASON_MAX = 500


def remove_user(session: Session, *, actor: Actor, user_id: object, reason: str = "") -> None:
    """F0.4: to the user bank. Profile, links and history stay; sessions and unused links die."""
    user = _removable(session, actor, user_id)
    uid = require_id(user)
    user.status = UserStatus.REMOVED
    user.removed_at = utcnow()
    user.removed_by_id = actor.user_id
    user.removed_reason = (reason if isinstance(reason, str) else "").strip()[
        :REMOVAL_REASON_MAX
    ] or None
    user.updated_at = utcnow()
    session.add(user)
    revoke_sessions(session, user_id=uid)
    void_tokens(session, user_id=uid)
    cancel_pending_for_user(session, user_id=uid)
    record_admin_action(session, actor=actor, action="user_removed", user_id=uid)


BULK_REMOVE_MAX = 100


def _removable(session: Session, actor: Actor, user_id: object) -> User:
    user = get_user_for_write(session, actor=actor, user_id=user_id)
    if user.id == actor.user_id:
        raise ValidationFailed({"remove": "users.cannot_remove_self"})
    # F3.7: an agent logged in to a contact-centre queue stays until they log out. Asked of
    # the table itself: the contact-centre capability builds on this one, not the reverse.
    queues = session.exec(
        select(Queue.name)
        .join(QueueSession, col(QueueSession.queue_id) == col(Queue.id))
        .where(QueueSession.agent_id == user.id)
    ).all()
    if queues:
        raise ServiceError("contact_centre.in_queue_remove")
    return user


def remove_users(session: Session, *, actor: Actor, user_ids: object, reason: str = "") -> int:
    """Bulk removal from the list: all in one transaction, or none if any id is refused.

    Every id is checked before the first removal, so a refusal leaves even the caller's
    session untouched.

    Raises:
        NotFound: an id is unknown or out of scope.
        PermissionDenied: ``users.bulk_remove_out_of_reach``: an admin the actor may not change.
        ValidationFailed: a malformed list, or the actor's own id.
    """
    if not isinstance(user_ids, list | tuple) or not user_ids or len(user_ids) > BULK_REMOVE_MAX:
        raise ValidationFailed({"remove": "users.bulk_remove_invalid"})
    unique = list(dict.fromkeys(user_ids))
    for user_id in unique:
        try:
            _removable(session, actor, user_id)
        except PermissionDenied:
            raise PermissionDenied("users.bulk_remove_out_of_reach") from None
    for user_id in unique:
        remove_user(session, actor=actor, user_id=user_id, reason=reason)
    return len(unique)


def describe_users(session: Session, *, actor: Actor, user_ids: object) -> list[str]:
    """Names for a confirmation that says exactly who is affected (only users in scope)."""
    if not actor.is_admin or not isinstance(user_ids, list | tuple):
        return []
    ids = [i for i in user_ids if is_int(i)][:BULK_REMOVE_MAX]
    users = session.exec(
        select(User)
        .where(col(User.id).in_(ids), User.status == UserStatus.ACTIVE)
        .order_by(User.last_name, User.first_name)
    ).all()
    return [f"{u.full_name} ({u.username})" for u in users if can_manage_user(actor, u)]

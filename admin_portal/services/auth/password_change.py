"""Byt lösenord on Mitt konto: the signed-in person proves the current password first."""

from __future__ import annotations

from sqlmodel import Session

from admin_portal.auth.password_policy import MAX_LENGTH, password_problems
from admin_portal.auth.passwords import hash_password, verify_password
from admin_portal.auth.permissions import Actor
from admin_portal.auth.tokens import void_tokens
from admin_portal.mail.outbox import enqueue_message
from admin_portal.mail.password_changed import password_changed_message
from admin_portal.models import TokenPurpose, User, UserStatus, utcnow
from admin_portal.services.audit.events import record_event
from admin_portal.services.auth.login import (
    clear_password_failures,
    login_locked,
    record_password_failure,
    revoke_sessions,
)
from admin_portal.services.errors import NotFound, ValidationFailed

_LINK_PURPOSES = [TokenPurpose.SET_PASSWORD.value, TokenPurpose.RESET_PASSWORD.value]


def change_password(
    session: Session,
    *,
    actor: Actor,
    current_password: str,
    new_password: str,
    repeat: str,
    raw_session_token: str | None,
) -> User:
    """Replace the actor's own password. Every other session of theirs ends; this one stays.

    A wrong current password counts towards the same lock as a failed login: a stolen
    session must not become a way to guess the password without limit.

    Args:
        session: The database session (the caller commits).
        actor: The signed-in person; only their own password can change.
        current_password: What they typed as the current password.
        new_password: The new password; the password policy applies.
        repeat: The new password once more.
        raw_session_token: The caller's session cookie value: that session stays signed in.

    Returns:
        The user with the new password hash.

    Raises:
        NotFound: The actor's account is no longer active.
        ValidationFailed: Field errors under "current", "password" or "repeat".
    """
    user = session.get(User, actor.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        raise NotFound()
    current = current_password if isinstance(current_password, str) else ""
    new = new_password if isinstance(new_password, str) else ""
    again = repeat if isinstance(repeat, str) else ""
    if login_locked(session, username=user.username):
        raise ValidationFailed({"current": "password_change.locked"})
    if not current or not verify_password(user.password_hash, current[:MAX_LENGTH]):
        record_password_failure(session, username=user.username)
        _audit(session, user, outcome="failed")
        session.commit()  # the failure counts even though the caller rolls back on the error
        raise ValidationFailed({"current": "password_change.current_wrong"})
    problems = password_problems(
        new, personal_words=[user.first_name, user.last_name, user.username]
    )
    if problems:
        raise ValidationFailed({"password": problems[0]})
    if new == current:
        raise ValidationFailed({"password": "password_change.same"})
    if new != again:
        raise ValidationFailed({"repeat": "set_password.mismatch"})
    assert user.id is not None
    now = utcnow()
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    user.updated_at = now
    session.add(user)
    clear_password_failures(session, username=user.username)
    # A reset link requested earlier must not undo the change.
    void_tokens(session, user_id=user.id, purposes=_LINK_PURPOSES)
    ended = revoke_sessions(session, user_id=user.id, keep_raw_token=raw_session_token)
    _audit(session, user, outcome="ok", detail=f"other_sessions_ended={ended}")
    if user.email and user.email_verified_at is not None:
        enqueue_message(
            session,
            password_changed_message(
                lang=user.language, name=user.first_name, username=user.username
            ),
            to_address=user.email,
            organisation_id=user.organisation_id,
            user_id=user.id,
        )
    return user


def _audit(session: Session, user: User, *, outcome: str, detail: str | None = None) -> None:
    record_event(
        session,
        action="password_changed",
        organisation_id=user.organisation_id,
        actor_user_id=user.id,
        target_type="user",
        target_id=user.id,
        outcome=outcome,
        detail=detail,
    )

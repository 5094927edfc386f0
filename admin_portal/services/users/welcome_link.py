"""The welcome mail: a single-use, expiring set-password link sent to the user's address.

One function for every sender (add-and-invite, "Skicka ny inbjudan", restore from the
user bank, a new link asked for from an expired one), so the rules live in one place.

A set-password link goes only to an account that has no password yet (finding A.1):
whoever has one uses "Glömt lösenord?", which needs a verified address. Restore from the
user bank clears the old password first, so it still sends a fresh link (F0.4).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from admin_portal.config import get_settings
from admin_portal.mail.messages import welcome_message
from admin_portal.models import TokenPurpose, User
from admin_portal.services.errors import ServiceError
from admin_portal.services.link_mail import queue_link_mail

ACCOUNT_HAS_PASSWORD_KEY = "users.welcome_has_password"  # noqa: S105 (a message key)


def may_receive_welcome_link(user: User) -> bool:
    """Only an account without a password gets a set-password link."""
    return not user.password_hash


def queue_welcome_mail(session: Session, *, user: User) -> None:
    """Queue the mail in the caller's transaction. Any earlier unused welcome link dies.

    The token remembers the address it was sent to: completing it proves that address
    (see services.auth.set_password_with_link), unless the address changed since.

    Raises:
        ServiceError: ``users.welcome_has_password``: the account already has a password.
    """
    if not may_receive_welcome_link(user):
        raise ServiceError(ACCOUNT_HAS_PASSWORD_KEY)
    queue_link_mail(
        session,
        user=user,
        purpose=TokenPurpose.SET_PASSWORD,
        lifetime=timedelta(hours=get_settings().set_password_link_hours),
        message_for=lambda raw: welcome_message(
            lang=user.language, name=user.first_name, username=user.username, raw_token=raw
        ),
    )

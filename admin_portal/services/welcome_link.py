"""The welcome mail: a single-use, expiring set-password link sent to the user's address.

One function for every sender (add-and-invite, "Skicka ny inbjudan", restore from the
user bank, a new link asked for from an expired one), so the rules live in one place.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from admin_portal.config import get_settings
from admin_portal.mail.messages import welcome_message
from admin_portal.models import TokenPurpose, User
from admin_portal.services.link_mail import queue_link_mail


def queue_welcome_mail(session: Session, *, user: User) -> None:
    """Queue the mail in the caller's transaction. Any earlier unused welcome link dies.

    The token remembers the address it was sent to: completing it proves that address
    (see services.auth.set_password_with_link), unless the address changed since.
    """
    queue_link_mail(
        session,
        user=user,
        purpose=TokenPurpose.SET_PASSWORD,
        lifetime=timedelta(hours=get_settings().set_password_link_hours),
        message_for=lambda raw: welcome_message(
            lang=user.language, name=user.first_name, username=user.username, raw_token=raw
        ),
    )

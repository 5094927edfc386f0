"""F0.3: is a username free, and if not, which of the three reasons applies?"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, select

from admin_portal.auth.permissions import Actor, can_use_user_bank
from admin_portal.models import User, UserStatus
from admin_portal.services.errors import PermissionDenied
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.identifiers import username_key
from admin_portal.validation.names import clean_username


class UsernameVerdict(StrEnum):
    AVAILABLE = "available"
    INVALID = "invalid"
    TAKEN_HERE = "taken_here"  # registered in one of your companies
    TAKEN_ELSEWHERE = "taken_elsewhere"  # another company in the system: never say which
    IN_USER_BANK = "in_user_bank"  # removed from your organisation, kept in the user bank


@dataclass(frozen=True)
class UsernameCheck:
    verdict: UsernameVerdict
    message_key: str
    # Only for head admins, who may open the user bank (F0.3, F0.4).
    bank_user_id: int | None = None


_MESSAGES = {
    UsernameVerdict.AVAILABLE: "username.available",
    UsernameVerdict.TAKEN_HERE: "username.taken_here",
    UsernameVerdict.TAKEN_ELSEWHERE: "username.taken_elsewhere",
}


def check_username(
    session: Session, *, actor: Actor, username: str, exclude_user_id: int | None = None
) -> UsernameCheck:
    """The verdict for a username typed on the add or profile form.

    A username held by another organisation reveals nothing about that account; a banked
    username of the actor's own organisation says so, with a link for head admins.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    try:
        cleaned = clean_username(username if isinstance(username, str) else "")
    except InvalidInput as problem:
        return UsernameCheck(UsernameVerdict.INVALID, problem.key)
    holder = session.exec(select(User).where(User.username_key == username_key(cleaned))).first()
    if holder is None or holder.id == exclude_user_id:
        return UsernameCheck(UsernameVerdict.AVAILABLE, _MESSAGES[UsernameVerdict.AVAILABLE])
    if holder.organisation_id != actor.organisation_id:
        return UsernameCheck(
            UsernameVerdict.TAKEN_ELSEWHERE, _MESSAGES[UsernameVerdict.TAKEN_ELSEWHERE]
        )
    if holder.status == UserStatus.REMOVED:
        if can_use_user_bank(actor):
            return UsernameCheck(
                UsernameVerdict.IN_USER_BANK, "username.in_user_bank_head", holder.id
            )
        return UsernameCheck(UsernameVerdict.IN_USER_BANK, "username.in_user_bank_ask")
    # Same organisation, active: "already registered with you" (the admin's organisation).
    return UsernameCheck(UsernameVerdict.TAKEN_HERE, _MESSAGES[UsernameVerdict.TAKEN_HERE])

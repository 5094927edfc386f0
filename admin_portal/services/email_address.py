"""A user's e-mail address changes in one place, so what hangs on the old one goes with it.

Proof of an address (verified), a bounce recorded for it, and verification links sent to it
all belong to that exact address (F1.1): a different address starts unproven.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import Session, col

from admin_portal.auth.tokens import void_tokens
from admin_portal.models import Token, TokenPurpose, User, utcnow
from admin_portal.validation.identifiers import email_key


def void_verification_links(session: Session, *, user_ids: Sequence[int]) -> None:
    """One UPDATE for many users (an import chunk), before `assign_email(links_voided=True)`."""
    if user_ids:
        session.execute(
            update(Token)
            .where(
                col(Token.user_id).in_(list(user_ids)),
                col(Token.purpose) == TokenPurpose.VERIFY_EMAIL,
                col(Token.used_at).is_(None),
                col(Token.voided_at).is_(None),
            )
            .values(voided_at=utcnow())
        )


def assign_email(
    session: Session, *, user: User, email: str | None, links_voided: bool = False
) -> bool:
    """Give `user` this (already validated and normalised) address, or none.

    Args:
        links_voided: The caller already ran `void_verification_links` for this user.

    Returns:
        True when the address really changed (not only its letter case).
    """
    new_key = email_key(email) if email else None
    if new_key == user.email_key:
        user.email = email  # the same address, perhaps spelled with other capitals
        return False
    if user.id is not None and not links_voided:
        # Before the assignment: this UPDATE autoflushes, and the caller must be the one
        # to flush the new address (its unique constraint decides who got it first).
        void_tokens(session, user_id=user.id, purposes=[TokenPurpose.VERIFY_EMAIL])
    user.email, user.email_key = email, new_key
    user.email_verified_at = None
    user.email_bounced_at = None
    return True

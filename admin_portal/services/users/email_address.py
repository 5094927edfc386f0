"""A user's e-mail address changes in one place, so what hangs on the old one goes with it.

Proof of an address (verified), a bounce recorded for it, and verification links sent to it
all belong to that exact address (F1.1): a different address starts unproven.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text, update
from sqlmodel import Session, col, select

from admin_portal.auth.tokens import void_tokens
from admin_portal.models import Token, TokenPurpose, User, utcnow
from admin_portal.validation.identifiers import email_key


def email_taken_in_company(
    session: Session, *, company_id: int, key: str | None, exclude_user_id: int | None = None
) -> bool:
    """F0.8: does a person of the company (other than `exclude_user_id`) hold this e-mail key?

    Removed (banked) people count too: their address stays theirs, as the database's unique
    constraint on (company_id, email_key) also says.
    """
    if not key:
        return False
    stmt = select(User.id).where(User.company_id == company_id, User.email_key == key)
    if exclude_user_id is not None:
        stmt = stmt.where(User.id != exclude_user_id)
    return session.exec(stmt.limit(1)).first() is not None


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


def assign_new_emails(
    session: Session, *, changes: Sequence[tuple[int, str]], now: datetime
) -> None:
    """What `assign_email` does, for many users in two statements (an import chunk).

    Voids the users' verification links, then sets each user's new (already validated and
    normalised) address, unproven and without a bounce, in one UPDATE (PostgreSQL: one
    statement over arrays; SQLite: an executemany): no ORM objects, so a chunk of thousands
    costs two round trips. Each address must differ from
    the user's current one in its key (the caller checked); the company's unique constraint
    still decides, so a conflict raises IntegrityError for the caller's savepoint.

    Args:
        changes: (user id, new address) pairs.
        now: The users' `updated_at`.
    """
    if not changes:
        return
    void_verification_links(session, user_ids=[user_id for user_id, _ in changes])
    table: Any = User.__table__  # type: ignore[attr-defined]
    if session.connection().dialect.name == "postgresql":
        # One statement for the chunk, the pairs passed as three arrays: an executemany
        # costs the server a bind and an executor start per row (about a third of the
        # chunk's UPDATE at 5,000 rows); SQLite's per-row statement is cheap in-process.
        # In id order: a file comes in name order, and visiting the table's pages and its
        # primary key in physical order costs about a quarter less than at random.
        ordered = sorted(changes)
        session.execute(
            text(
                "UPDATE users SET email = v.email, email_key = v.email_key, "
                "email_verified_at = NULL, email_bounced_at = NULL, updated_at = :now "
                "FROM unnest(CAST(:ids AS integer[]), CAST(:emails AS text[]), "
                "CAST(:keys AS text[])) AS v(id, email, email_key) WHERE users.id = v.id"
            ),
            {
                "ids": [user_id for user_id, _ in ordered],
                "emails": [email for _, email in ordered],
                "keys": [email_key(email) for _, email in ordered],
                "now": now,
            },
        )
        return
    session.execute(
        update(table)
        .where(table.c.id == bindparam("target_id"))
        .values(
            email=bindparam("new_email"),
            email_key=bindparam("new_key"),
            email_verified_at=None,
            email_bounced_at=None,
            updated_at=bindparam("now"),
        ),
        [
            {"target_id": user_id, "new_email": email, "new_key": email_key(email), "now": now}
            for user_id, email in changes
        ],
    )

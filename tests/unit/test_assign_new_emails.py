"""`assign_new_emails`: the import's bulk form of `assign_email` leaves exactly what it does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from admin_portal.models import Token, TokenPurpose, User, utcnow
from admin_portal.services.users.email_address import assign_email, assign_new_emails
from tests.support.factories import make_company, make_org, make_user


def _link(session: Session, user: User, purpose: str) -> Token:
    token = Token(
        user_id=user.id,
        purpose=purpose,
        token_hash=f"{purpose}{user.id}".ljust(64, "x"),
        expires_at=utcnow() + timedelta(days=1),
    )
    session.add(token)
    return token


def test_many_users_get_what_assign_email_gives_one(session: Session) -> None:
    company = make_company(session, make_org(session))
    bulk = [make_user(session, company, email=f"old{i}@example.se") for i in range(3)]
    single = make_user(session, company, email="old-single@example.se")
    bystander = make_user(session, company, email="stays@example.se", verified=True)
    for user in (*bulk, single):
        user.email_bounced_at = utcnow()
    links = {u.id: _link(session, u, TokenPurpose.VERIFY_EMAIL) for u in (*bulk, single)}
    reset = _link(session, bulk[0], TokenPurpose.RESET_PASSWORD)
    bystander_link = _link(session, bystander, TokenPurpose.VERIFY_EMAIL)
    session.commit()
    now = utcnow()

    assign_new_emails(
        session, changes=[(u.id, f"New{i}@Example.se") for i, u in enumerate(bulk)], now=now
    )
    assign_email(session, user=single, email="New-single@Example.se")
    session.commit()
    session.expire_all()

    expected = {(f"New{i}@Example.se", f"new{i}@example.se", None, None) for i in range(len(bulk))}
    got = {
        (u.email, u.email_key, u.email_verified_at, u.email_bounced_at)
        for u in (session.get(User, b.id) for b in bulk)
    }
    assert got == expected
    one = session.get(User, single.id)
    assert (one.email_key, one.email_verified_at, one.email_bounced_at) == (
        "new-single@example.se",
        None,
        None,
    )
    assert all(session.get(User, u.id).updated_at == now for u in bulk)
    # The old addresses' verification links die, as with assign_email; nothing else does.
    assert all(session.get(Token, t.id).voided_at is not None for t in links.values())
    assert session.get(Token, reset.id).voided_at is None
    assert session.get(Token, bystander_link.id).voided_at is None
    assert session.get(User, bystander.id).email == "stays@example.se"


def test_an_address_taken_in_the_company_is_refused_by_the_constraint(session: Session) -> None:
    company = make_company(session, make_org(session))
    holder = make_user(session, company, email="taken@example.se")
    other = make_user(session, company)
    session.commit()
    with pytest.raises(IntegrityError), session.begin_nested():
        assign_new_emails(session, changes=[(other.id, "Taken@example.se")], now=utcnow())
    session.rollback()
    assert session.get(User, other.id).email is None
    assert session.get(User, holder.id).email == "taken@example.se"

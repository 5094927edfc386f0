"""The brukare picker finds Swedish names whatever the case of å, ä, ö."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from admin_portal.auth.permissions import load_actor
from admin_portal.models import Role, UserType
from admin_portal.services.users.profile import find_brukare
from tests.support.factories import grant, make_company, make_org, make_user


@pytest.mark.parametrize("typed", ["åsa", "ÅSA", "öberg", "ÖBERG", "Åsa Öb", "asa.ob"])
def test_find_brukare_matches_swedish_letters_in_any_case(session: Session, typed: str) -> None:
    company = make_company(session, make_org(session))
    head = make_user(session, company, username="chefen")
    grant(session, head, Role.HEAD_ADMIN)
    make_user(
        session,
        company,
        username="asa.oberg",
        first_name="Åsa",
        last_name="Öberg",
        user_type=UserType.BRUKARE,
    )
    make_user(
        session,
        company,
        username="annan",
        first_name="Anna",
        last_name="Berg",
        user_type=UserType.BRUKARE,
    )
    session.commit()

    options = find_brukare(session, actor=load_actor(session, head.id), text=typed)

    assert [o.label for o in options] == ["Åsa Öberg (asa.oberg)"]

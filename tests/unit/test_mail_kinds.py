"""Every kind of mail has a name in both languages, and no unnamed kind reaches the outbox."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import Session, select

from admin_portal.i18n import EN, SV
from admin_portal.mail.kinds import MAIL_KINDS
from admin_portal.mail.messages import Message
from admin_portal.mail.outbox import enqueue_message
from admin_portal.models import OutboxMessage

SOURCE = Path(__file__).resolve().parents[2] / "admin_portal"


@pytest.mark.parametrize("kind", MAIL_KINDS)
def test_each_kind_has_a_name_in_both_languages(kind: str) -> None:
    key = f"mail_kind.{kind}"
    assert key in SV and key in EN
    assert SV[key] != EN[key] or SV[key] == "Inbjudan"  # the two languages are written apart
    assert kind not in (SV[key], EN[key])  # a name, not the code


def test_every_kind_written_in_the_code_is_named() -> None:
    written: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        written.update(re.findall(r'\bkind="([a-z_]+)"', text))
        written.update(re.findall(r'^[A-Z_]*_KIND = "([a-z_]+)"', text, flags=re.MULTILINE))
    # Other things have kinds too (own contact details, job kinds): only mail counts here.
    mail_like = written - {"email", "mobile"}
    assert mail_like <= set(MAIL_KINDS), sorted(mail_like - set(MAIL_KINDS))
    assert len(mail_like & set(MAIL_KINDS)) >= 8  # the scan found the mail builders


def test_an_unnamed_kind_is_refused_at_the_outbox(session: Session) -> None:
    message = Message(kind="mystery", language="sv", subject="Hej", html="<p>hej</p>", text="hej")
    with pytest.raises(ValueError, match="mystery"):
        enqueue_message(
            session, message, to_address="a@example.org", organisation_id=None, user_id=None
        )
    assert session.exec(select(OutboxMessage)).all() == []

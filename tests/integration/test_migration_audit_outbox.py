"""Migration 0013 on existing rows: audit events learn their person, sent mail loses its link."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from admin_portal.db import make_engine
from tests.integration.test_migrations import alembic_config, empty_db_url  # noqa: F401

_OLD_AUDIT = (
    "INSERT INTO audit_events (organisation_id, actor_user_id, action, target_type, target_id,"
    " outcome, created_at) VALUES (NULL, NULL, :action, :type, :target, 'ok',"
    " '2026-01-01 00:00:00')"
)
_OLD_MAIL = (
    "INSERT INTO outbox_messages (kind, language, to_address, subject, html_body, text_body,"
    " status, attempts, next_attempt_at, created_at) VALUES (:kind, 'sv', 'a@example.se', 's',"
    " :body, :body, :status, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
)


def test_existing_rows_are_brought_under_the_new_rules(empty_db_url: str) -> None:  # noqa: F811
    cfg = alembic_config(empty_db_url)
    command.upgrade(cfg, "0008")
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            for action, kind, target in [
                ("login", "user", "17"),
                ("invitation_revoked", "invitation", "5"),
                ("login", "user", "not-a-number"),
            ]:
                conn.execute(text(_OLD_AUDIT), {"action": action, "type": kind, "target": target})
            for kind, status in [
                ("welcome", "sent"),
                ("welcome", "local"),
                ("support_case", "local"),
            ]:
                conn.execute(
                    text(_OLD_MAIL), {"kind": kind, "status": status, "body": "?token=secret"}
                )
        command.upgrade(cfg, "0013")
        with engine.connect() as conn:
            audit = conn.execute(
                text("SELECT target_id, target_user_id FROM audit_events ORDER BY id")
            ).all()
            mail = conn.execute(
                text(
                    "SELECT kind, status, text_body, html_body, link_expires_at IS NOT NULL"
                    " FROM outbox_messages ORDER BY id"
                )
            ).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in audit] == [("17", 17), ("5", None), ("not-a-number", None)]
    assert [tuple(row) for row in mail] == [
        ("welcome", "sent", "[redacted]", "[redacted]", False),
        ("welcome", "local", "?token=secret", "?token=secret", True),  # blanked by the worker
        ("support_case", "local", "?token=secret", "?token=secret", False),  # no link kind
    ]

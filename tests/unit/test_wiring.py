"""The composition root wires every job kind, and the mail layer knows no capability."""

from __future__ import annotations

import ast
from pathlib import Path

import admin_portal.mail
from admin_portal import wiring
from admin_portal.mail.outcomes import installed_delivery_hooks
from admin_portal.models import JobKind
from admin_portal.services.invitations import delivery as invitation_delivery
from admin_portal.services.users import bounces as email_bounces


def test_every_job_kind_has_its_step() -> None:
    assert set(wiring.JOB_STEPS) == {kind.value for kind in JobKind}


def test_the_delivery_hooks_are_installed_in_order() -> None:
    wiring.install()
    assert installed_delivery_hooks() == (
        email_bounces.mark_bounced,
        invitation_delivery.advance_invitations,
    )


def test_the_mail_layer_names_neither_invitations_nor_users() -> None:
    folder = Path(admin_portal.mail.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("admin_portal"):
                names = {alias.name for alias in node.names}
                assert not names & {"Invitation", "InvitationStatus", "User"}, path.name
                assert not (node.module or "").startswith("admin_portal.services"), path.name

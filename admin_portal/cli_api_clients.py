"""`python -m admin_portal.cli api-client create`: the secret on stdout, everything else on stderr."""

from __future__ import annotations

import sys

from sqlmodel import select

from admin_portal.auth.permissions import load_actor
from admin_portal.db import session_scope
from admin_portal.models import Organisation
from admin_portal.services.api_clients import create_api_client
from admin_portal.services.api_clients.credentials import owner_for_cli
from admin_portal.services.errors import ServiceError


def create_from_cli(*, organisation: str, name: str, scopes: list[str]) -> int:
    """The client is owned by the organisation's first head administrator (see the README)."""
    with session_scope() as session:
        orgs = session.exec(select(Organisation).where(Organisation.name == organisation)).all()
        if len(orgs) != 1 or orgs[0].id is None:
            print(f"No single organisation named {organisation!r}.", file=sys.stderr)
            return 2
        owner = owner_for_cli(session, organisation_id=orgs[0].id)
        actor = load_actor(session, owner) if owner is not None else None
        if actor is None or not actor.is_head_admin:
            print("The organisation has no active head administrator.", file=sys.stderr)
            return 2
        try:
            created = create_api_client(session, actor=actor, name=name, scopes=scopes)
        except ServiceError as error:
            print(f"Refused: {error.key}", file=sys.stderr)
            return 2
    print(created.secret)
    return 0

"""`python -m admin_portal.cli api-client create`: the secret, and only the secret, on stdout."""

from __future__ import annotations

import pytest
from sqlmodel import select

from admin_portal import cli, db
from admin_portal.models import ApiClient, Role
from admin_portal.services.api_clients import authenticate_api_client
from tests.support.factories import grant, make_company, make_org, make_user


@pytest.fixture
def app_db(app_db: None) -> None:
    """The shared app database (tests/conftest.py) with one organisation and its head admin."""
    with db.session_scope() as session:
        company = make_company(session, make_org(session, "Omsorg AB"))
        head = make_user(session, company, username="head")
        grant(session, head, Role.HEAD_ADMIN)


def test_create_prints_only_the_secret(app_db: None, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["api-client", "create", "--organisation", "Omsorg AB", "--name", "Entra"]
    assert cli.main([*argv, "--scope", "scim", "--scope", "users:read"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("apc_")
    with db.session_scope() as session:
        client = authenticate_api_client(session, raw_secret=out.strip())
        assert client is not None and client.scope_set == {"scim", "users:read"}
        assert client.secret_hash != out.strip()


def test_unknown_organisation_prints_nothing_on_stdout(
    app_db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["api-client", "create", "--organisation", "Ingen", "--name", "x", "--scope", "scim"]
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Ingen" in captured.err
    with db.session_scope() as session:
        assert session.exec(select(ApiClient)).first() is None

"""`python -m admin_portal.cli api-client create`: the secret, and only the secret, on stdout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import SQLModel, select

from admin_portal import cli, db
from admin_portal.config import get_settings
from admin_portal.models import ApiClient, Role
from admin_portal.services.api_clients import authenticate_api_client
from tests.support.factories import grant, make_company, make_org, make_user


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ADMIN_PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    SQLModel.metadata.create_all(db.get_engine())
    with db.session_scope() as session:
        company = make_company(session, make_org(session, "Omsorg AB"))
        head = make_user(session, company, username="head")
        grant(session, head, Role.HEAD_ADMIN)
    yield
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    get_settings.cache_clear()


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

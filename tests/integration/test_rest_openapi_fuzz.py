"""schemathesis against /api/v1/openapi.json: no input makes the REST API answer 5xx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import BaseSchema
from schemathesis.checks import not_a_server_error
from sqlmodel import SQLModel
from starlette.applications import Starlette

from admin_portal import db
from admin_portal.api.rest.routes import rest_routes
from admin_portal.auth.permissions import load_actor
from admin_portal.config import get_settings
from admin_portal.models import Role
from admin_portal.services.api_clients import create_api_client
from admin_portal.services.auth.rate_limits import reset_rate_limits
from tests.support.factories import grant, make_company, make_org, make_unit, make_user

_SECRET: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BaseSchema]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADMIN_PORTAL_DATABASE_URL", f"sqlite:///{path}")
        mp.setenv("ADMIN_PORTAL_API_RATE_LIMIT_PER_CLIENT", "100000/minute")
        get_settings.cache_clear()
        db.get_engine.cache_clear()
        SQLModel.metadata.create_all(db.get_engine())
        reset_rate_limits()
        with db.session_scope() as session:
            org = make_org(session)
            company = make_company(session, org)
            unit = make_unit(session, company)
            head = make_user(session, company, username="head")
            grant(session, head, Role.HEAD_ADMIN)
            for n in range(5):
                make_user(session, company, username=f"p{n}", email=f"p{n}@example.se", unit=unit)
            actor = load_actor(session, head.id)
            assert actor is not None
            created = create_api_client(
                session, actor=actor, name="fuzz", scopes=["users:read", "users:write"]
            )
            _SECRET["value"] = created.secret
        app = Starlette(routes=rest_routes)
        yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        db.get_engine().dispose()
        db.get_engine.cache_clear()
    get_settings.cache_clear()


def test_no_input_makes_a_server_error(api_schema: BaseSchema) -> None:
    # Each operation of the document, with generated (valid and invalid) inputs. Driven
    # by hypothesis directly: schemathesis' pytest plugin does not run under pytest 9.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14
    headers = {"Authorization": f"Bearer {_SECRET['value']}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        check()

"""The REST routes, mounted under /api/v1 (one Mount: one row in the handler table)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from admin_portal.api.rest import actions, agents, users
from admin_portal.api.rest.common import error, language_of
from admin_portal.api.rest.openapi import openapi_json

REST_PREFIX = "/api/v1"


async def _not_found(request: Request) -> Response:
    return error(404, "error.not_found", language_of(request))


rest_routes = [
    Mount(
        REST_PREFIX,
        routes=[
            Route("/openapi.json", openapi_json, methods=["GET"]),
            Route("/users", users.list_users, methods=["GET"]),
            Route("/users", users.create, methods=["POST"]),
            Route("/users/{user_id}", users.get_user, methods=["GET"]),
            Route("/users/{user_id}", users.update, methods=["PATCH"]),
            Route("/users/{user_id}", users.remove, methods=["DELETE"]),
            Route("/users/{user_id}/restore", users.restore, methods=["POST"]),
            Route("/users/{user_id}/verification", actions.verify_one, methods=["POST"]),
            Route("/verification/bulk", actions.verify_bulk, methods=["POST"]),
            Route("/jobs/{job_id}", actions.job, methods=["GET"]),
            Route("/invitations", actions.invite, methods=["POST"]),
            Route("/invitations/{invitation_id}/resend", actions.resend, methods=["POST"]),
            Route("/invitations/{invitation_id}/revoke", actions.revoke, methods=["POST"]),
            Route("/units", actions.units, methods=["GET"]),
            Route("/units/{unit_id}", actions.unit, methods=["GET"]),
            Route("/agents/{agent_id}", agents.update_agent, methods=["PATCH"]),
            Route("/telephony/queue", agents.telephony_queue, methods=["POST"]),
            Route("/{rest:path}", _not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ],
    )
]

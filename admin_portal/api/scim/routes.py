"""The SCIM routes, mounted under /scim/v2 (one Mount: one row in the handler table)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from admin_portal.api.scim import discovery, groups, users
from admin_portal.api.scim.errors import scim_error

SCIM_PREFIX = "/scim/v2"


async def _not_found(request: Request) -> Response:
    return scim_error(404, "Unknown SCIM endpoint.")


scim_routes = [
    Mount(
        SCIM_PREFIX,
        routes=[
            Route("/ServiceProviderConfig", discovery.service_provider_config, methods=["GET"]),
            Route("/ResourceTypes", discovery.resource_types, methods=["GET"]),
            Route("/ResourceTypes/{item_id}", discovery.resource_types, methods=["GET"]),
            Route("/Schemas", discovery.schemas, methods=["GET"]),
            Route("/Schemas/{item_id}", discovery.schemas, methods=["GET"]),
            Route("/Users", users.list_users, methods=["GET"]),
            Route("/Users", users.create_user, methods=["POST"]),
            Route("/Users/{user_id}", users.get_user, methods=["GET"]),
            Route("/Users/{user_id}", users.replace_user, methods=["PUT"]),
            Route("/Users/{user_id}", users.patch_user, methods=["PATCH"]),
            Route("/Users/{user_id}", users.delete_user, methods=["DELETE"]),
            Route("/Groups", groups.list_groups, methods=["GET"]),
            Route("/Groups/{group_id}", groups.get_group, methods=["GET"]),
            Route("/{rest:path}", _not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ],
    )
]

"""The SCIM routes, mounted under /scim/v2 (one Mount: one row in the handler table)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from admin_portal.api.scim import bulk, discovery, groups, users
from admin_portal.api.scim.errors import scim_error

SCIM_PREFIX = "/scim/v2"
Endpoint = Callable[[Request], Awaitable[Response]]


async def _not_found(request: Request) -> Response:
    return scim_error(404, "Unknown SCIM endpoint.")


_ALL = ("GET", "POST", "PUT", "PATCH", "DELETE")


async def _not_allowed(request: Request) -> Response:
    return scim_error(405, "Method not allowed here.")


def _with_405(routes: list[tuple[str, str, Endpoint]]) -> list[Route]:
    """The routes, then per path one route answering every other method with a SCIM 405."""
    result = [Route(path, endpoint, methods=[method]) for path, method, endpoint in routes]
    methods: dict[str, set[str]] = {}
    for path, method, _ in routes:
        methods.setdefault(path, set()).add(method)
    for path, used in methods.items():
        others = [m for m in _ALL if m not in used]
        if others:
            result.append(Route(path, _not_allowed, methods=others))
    return result


scim_routes = [
    Mount(
        SCIM_PREFIX,
        routes=[
            *_with_405(
                [
                    ("/ServiceProviderConfig", "GET", discovery.service_provider_config),
                    ("/ResourceTypes", "GET", discovery.resource_types),
                    ("/ResourceTypes/{item_id}", "GET", discovery.resource_types),
                    ("/Schemas", "GET", discovery.schemas),
                    ("/Schemas/{item_id}", "GET", discovery.schemas),
                    ("/Users", "GET", users.list_users),
                    ("/Users", "POST", users.create_user),
                    ("/Users/.search", "POST", users.search_users),
                    # The root search covers every resource type; Users is the one searched.
                    ("/.search", "POST", users.search_users),
                    ("/Users/{user_id}", "GET", users.get_user),
                    ("/Users/{user_id}", "PUT", users.replace_user),
                    ("/Users/{user_id}", "PATCH", users.patch_user),
                    ("/Users/{user_id}", "DELETE", users.delete_user),
                    ("/Groups", "GET", groups.list_groups),
                    ("/Groups", "POST", groups.create_group),
                    ("/Groups/{group_id}", "GET", groups.get_group),
                    ("/Groups/{group_id}", "PUT", groups.replace_group),
                    ("/Groups/{group_id}", "PATCH", groups.patch_group),
                    ("/Bulk", "POST", bulk.bulk),
                ]
            ),
            Route("/{rest:path}", _not_found, methods=list(_ALL)),
        ],
    )
]

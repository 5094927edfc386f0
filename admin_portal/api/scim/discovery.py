"""/scim/v2 discovery: ServiceProviderConfig, ResourceTypes, Schemas (RFC 7644 §4)."""

from __future__ import annotations

from typing import Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Meta,
    Mutability,
    Patch,
    ResourceType,
    ServiceProviderConfig,
    Sort,
)
from starlette.requests import Request
from starlette.responses import Response

from admin_portal.api.machine import Call, respond
from admin_portal.api.scim.bulk import MAX_OPERATIONS
from admin_portal.api.scim.errors import STYLE, scim_error, scim_json
from admin_portal.api.scim.users import SCOPE, UserResource, base_url
from admin_portal.config import get_settings
from admin_portal.services.api_clients.scim_search import COUNT_MAX

_LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


def _config() -> dict[str, Any]:
    config = ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(
            supported=True,
            max_operations=MAX_OPERATIONS,
            max_payload_size=get_settings().api_max_body_bytes,
        ),
        filter=Filter(supported=True, max_results=COUNT_MAX),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=True),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="The secret of an API client with the scim scope.",
                primary=True,
            )
        ],
        meta=Meta(
            resource_type="ServiceProviderConfig", location=f"{base_url()}/ServiceProviderConfig"
        ),
    )
    return config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)


def _resource_types() -> list[dict[str, Any]]:
    result = []
    for model in (UserResource, Group):
        rt = ResourceType.from_resource(model)
        rt.meta = Meta(resource_type="ResourceType", location=f"{base_url()}/ResourceTypes/{rt.id}")
        result.append(rt.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return result


# What the portal keeps (README): the published schemas list only these, so a client (and
# scim2-tester) knows what a write is kept. Other RFC 7643 attributes are accepted and
# ignored, as Entra ID and Okta expect; an attribute of no schema at all is refused.
_KEPT: dict[str, set[str]] = {
    "User": {
        "userName",
        "name",
        "displayName",
        "preferredLanguage",
        "active",
        "emails",
        "phoneNumbers",
    },
    "EnterpriseUser": {"employeeNumber", "organization", "department"},
    "Group": {"displayName", "members"},
}
_NAME_PARTS = {"givenName", "familyName", "formatted"}
# Set by the portal's own placement and numbering: an arbitrary value cannot be kept.
_READ_ONLY = {
    "employeeNumber",
    "organization",
    "department",
    "displayName",
    "phoneNumbers",
}
# A Group's name and members are written (services/api_clients/scim_groups.py).


def _reduced(schema: Any) -> Any:
    kept = _KEPT[schema.name] if schema.name in _KEPT else _KEPT["User"]
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name not in kept:
            continue
        if attribute.name == "name" and attribute.sub_attributes:
            attribute.sub_attributes = [
                a for a in attribute.sub_attributes if a.name in _NAME_PARTS
            ]
            for part in attribute.sub_attributes:
                if part.name == "formatted":  # given + family, derived
                    part.mutability = Mutability.read_only
        if attribute.name in _READ_ONLY and schema.name != "Group":
            attribute.mutability = Mutability.read_only
        attributes.append(attribute)
    schema.attributes = attributes
    return schema


def _schemas() -> list[dict[str, Any]]:
    result = []
    for model in (UserResource, EnterpriseUser, Group):
        schema = _reduced(model.to_schema())
        schema.meta = Meta(resource_type="Schema", location=f"{base_url()}/Schemas/{schema.id}")
        result.append(schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return result


def _list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": [_LIST],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": items,
    }


async def service_provider_config(request: Request) -> Response:
    return await respond(
        request,
        scope=SCOPE,
        name="scim.service_provider_config",
        work=lambda _call: scim_json(_config()),
        style=STYLE,
    )


def _one_or_list(request: Request, items: list[dict[str, Any]]) -> Response:
    wanted = request.path_params.get("item_id")
    if wanted is None:
        return scim_json(_list(items))
    for item in items:
        if item.get("id") == wanted:
            return scim_json(item)
    return scim_error(404, "Unknown id.")


async def resource_types(request: Request) -> Response:
    def work(_call: Call) -> Response:
        return _one_or_list(request, _resource_types())

    return await respond(request, scope=SCOPE, name="scim.resource_types", work=work, style=STYLE)


async def schemas(request: Request) -> Response:
    def work(_call: Call) -> Response:
        return _one_or_list(request, _schemas())

    return await respond(request, scope=SCOPE, name="scim.schemas", work=work, style=STYLE)

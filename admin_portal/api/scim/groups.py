"""/scim/v2/Groups: the organisation's units, read only (user groups come later)."""

from __future__ import annotations

from typing import Any

from scim2_models import Context, Group, GroupMember, Meta, SCIMException, ScimFilter
from scim2_models.path.expressions import CompareOperator, Comparison
from starlette.requests import Request
from starlette.responses import Response

from admin_portal.api.machine import Call, respond
from admin_portal.api.scim.errors import STYLE, scim_error, scim_json
from admin_portal.api.scim.users import SCOPE, _dump, _int_param, base_url
from admin_portal.services.api_clients.scim_search import BadFilter
from admin_portal.services.api_clients.units import UnitView, get_unit, list_units


def to_group(view: UnitView) -> Any:
    return Group(
        id=str(view.id),
        display_name=view.name,
        members=[
            GroupMember(value=str(uid), display=name, ref=f"{base_url()}/Users/{uid}", type="User")
            for uid, name in zip(view.member_ids, view.member_names, strict=True)
        ]
        or None,
        meta=Meta(resource_type="Group", location=f"{base_url()}/Groups/{view.id}"),
    )


def _name_filter(raw: str | None) -> str | None:
    """Only `displayName eq "..."` is supported on Groups (what Entra and Okta send)."""
    if not raw:
        return None
    try:
        node = ScimFilter[Group](raw).ast  # type: ignore[misc]
    except (SCIMException, ValueError, TypeError):
        raise BadFilter() from None
    if (
        isinstance(node, Comparison)
        and node.attr_path.attr == "displayName"
        and node.op is CompareOperator.eq
        and isinstance(node.value, str)
    ):
        return node.value
    raise BadFilter()


async def list_groups(request: Request) -> Response:
    def work(call: Call) -> Response:
        start = _int_param(request, "startIndex", 1)
        count = _int_param(request, "count", 100)
        if start is None or count is None:
            return scim_error(400, "startIndex and count are integers.", "invalidValue")
        name = _name_filter(request.query_params.get("filter"))
        total, units = list_units(
            call.session, actor=call.actor, name=name, start_index=start, count=count
        )
        groups = [to_group(u) for u in units]
        return scim_json(
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": total,
                "startIndex": max(1, start),
                "itemsPerPage": len(groups),
                "Resources": [_dump(g, request) for g in groups],
            }
        )

    return await respond(request, scope=SCOPE, name="scim.groups.list", work=work, style=STYLE)


async def get_group(request: Request) -> Response:
    def work(call: Call) -> Response:
        raw = request.path_params.get("group_id", "")
        unit_id = int(raw) if raw.isdigit() and len(raw) < 19 else None
        excluded = request.query_params.get("excludedAttributes", "")
        view = get_unit(
            call.session, actor=call.actor, unit_id=unit_id, members="members" not in excluded
        )
        return scim_json(_dump(to_group(view), request))

    return await respond(request, scope=SCOPE, name="scim.groups.get", work=work, style=STYLE)


def group_dump(group: Any) -> dict[str, Any]:
    return group.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)

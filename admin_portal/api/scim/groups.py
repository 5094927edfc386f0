"""/scim/v2/Groups: the organisation's units (user groups come later).

Reads: list (displayName eq), get. Writes (services/api_clients/scim_groups.py): POST
makes a unit, PATCH renames it and adds/removes members (placing users in the unit or
taking them out), PUT sets name and members. meta.version / ETag and If-Match as for
Users (etags.py). DELETE is not offered (405).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from scim2_models import (
    Context,
    Group,
    GroupMember,
    Meta,
    PatchOp,
    SCIMException,
    ScimFilter,
)
from scim2_models.path.expressions import CompareOperator, Comparison
from starlette.requests import Request
from starlette.responses import Response

from admin_portal.api.machine import ApiRefusal, Call, json_body, respond
from admin_portal.api.scim.errors import STYLE, scim_error, scim_json
from admin_portal.api.scim.etags import check_if_match, not_modified, weak_etag
from admin_portal.api.scim.users import SCOPE, _dump, _int_param, _validation_error, base_url
from admin_portal.services.api_clients.scim_groups import scim_create_group, scim_update_group
from admin_portal.services.api_clients.scim_search import BadFilter
from admin_portal.services.api_clients.units import UnitView, get_unit, list_units


def group_version(view: UnitView) -> str:
    """meta.version of a Group: its name and members (etags.py)."""
    return weak_etag((view.name, ",".join(str(i) for i in view.member_ids)))


def to_group(view: UnitView) -> Any:
    return Group(
        id=str(view.id),
        display_name=view.name,
        members=[
            GroupMember(value=str(uid), display=name, ref=f"{base_url()}/Users/{uid}", type="User")  # type: ignore[arg-type]
            for uid, name in zip(view.member_ids, view.member_names, strict=True)
        ]
        or None,
        meta=Meta(
            resource_type="Group",
            location=f"{base_url()}/Groups/{view.id}",
            version=group_version(view),
        ),
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


def _group_id(request: Request) -> int | None:
    raw = str(request.path_params.get("group_id", ""))
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _view(call: Call, unit_id: object, *, members: bool = True) -> UnitView:
    return get_unit(call.session, actor=call.actor, unit_id=unit_id, members=members)


def _answer(request: Request, view: UnitView, status: int = 200, **headers: str) -> Response:
    body = _dump(to_group(view), request)
    return scim_json(body, status, {"ETag": group_version(view), **headers})


def get_group_work(request: Request, call: Call) -> Response:
    excluded = request.query_params.get("excludedAttributes", "")
    view = _view(call, _group_id(request), members="members" not in excluded)
    if not_modified(request, group_version(view)):
        return Response(status_code=304, headers={"ETag": group_version(view)})
    return _answer(request, view)


async def get_group(request: Request) -> Response:
    return await respond(
        request,
        scope=SCOPE,
        name="scim.groups.get",
        work=lambda call: get_group_work(request, call),
        style=STYLE,
    )


def _parse_group(call: Call, context: Context) -> Any:
    payload = json_body(call.body)
    if not isinstance(payload, dict):
        return scim_error(400, "A SCIM Group object is expected.", "invalidSyntax")
    try:
        return Group.model_validate(payload, scim_ctx=context)
    except ValidationError as error:
        return _validation_error(error)


def _member_values(group: Any) -> list[object]:
    return [m.value for m in (group.members or []) if m.value is not None]


def create_group_work(request: Request, call: Call) -> Response:
    parsed = _parse_group(call, Context.RESOURCE_CREATION_REQUEST)
    if isinstance(parsed, Response):
        return parsed
    unit_id = scim_create_group(
        call.session, actor=call.actor, name=parsed.display_name, members=_member_values(parsed)
    )
    view = _view(call, unit_id)
    return _answer(request, view, 201, Location=f"{base_url()}/Groups/{unit_id}")


async def create_group(request: Request) -> Response:
    return await respond(
        request,
        scope=SCOPE,
        name="scim.groups.create",
        work=lambda call: create_group_work(request, call),
        style=STYLE,
    )


def _current(request: Request, call: Call) -> UnitView:
    view = _view(call, _group_id(request))
    check_if_match(request, group_version(view))
    return view


def replace_group_work(request: Request, call: Call) -> Response:
    parsed = _parse_group(call, Context.RESOURCE_REPLACEMENT_REQUEST)
    if isinstance(parsed, Response):
        return parsed
    unit_id = _group_id(request)
    _current(request, call)
    scim_update_group(
        call.session,
        actor=call.actor,
        unit_id=unit_id,
        name=parsed.display_name,
        replace_members=_member_values(parsed),
    )
    return _answer(request, _view(call, unit_id))


async def replace_group(request: Request) -> Response:
    return await respond(
        request,
        scope=SCOPE,
        name="scim.groups.replace",
        work=lambda call: replace_group_work(request, call),
        style=STYLE,
    )


# `members[value eq "42"]`: the one value filter Entra and Okta send to remove a member.
_MEMBER_FILTER = re.compile(r'^members\[\s*value\s+eq\s+"([^"]*)"\s*\]$', re.IGNORECASE)


def _values(value: object) -> list[object]:
    items = value if isinstance(value, list) else [value] if value is not None else []
    found = []
    for item in items:
        if isinstance(item, dict) and "value" in item:
            found.append(item["value"])
        else:
            raise ApiRefusal(400, "api.invalid_input", "invalidValue")
    return found


def patch_group_work(request: Request, call: Call) -> Response:
    payload = json_body(call.body)
    # Entra ID removes members with `{"op": "remove", "path": "members", "value": [...]}`,
    # which RFC 7644 (and so scim2-models) does not allow: the values are taken aside and
    # the rest validated.
    removed_values: dict[int, object] = {}
    checked = payload
    if isinstance(payload, dict) and isinstance(payload.get("Operations"), list):
        operations = []
        for index, raw in enumerate(payload["Operations"]):
            if (
                isinstance(raw, dict)
                and str(raw.get("op", "")).lower() == "remove"
                and str(raw.get("path", "")).strip().lower() == "members"
                and raw.get("value") is not None
            ):
                removed_values[index] = raw["value"]
                raw = {k: v for k, v in raw.items() if k != "value"}
            operations.append(raw)
        checked = {**payload, "Operations": operations}
    try:
        patch = PatchOp[Group].model_validate(  # type: ignore[misc]
            checked, scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
    except ValidationError as error:
        return _validation_error(error)
    unit_id = _group_id(request)
    _current(request, call)
    name: object = None
    add: list[object] = []
    remove: list[object] = []
    replace_members: list[object] | None = None
    for index, operation in enumerate(patch.operations or []):
        op = str(getattr(operation.op, "value", operation.op)).lower()
        path = (operation.path or "").strip()
        value = removed_values.get(index, operation.value)
        if not path and isinstance(value, dict):  # {"op": "replace", "value": {...}}
            for key, item in value.items():
                if key.lower() == "displayname":
                    name = item
                elif key.lower() == "members":
                    if op == "add":
                        add += _values(item)
                    else:
                        replace_members = _values(item)
                else:
                    return scim_error(400, f"{key} cannot be changed here.", "invalidPath")
        elif path.lower() == "displayname" and op in ("add", "replace"):
            name = value
        elif path.lower() == "members":
            if op == "add":
                add += _values(value)
            elif op == "replace":
                replace_members = _values(value)
            elif value is None:  # remove every member
                replace_members = []
            else:  # Entra: remove with a value list
                remove += _values(value)
        elif op == "remove" and (match := _MEMBER_FILTER.match(path)):
            remove.append(match.group(1))
        else:
            return scim_error(400, f"Unsupported path: {path}", "invalidPath")
    scim_update_group(
        call.session,
        actor=call.actor,
        unit_id=unit_id,
        name=name,
        add=add,
        remove=remove,
        replace_members=replace_members,
    )
    return _answer(request, _view(call, unit_id))


async def patch_group(request: Request) -> Response:
    return await respond(
        request,
        scope=SCOPE,
        name="scim.groups.patch",
        work=lambda call: patch_group_work(request, call),
        style=STYLE,
    )


def group_dump(group: Any) -> dict[str, Any]:
    return group.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)

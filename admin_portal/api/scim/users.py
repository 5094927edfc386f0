"""/scim/v2/Users: list with filter and paging, get, create, replace, patch, delete."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from scim2_models import (
    Context,
    Email,
    EnterpriseUser,
    Error,
    ListResponse,
    Meta,
    Name,
    PatchOp,
    PhoneNumber,
    ResponseParameters,
    SCIMException,
    ScimFilter,
    User,
)
from starlette.requests import Request
from starlette.responses import Response

from admin_portal.api.machine import ApiRefusal, Call, json_body, respond
from admin_portal.api.scim.errors import STYLE, scim_error, scim_json
from admin_portal.api.scim.etags import check_if_match, not_modified, weak_etag
from admin_portal.config import get_settings
from admin_portal.models import ApiScope
from admin_portal.services.api_clients.scim_search import COUNT_MAX, BadFilter, find_users
from admin_portal.services.api_clients.scim_users import (
    ScimUserView,
    ScimValues,
    scim_create_user,
    scim_delete_user,
    scim_replace_user,
    view_user,
    view_users,
)

UserResource = User[EnterpriseUser]
SCOPE = ApiScope.SCIM.value


def base_url() -> str:
    return get_settings().public_base_url.rstrip("/") + "/scim/v2"


def to_resource(view: ScimUserView) -> Any:
    user = view.user
    resource = UserResource(
        id=str(user.id),
        user_name=user.username,
        external_id=view.external_id,
        name=Name(given_name=user.first_name, family_name=user.last_name, formatted=user.full_name),
        display_name=user.full_name,
        emails=[Email(value=user.email, primary=True, type="work")] if user.email else None,
        phone_numbers=[PhoneNumber(value=user.mobile, type="mobile")] if user.mobile else None,
        active=view.active,
        preferred_language=user.language,
        meta=Meta(
            resource_type="User",
            created=user.created_at,
            last_modified=user.updated_at,
            location=f"{base_url()}/Users/{user.id}",
            version=user_version(view),
        ),
    )
    enterprise = EnterpriseUser(
        employee_number=str(user.numeric_id) if user.numeric_id is not None else None,
        organization=view.company_name or None,
        department=view.unit_name or None,
    )
    if enterprise.employee_number or enterprise.organization or enterprise.department:
        resource[EnterpriseUser] = enterprise
    return resource


def user_version(view: ScimUserView) -> str:
    """meta.version of a User: everything it shows that can change (etags.py)."""
    user = view.user
    return weak_etag(
        (
            user.updated_at.isoformat(),
            view.external_id,
            view.active,
            view.company_name,
            view.unit_name,
        )
    )


def _tagged(
    body: dict[str, Any], view: ScimUserView, status: int = 200, **headers: str
) -> Response:
    return scim_json(body, status, {"ETag": user_version(view), **headers})


def _dump(resource: Any, request: Request, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The resource as answered, with the attributes / excludedAttributes the client asked."""
    source = params if params is not None else request.query_params
    wanted: dict[str, list[str]] = {}
    for name in ("attributes", "excludedAttributes"):
        raw = source.get(name)
        if isinstance(raw, str):
            raw = raw.split(",")
        if isinstance(raw, list):
            cleaned = [str(a).strip() for a in raw if str(a).strip()]
            if cleaned:
                wanted[name] = cleaned
    if wanted:
        try:
            chosen = ResponseParameters.model_validate(wanted)
            return resource.model_dump(
                scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=chosen
            )
        except (ValueError, SCIMException):
            pass  # an attribute we do not know: answer the whole resource
    return resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)


def _first_email(resource: Any) -> str | None:
    emails = resource.emails or []
    chosen = next((e for e in emails if e.primary), emails[0] if emails else None)
    return chosen.value if chosen is not None and chosen.value else None


def values_of(resource: Any) -> ScimValues:
    enterprise = resource[EnterpriseUser]
    name = resource.name
    return ScimValues(
        user_name=resource.user_name or "",
        given_name=name.given_name if name is not None else None,
        family_name=name.family_name if name is not None else None,
        display_name=resource.display_name,
        email=_first_email(resource),
        mobile=None,  # shown, never written: only Swedish mobiles are valid here (README)
        language=resource.preferred_language or resource.locale,
        organization=enterprise.organization if enterprise is not None else None,
        department=enterprise.department if enterprise is not None else None,
        external_id=resource.external_id,
        active=resource.active is not False,
    )


def _validation_error(error: ValidationError) -> Response:
    first = error.errors()[0]
    scim = Error.from_validation_error(first)
    return scim_error(400, scim.detail or "invalid", scim.scim_type or "invalidValue")


def _parse(call: Call, context: Context) -> Any:
    payload = json_body(call.body)
    if not isinstance(payload, dict):
        return scim_error(400, "A SCIM User object is expected.", "invalidSyntax")
    try:
        return UserResource.model_validate(payload, scim_ctx=context)
    except ValidationError as error:
        return _validation_error(error)


def _int_param(request: Request, name: str, default: int) -> int | None:
    return _as_int(request.query_params.get(name), default)


def _as_int(raw: object, default: int) -> int | None:
    if raw is None or raw == "":
        return default
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    try:
        return int(str(raw))
    except ValueError:
        return None


# sortBy (RFC 7644 §3.4.2.3): userName, or the name (family name, given name, id); without
# sortBy the order is by id. Each walks an ordered index of the search wing.
_SORTS = {
    "username": "userName",
    "name": "name",
    "name.familyname": "name",
    "name.formatted": "name",
    "displayname": "name",
    "id": "id",
}
_ORDERS = ("ascending", "descending")


def _sort_key(raw: object) -> str:
    if raw is None or raw == "":
        return "id"
    key = raw.lower().split(":")[-1] if isinstance(raw, str) else ""
    if key not in _SORTS:
        # A sortBy we cannot honour is refused rather than silently ignored.
        raise ApiRefusal(400, "api.invalid_input", "invalidValue")
    return _SORTS[key]


def _search(call: Call, request: Request, params: Any) -> Response:
    start = _as_int(params.get("startIndex"), 1)
    count = _as_int(params.get("count"), 100)
    if start is None or count is None:
        return scim_error(400, "startIndex and count are integers.", "invalidValue")
    raw_filter = params.get("filter")
    node = None
    if raw_filter:
        if not isinstance(raw_filter, str):
            raise BadFilter()
        try:
            node = ScimFilter[UserResource](raw_filter).ast  # type: ignore[misc]
        except (SCIMException, ValueError, TypeError):
            raise BadFilter() from None
    sort_by = _sort_key(params.get("sortBy"))
    order = params.get("sortOrder")
    if order is not None and (not isinstance(order, str) or order.lower() not in _ORDERS):
        return scim_error(400, "sortOrder is ascending or descending.", "invalidValue")
    page = find_users(
        call.session,
        actor=call.actor,
        node=node,
        start_index=start,
        count=count,
        sort=sort_by,
        descending=isinstance(order, str) and order.lower() == "descending",
    )
    views = view_users(call.session, actor=call.actor, users=page.users)
    resources = [to_resource(v) for v in views]
    return scim_json(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": page.total,
            "startIndex": max(1, start),
            "itemsPerPage": len(resources),
            "Resources": [_dump(r, request, dict(params)) for r in resources],
        }
    )


async def list_users(request: Request) -> Response:
    def work(call: Call) -> Response:
        return _search(call, request, request.query_params)

    return await respond(request, scope=SCOPE, name="scim.users.list", work=work, style=STYLE)


async def search_users(request: Request) -> Response:
    """POST /Users/.search (RFC 7644 §3.4.3): the query in a SearchRequest body."""

    def work(call: Call) -> Response:
        payload = json_body(call.body)
        if not isinstance(payload, dict):
            return scim_error(400, "A SearchRequest object is expected.", "invalidSyntax")
        return _search(call, request, payload)

    return await respond(
        request, scope=SCOPE, name="scim.users.search", work=work, style=STYLE, read=True
    )


def _user_id(request: Request) -> object:
    raw = request.path_params.get("user_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def get_work(request: Request, call: Call) -> Response:
    view = view_user(call.session, actor=call.actor, user_id=_user_id(request))
    if not_modified(request, user_version(view)):
        return Response(status_code=304, headers={"ETag": user_version(view)})
    return _tagged(_dump(to_resource(view), request), view)


async def get_user(request: Request) -> Response:
    return await respond(
        request,
        scope=SCOPE,
        name="scim.users.get",
        work=lambda call: get_work(request, call),
        style=STYLE,
    )


def create_work(request: Request, call: Call) -> Response:
    parsed = _parse(call, Context.RESOURCE_CREATION_REQUEST)
    if isinstance(parsed, Response):
        return parsed
    user_id = scim_create_user(call.session, actor=call.actor, values=values_of(parsed))
    view = view_user(call.session, actor=call.actor, user_id=user_id)
    body = to_resource(view).model_dump(scim_ctx=Context.RESOURCE_CREATION_RESPONSE)
    return _tagged(body, view, 201, Location=f"{base_url()}/Users/{user_id}")


async def create_user(request: Request) -> Response:
    return await respond(
        request,
        scope=SCOPE,
        name="scim.users.create",
        work=lambda call: create_work(request, call),
        style=STYLE,
    )


def _current(request: Request, call: Call) -> ScimUserView:
    """The user named by the path, after If-Match (412 when it names another version)."""
    view = view_user(call.session, actor=call.actor, user_id=_user_id(request))
    check_if_match(request, user_version(view))
    return view


def replace_work(request: Request, call: Call) -> Response:
    parsed = _parse(call, Context.RESOURCE_REPLACEMENT_REQUEST)
    if isinstance(parsed, Response):
        return parsed
    user_id = _user_id(request)
    _current(request, call)
    scim_replace_user(call.session, actor=call.actor, user_id=user_id, values=values_of(parsed))
    view = view_user(call.session, actor=call.actor, user_id=user_id)
    return _tagged(
        to_resource(view).model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_RESPONSE), view
    )


async def replace_user(request: Request) -> Response:
    return await respond(
        request,
        scope=SCOPE,
        name="scim.users.replace",
        work=lambda call: replace_work(request, call),
        style=STYLE,
    )


def patch_work(request: Request, call: Call) -> Response:
    payload = json_body(call.body)
    try:
        patch = PatchOp[UserResource].model_validate(  # type: ignore[misc]
            payload, scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
    except ValidationError as error:
        return _validation_error(error)
    user_id = _user_id(request)
    resource = to_resource(_current(request, call))
    try:
        patch.patch(resource)
    except SCIMException as error:
        scim = error.to_error()
        return scim_error(int(scim.status or 400), scim.detail or "", scim.scim_type)
    except ValidationError as error:
        return _validation_error(error)
    scim_replace_user(call.session, actor=call.actor, user_id=user_id, values=values_of(resource))
    view = view_user(call.session, actor=call.actor, user_id=user_id)
    return _tagged(to_resource(view).model_dump(scim_ctx=Context.RESOURCE_PATCH_RESPONSE), view)


async def patch_user(request: Request) -> Response:
    return await respond(
        request,
        scope=SCOPE,
        name="scim.users.patch",
        work=lambda call: patch_work(request, call),
        style=STYLE,
    )


def delete_work(request: Request, call: Call) -> Response:
    _current(request, call)
    scim_delete_user(call.session, actor=call.actor, user_id=_user_id(request))
    return Response(status_code=204)


async def delete_user(request: Request) -> Response:
    return await respond(
        request,
        scope=SCOPE,
        name="scim.users.delete",
        work=lambda call: delete_work(request, call),
        style=STYLE,
    )


__all__ = ["COUNT_MAX", "ListResponse"]

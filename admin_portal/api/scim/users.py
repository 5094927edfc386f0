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
    SCIMException,
    ScimFilter,
    User,
)
from starlette.requests import Request
from starlette.responses import Response

from admin_portal.api.machine import Call, json_body, respond
from admin_portal.api.scim.errors import STYLE, scim_error, scim_json
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
            version=f'W/"{int(user.updated_at.timestamp() * 1000)}"',
        ),
    )
    resource[EnterpriseUser] = EnterpriseUser(
        employee_number=str(user.numeric_id) if user.numeric_id is not None else None,
        organization=view.company_name or None,
        department=view.unit_name or None,
    )
    return resource


def _dump(resource: Any, request: Request) -> dict[str, Any]:
    attributes = request.query_params.get("attributes")
    excluded = request.query_params.get("excludedAttributes")
    kwargs: dict[str, Any] = {}
    if attributes:
        kwargs["attributes"] = [a.strip() for a in attributes.split(",") if a.strip()]
    elif excluded:
        kwargs["excluded_attributes"] = [a.strip() for a in excluded.split(",") if a.strip()]
    try:
        return resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, **kwargs)
    except (ValueError, SCIMException):
        return resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)


def _first_email(resource: Any) -> str | None:
    emails = resource.emails or []
    chosen = next((e for e in emails if e.primary), emails[0] if emails else None)
    return chosen.value if chosen is not None and chosen.value else None


def _mobile(resource: Any) -> str | None:
    for phone in resource.phone_numbers or []:
        if (phone.type or "").lower() == "mobile" and phone.value:
            return str(phone.value)
    return None


def values_of(resource: Any) -> ScimValues:
    enterprise = resource[EnterpriseUser]
    name = resource.name
    return ScimValues(
        user_name=resource.user_name or "",
        given_name=name.given_name if name is not None else None,
        family_name=name.family_name if name is not None else None,
        display_name=resource.display_name,
        email=_first_email(resource),
        mobile=_mobile(resource),
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
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        return None


async def list_users(request: Request) -> Response:
    def work(call: Call) -> Response:
        start = _int_param(request, "startIndex", 1)
        count = _int_param(request, "count", 100)
        if start is None or count is None:
            return scim_error(400, "startIndex and count are integers.", "invalidValue")
        raw_filter = request.query_params.get("filter")
        node = None
        if raw_filter:
            try:
                node = ScimFilter[UserResource](raw_filter).ast  # type: ignore[misc]
            except (SCIMException, ValueError, TypeError):
                raise BadFilter() from None
        page = find_users(call.session, actor=call.actor, node=node, start_index=start, count=count)
        views = view_users(call.session, actor=call.actor, users=page.users)
        resources = [to_resource(v) for v in views]
        return scim_json(
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": page.total,
                "startIndex": max(1, start),
                "itemsPerPage": len(resources),
                "Resources": [_dump(r, request) for r in resources],
            }
        )

    return await respond(request, scope=SCOPE, name="scim.users.list", work=work, style=STYLE)


def _user_id(request: Request) -> object:
    raw = request.path_params.get("user_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


async def get_user(request: Request) -> Response:
    def work(call: Call) -> Response:
        view = view_user(call.session, actor=call.actor, user_id=_user_id(request))
        return scim_json(_dump(to_resource(view), request))

    return await respond(request, scope=SCOPE, name="scim.users.get", work=work, style=STYLE)


async def create_user(request: Request) -> Response:
    def work(call: Call) -> Response:
        parsed = _parse(call, Context.RESOURCE_CREATION_REQUEST)
        if isinstance(parsed, Response):
            return parsed
        user_id = scim_create_user(call.session, actor=call.actor, values=values_of(parsed))
        view = view_user(call.session, actor=call.actor, user_id=user_id)
        body = to_resource(view).model_dump(scim_ctx=Context.RESOURCE_CREATION_RESPONSE)
        return scim_json(body, 201, {"Location": f"{base_url()}/Users/{user_id}"})

    return await respond(request, scope=SCOPE, name="scim.users.create", work=work, style=STYLE)


async def replace_user(request: Request) -> Response:
    def work(call: Call) -> Response:
        parsed = _parse(call, Context.RESOURCE_REPLACEMENT_REQUEST)
        if isinstance(parsed, Response):
            return parsed
        user_id = _user_id(request)
        scim_replace_user(call.session, actor=call.actor, user_id=user_id, values=values_of(parsed))
        view = view_user(call.session, actor=call.actor, user_id=user_id)
        return scim_json(
            to_resource(view).model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_RESPONSE)
        )

    return await respond(request, scope=SCOPE, name="scim.users.replace", work=work, style=STYLE)


async def patch_user(request: Request) -> Response:
    def work(call: Call) -> Response:
        payload = json_body(call.body)
        try:
            patch = PatchOp[UserResource].model_validate(  # type: ignore[misc]
                payload, scim_ctx=Context.RESOURCE_PATCH_REQUEST
            )
        except ValidationError as error:
            return _validation_error(error)
        user_id = _user_id(request)
        resource = to_resource(view_user(call.session, actor=call.actor, user_id=user_id))
        try:
            patch.patch(resource)
        except SCIMException as error:
            scim = error.to_error()
            return scim_error(int(scim.status or 400), scim.detail or "", scim.scim_type)
        except ValidationError as error:
            return _validation_error(error)
        scim_replace_user(
            call.session, actor=call.actor, user_id=user_id, values=values_of(resource)
        )
        view = view_user(call.session, actor=call.actor, user_id=user_id)
        return scim_json(to_resource(view).model_dump(scim_ctx=Context.RESOURCE_PATCH_RESPONSE))

    return await respond(request, scope=SCOPE, name="scim.users.patch", work=work, style=STYLE)


async def delete_user(request: Request) -> Response:
    def work(call: Call) -> Response:
        scim_delete_user(call.session, actor=call.actor, user_id=_user_id(request))
        return Response(status_code=204)

    return await respond(request, scope=SCOPE, name="scim.users.delete", work=work, style=STYLE)


__all__ = ["COUNT_MAX", "ListResponse"]

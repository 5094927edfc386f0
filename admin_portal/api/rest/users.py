"""/api/v1/users: the UI's search with cursor paging; get, create, update, remove, restore."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from admin_portal.api.machine import ApiRefusal, Call, respond
from admin_portal.api.rest.common import STYLE, body_object, ok, path_id
from admin_portal.models import ApiScope, User, UserType
from admin_portal.search.query import UserQuery
from admin_portal.search.users import search_users
from admin_portal.services.api_clients.scim_users import ensure_not_admin
from admin_portal.services.user_bank.manage import restore_user
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import (
    create_user,
    get_user_for_write,
    get_user_in_scope,
    update_user,
)
from admin_portal.services.users.removal import (
    remove_user,
)

READ = ApiScope.USERS_READ.value
WRITE = ApiScope.USERS_WRITE.value
# What a client may set; national_id, brukare links and roles stay with the UI.
WRITABLE = (
    "first_name",
    "last_name",
    "username",
    "user_type",
    "company_id",
    "unit_id",
    "email",
    "mobile",
    "language",
    "notes",
)


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "email_verified": user.email_verified_at is not None,
        "mobile": user.mobile,
        "user_type": user.user_type,
        "company_id": user.company_id,
        "unit_id": user.unit_id,
        "language": user.language,
        "numeric_id": user.numeric_id,
        "status": user.status,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    }


_QUERY_FIELDS = {f.name for f in fields(UserQuery)}


def _query(request: Request) -> UserQuery:
    params = request.query_params
    raw: dict[str, Any] = {k: params[k] for k in _QUERY_FIELDS if k in params}
    for name in ("company_id", "unit_id", "page_size"):
        if name in raw:
            raw[name] = int(raw[name]) if raw[name].isdigit() and len(raw[name]) < 10 else None
    if "descending" in raw:
        raw["descending"] = raw["descending"] == "true"
    if raw.get("page_size") is None:
        raw.pop("page_size", None)
    return UserQuery(**raw).clean()


async def list_users(request: Request) -> Response:
    def work(call: Call) -> Response:
        page = search_users(call.session, actor=call.actor, query=_query(request))
        return ok(
            {
                "users": [asdict(r) for r in page.rows],
                "next_cursor": page.next_cursor,
                "total": page.total,
                "total_is_lower_bound": page.total_is_lower_bound,
            }
        )

    return await respond(request, scope=READ, name="rest.users.list", work=work, style=STYLE)


async def get_user(request: Request) -> Response:
    def work(call: Call) -> Response:
        user = get_user_in_scope(
            call.session, actor=call.actor, user_id=path_id(request, "user_id")
        )
        return ok(user_json(user))

    return await respond(request, scope=READ, name="rest.users.get", work=work, style=STYLE)


def _input(values: dict[str, Any], current: User | None) -> UserInput:
    merged: dict[str, Any] = {}
    if current is not None:
        merged = {name: getattr(current, name) for name in WRITABLE}
        merged = {
            k: ("" if v is None and k not in ("company_id", "unit_id") else v)
            for k, v in merged.items()
        }
    merged.update({k: v for k, v in values.items() if k in WRITABLE})
    if merged.get("user_type") == UserType.ADMINISTRATOR and (
        current is None or current.user_type != UserType.ADMINISTRATOR
    ):
        raise ApiRefusal(403, "api.admin_out_of_reach")
    return UserInput(**merged, keep_national_id_when_blank=current is not None)


def _unknown_fields(values: dict[str, Any], allowed: tuple[str, ...]) -> None:
    if set(values) - set(allowed):
        raise ApiRefusal(400, "api.invalid_input")


async def create(request: Request) -> Response:
    def work(call: Call) -> Response:
        values = body_object(call)
        _unknown_fields(values, (*WRITABLE, "send_invitation"))
        user_id = create_user(
            call.session,
            actor=call.actor,
            data=_input(values, None),
            send_invitation=values.get("send_invitation") is True,
        )
        return ok(
            user_json(get_user_in_scope(call.session, actor=call.actor, user_id=user_id)), 201
        )

    return await respond(request, scope=WRITE, name="rest.users.create", work=work, style=STYLE)


async def update(request: Request) -> Response:
    def work(call: Call) -> Response:
        values = body_object(call)
        _unknown_fields(values, WRITABLE)
        user = get_user_for_write(
            call.session, actor=call.actor, user_id=path_id(request, "user_id")
        )
        ensure_not_admin(call.session, user_id=user.id or 0)
        update_user(call.session, actor=call.actor, user_id=user.id, data=_input(values, user))
        return ok(user_json(user))

    return await respond(request, scope=WRITE, name="rest.users.update", work=work, style=STYLE)


async def remove(request: Request) -> Response:
    def work(call: Call) -> Response:
        user = get_user_for_write(
            call.session, actor=call.actor, user_id=path_id(request, "user_id")
        )
        ensure_not_admin(call.session, user_id=user.id or 0)
        reason = request.query_params.get("reason", "")
        remove_user(call.session, actor=call.actor, user_id=user.id, reason=reason)
        return Response(status_code=204)

    return await respond(request, scope=WRITE, name="rest.users.remove", work=work, style=STYLE)


async def restore(request: Request) -> Response:
    def work(call: Call) -> Response:
        values = body_object(call)
        _unknown_fields(values, ("company_id", "unit_id", "new_email", "clear_email"))
        user_id = path_id(request, "user_id")
        ensure_not_admin(call.session, user_id=user_id or 0)
        mailed = restore_user(
            call.session,
            actor=call.actor,
            user_id=user_id,
            company_id=values.get("company_id"),
            unit_id=values.get("unit_id"),
            new_email=values.get("new_email", "")
            if isinstance(values.get("new_email"), str)
            else "",
            clear_email=values.get("clear_email") is True,
        )
        user = get_user_in_scope(call.session, actor=call.actor, user_id=user_id)
        return ok({"user": user_json(user), "set_password_link_mailed": mailed})

    return await respond(request, scope=WRITE, name="rest.users.restore", work=work, style=STYLE)

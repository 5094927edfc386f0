"""/api/v1 invitations, verification (single and bulk with a job to poll), jobs, units."""

from __future__ import annotations

import secrets
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from admin_portal.api.machine import ApiRefusal, Call, respond
from admin_portal.api.rest.common import STYLE, body_object, ok, path_id
from admin_portal.api.rest.users import READ, WRITE, user_json
from admin_portal.models import InvitationRole
from admin_portal.services.api_clients.scim_users import ensure_not_admin
from admin_portal.services.api_clients.units import PAGE_SIZE_MAX, get_unit, page_units
from admin_portal.services.invitations.input import InvitationInput
from admin_portal.services.invitations.invite import (
    create_invitation,
    resend_invitation,
    revoke_invitation,
)
from admin_portal.services.jobs import get_job
from admin_portal.services.verification.bulk import start_bulk_verification
from admin_portal.services.verification.email import send_verification

_INVITATION_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "language",
    "unit_id",
    "service_ids",
    "details",
    "cost_centre_id",
)


async def invite(request: Request) -> Response:
    def work(call: Call) -> Response:
        values = body_object(call)
        if set(values) - set(_INVITATION_FIELDS):
            raise ApiRefusal(400, "api.invalid_input")
        # API clients invite standard users only: an admin invitation makes an admin.
        data = InvitationInput(
            **{k: v for k, v in values.items() if k in _INVITATION_FIELDS},
            role=InvitationRole.STANDARD,
        )
        invitation_id = create_invitation(call.session, actor=call.actor, data=data)
        return ok({"id": invitation_id}, 201)

    return await respond(
        request, scope=WRITE, name="rest.invitations.create", work=work, style=STYLE
    )


async def resend(request: Request) -> Response:
    def work(call: Call) -> Response:
        resend_invitation(
            call.session, actor=call.actor, invitation_id=path_id(request, "invitation_id")
        )
        return Response(status_code=204)

    return await respond(
        request, scope=WRITE, name="rest.invitations.resend", work=work, style=STYLE
    )


async def revoke(request: Request) -> Response:
    def work(call: Call) -> Response:
        revoke_invitation(
            call.session, actor=call.actor, invitation_id=path_id(request, "invitation_id")
        )
        return Response(status_code=204)

    return await respond(
        request, scope=WRITE, name="rest.invitations.revoke", work=work, style=STYLE
    )


async def verify_one(request: Request) -> Response:
    def work(call: Call) -> Response:
        values = body_object(call)
        if set(values) - {"email"}:
            raise ApiRefusal(400, "api.invalid_input")
        user_id = path_id(request, "user_id")
        ensure_not_admin(call.session, user_id=user_id or 0)
        user = send_verification(
            call.session, actor=call.actor, user_id=user_id, email=values.get("email")
        )
        return ok(user_json(user), 202)

    return await respond(
        request, scope=WRITE, name="rest.verification.send", work=work, style=STYLE
    )


_BULK_FIELDS = ("text", "company_id", "unit_id", "user_type", "email_state", "status")


async def verify_bulk(request: Request) -> Response:
    def work(call: Call) -> Response:
        values = body_object(call)
        if set(values) - {*_BULK_FIELDS, "request_key"}:
            raise ApiRefusal(400, "api.invalid_input")
        fields: dict[str, Any] = {k: v for k, v in values.items() if k in _BULK_FIELDS}
        key = values.get("request_key") or secrets.token_hex(16)
        job = start_bulk_verification(
            call.session, actor=call.actor, fields=fields, request_key=key
        )
        return ok({**asdict(job), "poll": f"/api/v1/jobs/{job.id}"}, 202)

    return await respond(
        request, scope=WRITE, name="rest.verification.bulk", work=work, style=STYLE
    )


async def job(request: Request) -> Response:
    def work(call: Call) -> Response:
        progress = get_job(call.session, actor=call.actor, job_id=path_id(request, "job_id"))
        return ok(asdict(progress))

    return await respond(request, scope=READ, name="rest.jobs.get", work=work, style=STYLE)


async def units(request: Request) -> Response:
    def work(call: Call) -> Response:
        params = request.query_params
        raw_size = params.get("page_size", "100")
        if not (raw_size.isdigit() and 1 <= int(raw_size) <= PAGE_SIZE_MAX):
            raise ApiRefusal(400, "api.invalid_input")
        page = page_units(
            call.session,
            actor=call.actor,
            cursor=params.get("cursor") or None,
            page_size=int(raw_size),
        )
        return ok(
            {
                "units": [asdict(u) for u in page.units],
                "next_cursor": page.next_cursor,
                "total": page.total,
            }
        )

    return await respond(request, scope=READ, name="rest.units.list", work=work, style=STYLE)


async def unit(request: Request) -> Response:
    def work(call: Call) -> Response:
        view = get_unit(call.session, actor=call.actor, unit_id=path_id(request, "unit_id"))
        return ok(asdict(view))

    return await respond(request, scope=READ, name="rest.units.get", work=work, style=STYLE)

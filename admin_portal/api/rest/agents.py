"""Kontaktcenter over REST (F3.9, F3.3).

- ``PATCH /agents/{agent_id}`` (users:write): move an agent to another user group, under
  the same queue guard as the page: 409 with the reason while the agent is in a queue.
- ``POST /telephony/queue`` (telephony): the telephony system logs an agent in to or out
  of a queue by numeric ID and queue key.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from admin_portal.api.machine import ApiRefusal, Call, respond
from admin_portal.api.rest.common import RestStyle, body_object, language_of, ok, path_id
from admin_portal.i18n import t
from admin_portal.models import ApiScope
from admin_portal.services.contact_centre.detail import get_agent
from admin_portal.services.contact_centre.moves import move_agent
from admin_portal.services.contact_centre.queues import AgentInQueue
from admin_portal.services.contact_centre.telephony import set_queue_login
from admin_portal.services.errors import ServiceError

_WRITABLE = ("group_id",)


class AgentStyle(RestStyle):
    """As the REST style, plus 409 with the reason for an agent logged in to a queue."""

    def service_error(self, request: Request, failure: ServiceError) -> Response:
        if isinstance(failure, AgentInQueue):
            lang = language_of(request)
            body = {
                "error": {
                    "code": failure.key,
                    "message": t(failure.key, lang, **failure.params),
                    "queues": failure.queues,
                }
            }
            return Response(
                json.dumps(body, ensure_ascii=False),
                status_code=409,
                media_type="application/json",
            )
        return super().service_error(request, failure)


STYLE = AgentStyle()


def _agent_json(detail) -> dict:  # type: ignore[no-untyped-def]
    return {
        "id": detail.id,
        "username": detail.username,
        "numeric_id": detail.numeric_id,
        "group_id": detail.group_id,
        "group": detail.group,
        "settings": {s.key: {"value": s.value, "own": s.own} for s in detail.settings},
        "resource_filters": [{"name": f.name, "own": f.own} for f in detail.filters],
        "in_queues": detail.in_queues,
    }


async def update_agent(request: Request) -> Response:
    def work(call: Call) -> Response:
        values = body_object(call)
        if set(values) - set(_WRITABLE):
            raise ApiRefusal(400, "api.invalid_input")
        agent_id = path_id(request, "agent_id")
        if "group_id" in values:
            move_agent(
                call.session, actor=call.actor, agent_id=agent_id, group_id=values["group_id"]
            )
        return ok(_agent_json(get_agent(call.session, actor=call.actor, agent_id=agent_id)))

    return await respond(
        request, scope=ApiScope.USERS_WRITE, name="rest.agents.update", work=work, style=STYLE
    )


async def telephony_queue(request: Request) -> Response:
    def work(call: Call) -> Response:
        values = body_object(call)
        state = set_queue_login(
            call.session,
            actor=call.actor,
            numeric_id=values.get("numeric_id"),
            queue=values.get("queue"),
            action=values.get("action"),
        )
        return ok(
            {
                "numeric_id": state.numeric_id,
                "queue": state.queue,
                "logged_in": state.logged_in,
                "queues": state.queues,
            }
        )

    return await respond(
        request, scope=ApiScope.TELEPHONY, name="rest.telephony.queue", work=work, style=STYLE
    )

"""Queue log-in and log-out by phone (F3.3): the telephony system names the agent by
numeric ID and the queue by its key. Only an API client holding the `telephony` scope
calls this (api/rest/agents.py); it acts within its own organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import Agent, Queue, QueueSession, User, UserStatus, require_id
from admin_portal.services.audit.events import record_admin_action
from admin_portal.services.contact_centre.numeric_ids import parse_numeric_id
from admin_portal.services.contact_centre.queues import queues_of
from admin_portal.services.errors import NotFound, PermissionDenied, ValidationFailed
from admin_portal.validation.errors import InvalidInput

UNKNOWN = "contact_centre.queue_unknown"
ACTIONS = {"login": True, "logout": False}
QUEUE_KEY_MAX = 50


@dataclass(frozen=True)
class QueueState:
    numeric_id: int
    queue: str
    logged_in: bool
    queues: list[str]


def set_queue_login(
    session: Session, *, actor: Actor, numeric_id: object, queue: object, action: object
) -> QueueState:
    """Log the agent with this numeric ID in to (or out of) the queue. Idempotent.

    Raises:
        PermissionDenied: not an API client's actor.
        ValidationFailed: ``action`` is not "login"/"logout", or the numeric ID is malformed.
        NotFound: ``contact_centre.queue_unknown``: no such active agent or queue in the
            client's organisation (the two are not told apart).
    """
    if actor.api_client_id is None:
        raise PermissionDenied()
    if not isinstance(action, str) or action not in ACTIONS:
        raise ValidationFailed({"action": "contact_centre.queue_action_invalid"})
    try:
        number = parse_numeric_id(numeric_id)
    except InvalidInput as problem:
        raise ValidationFailed({"numeric_id": problem.key}) from None
    key = queue.strip() if isinstance(queue, str) else ""
    if number is None or not key or len(key) > QUEUE_KEY_MAX:
        raise NotFound(UNKNOWN)
    found = session.exec(
        select(User, Agent)
        .join(Agent, Agent.user_id == User.id)  # type: ignore[arg-type]
        .where(
            User.organisation_id == actor.organisation_id,
            User.numeric_id == number,
            User.status == UserStatus.ACTIVE,
        )
    ).first()
    row = session.exec(
        select(Queue).where(Queue.organisation_id == actor.organisation_id, Queue.key == key)
    ).first()
    if found is None or row is None:
        raise NotFound(UNKNOWN)
    user, agent = found
    queue_id = require_id(row)
    current = session.get(QueueSession, (agent.user_id, queue_id))
    wanted = ACTIONS[action]
    if wanted and current is None:
        session.add(QueueSession(agent_id=agent.user_id, queue_id=queue_id))
        record_admin_action(session, actor=actor, action="agent_queue_changed", user_id=user.id)
    elif not wanted and current is not None:
        session.delete(current)
        record_admin_action(session, actor=actor, action="agent_queue_changed", user_id=user.id)
    session.flush()
    return QueueState(
        numeric_id=number,
        queue=row.key,
        logged_in=wanted,
        queues=queues_of(session, agent_id=agent.user_id),
    )

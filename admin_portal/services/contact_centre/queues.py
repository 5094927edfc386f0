"""Queue sessions and the guards on them (F3.7, F3.8).

An agent logged in to a queue can be neither removed nor moved to another group: the
refusal names the reason ("inloggad i kö") wherever it is asked (page, REST API).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from admin_portal.models import Queue, QueueSession
from admin_portal.services.errors import ServiceError

IN_QUEUE = "contact_centre.in_queue"


class AgentInQueue(ServiceError):
    """The agent is logged in to at least one queue; `queues` names them."""

    def __init__(self, queues: list[str]) -> None:
        super().__init__(IN_QUEUE, queues=", ".join(queues))
        self.queues = queues


def queues_of(session: Session, *, agent_id: int) -> list[str]:
    """Names of the queues the agent is logged in to, by name."""
    rows = session.exec(
        select(Queue.name)
        .join(QueueSession, col(QueueSession.queue_id) == col(Queue.id))
        .where(QueueSession.agent_id == agent_id)
        .order_by(col(Queue.name))
    ).all()
    return list(rows)


def ensure_not_in_queue(session: Session, *, agent_id: int) -> None:
    """Raises AgentInQueue when the agent is logged in to a queue."""
    names = queues_of(session, agent_id=agent_id)
    if names:
        raise AgentInQueue(names)

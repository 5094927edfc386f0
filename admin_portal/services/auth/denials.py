"""A refused call leaves a trace: one `authorization_failed` audit event per refusal.

Three kinds of refusal are recorded, each in a transaction of its own (the refused one was
rolled back, so nothing it wrote survives):

- a caller who is not signed in reaches an entrance that needs a session;
- a signed-in caller lacks the role an entrance needs (an admin page guard, a handler);
- a service refuses on scope or permission (`ServiceError.records_denial`) while an
  entrance is active: `db.session_scope` rolls back, then calls `_after_rollback` here.

Entrances (Reflex handlers through `SessionState._authorized`, HTTP routes) name themselves
with `enter()` when they resolve the caller. The event holds the actor, the organisation,
the entrance's name, the target id the entrance knows (never a value a client sent) and the
reason; never an argument, since arguments may carry personal data.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal import db
from admin_portal.auth.permissions import Actor
from admin_portal.services.audit.events import record_event

AUTHORIZATION_FAILED = "authorization_failed"
DENIED = "denied"

_log = logging.getLogger(__name__)


class Reason(StrEnum):
    SIGNED_OUT = "signed_out"  # no valid session
    ROLE = "role"  # signed in, without the role the entrance needs
    SCOPE = "scope"  # a service refused the object or the action (NotFound, PermissionDenied)


@dataclass(frozen=True)
class Entrance:
    """The handler or route now serving a call, and who called it."""

    action: str
    actor: Actor | None
    target_id: int | None = None


# Each Reflex event runs in its own asyncio task, so the value never outlives its event.
_current: ContextVar[Entrance | None] = ContextVar("admin_portal_entrance", default=None)


def enter(action: str, actor: Actor | None, *, target_id: int | None = None) -> Entrance:
    """Name the entrance serving this call: later refusals in it are recorded under it."""
    entrance = Entrance(action=action[:200], actor=actor, target_id=target_id)
    _current.set(entrance)
    return entrance


def clear_entrance() -> None:
    """Forget the entrance: for callers that reuse one context for many calls (tests)."""
    _current.set(None)


def current_entrance() -> Entrance | None:
    return _current.get()


def record_denial(
    *,
    action: str,
    actor: Actor | None,
    reason: Reason,
    target_id: int | None = None,
    engine: Engine | None = None,
) -> None:
    """Write one `authorization_failed` event in its own transaction. Never raises.

    A failure to record must not turn a refusal into a crash (or into a success): it is
    logged, without the arguments of the refused call.
    """
    try:
        with Session(engine or db.get_engine()) as session:
            record_event(
                session,
                action=AUTHORIZATION_FAILED,
                organisation_id=actor.organisation_id if actor else None,
                actor_user_id=actor.user_id if actor else None,
                target_type="user" if target_id is not None else None,
                target_id=target_id,
                outcome=DENIED,
                detail=f"{action} ({reason.value})",
            )
            session.commit()
    except Exception:  # noqa: BLE001 (recording must never change the caller's answer)
        _log.exception("could not record an authorization failure for %s", action)


def _after_rollback(engine: Engine, error: Exception) -> None:
    entrance = _current.get()
    if entrance is None or not getattr(error, "records_denial", False):
        return
    record_denial(
        action=entrance.action,
        actor=entrance.actor,
        reason=Reason.SCOPE,
        target_id=entrance.target_id,
        engine=engine,
    )


if _after_rollback not in db.AFTER_ROLLBACK:
    db.AFTER_ROLLBACK.append(_after_rollback)

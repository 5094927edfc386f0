"""One authorized call into the services: actor, transaction and refusal message in one `with`.

A handler used to spell out the same dozen lines each time: get the actor from
`_authorized(need)`, return when refused, open `session_scope()`, catch `ServiceError` and
translate its key into one of the state's error vars. `SessionState._service` does all of it:

    with self._service(ADMIN, error="form_error") as call:
        update_user(call.session, actor=call.actor, user_id=user_id, data=data)
    if not call.ok:
        return None
    ...  # what follows a success

Authorization happens when the `with` statement is entered, so a refused call is recorded
(`authorization_failed`) before any early return in the body. A refused caller gets no
transaction: the body stops at its first use of `call.actor` or `call.session`, so the first
statement of a body should be one of those. A `ServiceError` raised in the body still reaches
`session_scope()` first (rollback, and the denial hooks for scope refusals); only then is it
caught, kept in `call.error` and, when the handler named an error var, shown in the user's
language. Errors outside `catch` (all of `ServiceError` unless the handler narrows it)
propagate after the rollback, as they did before the helper.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

import reflex as rx

from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.errors import ServiceError, ValidationFailed

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlmodel import Session


class _Refused(Exception):
    """Raised at the first use of a refused call's actor or session; the `with` swallows it."""


def refusal_key(error: ServiceError) -> str:
    """The message key to show for a refusal: a failed form names its first wrong field."""
    if isinstance(error, ValidationFailed) and error.errors:
        return next(iter(error.errors.values()))
    return error.key


class ServiceCall:
    """The context manager `SessionState._service` returns (see the module note).

    Attributes:
        refused: The caller lacked the role (or was signed out); the refusal is recorded.
        error: The `ServiceError` the body raised, if any (the transaction was rolled back).
    """

    def __init__(
        self,
        state: Any,
        actor: Actor | None,
        error_var: str | None,
        catch: tuple[type[ServiceError], ...] = (ServiceError,),
    ) -> None:
        self._state = state
        self._actor = actor
        self._error_var = error_var
        self._catch = catch
        self._scope: AbstractContextManager[Session] | None = None
        self._session: Session | None = None
        self.refused = actor is None
        self.error: ServiceError | None = None

    @property
    def ok(self) -> bool:
        """Authorized, and the body ran to its end without a refusal from the services."""
        return not self.refused and self.error is None

    @property
    def actor(self) -> Actor:
        """The authorized actor; for a refused call, ends the body here."""
        if self._actor is None:
            raise _Refused
        return self._actor

    @property
    def session(self) -> Session:
        """The open transaction; for a refused call, ends the body here."""
        if self._actor is None:
            raise _Refused
        if self._session is None:
            raise RuntimeError("the session of a service call is used outside its `with`")
        return self._session

    def __enter__(self) -> ServiceCall:
        if self._actor is not None:
            self._scope = session_scope()
            self._session = self._scope.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        raised: BaseException | None,
        trace: TracebackType | None,
    ) -> bool:
        if self._scope is not None:
            scope, self._scope = self._scope, None
            try:
                # Commit, or roll back (and run the denial hooks) on what the body raised.
                scope.__exit__(kind, raised, trace)
            finally:
                self._session = None
        if isinstance(raised, _Refused):
            return True
        if isinstance(raised, self._catch):
            assert isinstance(raised, ServiceError)
            self.error = raised
            if self._error_var is not None:
                setattr(self._state, self._error_var, self.message())
            return True
        return False

    def message(self) -> str:
        """After the `with`: the refusal in the user's language ("" when there was none)."""
        return self._state._text(refusal_key(self.error)) if self.error is not None else ""

    def toast(self, done_key: str, **params: object) -> rx.event.EventSpec:
        """After the `with`: a toast saying it is done, or naming the services' refusal."""
        if self.error is not None:
            return rx.toast.error(self._state._text(self.error.key))
        return rx.toast.success(self._state._text(done_key, **params))

"""Byt lösenord on Mitt konto: its own substate, so other Mitt konto sections merge cleanly."""

from __future__ import annotations

import asyncio

import reflex as rx

from admin_portal.auth.cookies import session_token_from_header
from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.auth.password_change import change_password
from admin_portal.services.errors import NotFound, ValidationFailed
from admin_portal.state.session import SIGNED_IN, SessionState

_FIELDS = ("current", "password", "repeat")


def _text_of(form: object, name: str) -> str:
    value = form.get(name, "") if isinstance(form, dict) else ""
    return value if isinstance(value, str) else ""


def _change_in_one_transaction(
    actor: Actor, current: str, new: str, repeat: str, raw_session_token: str | None
) -> None:
    with session_scope() as session:
        change_password(
            session,
            actor=actor,
            current_password=current,
            new_password=new,
            repeat=repeat,
            raw_session_token=raw_session_token,
        )


class PasswordChangeState(SessionState):
    """Field errors and the outcome; the passwords themselves are never kept in state."""

    current_error: str = ""
    password_error: str = ""
    repeat_error: str = ""
    done: bool = False
    version: int = 0  # bumps after a change so the form remounts empty

    @rx.event
    def on_open(self):
        self.current_error = self.password_error = self.repeat_error = ""
        self.done = False

    @rx.event
    async def change(self, form: dict):
        """Authorised: the signed-in person, for their own account only (no id is taken)."""
        self.current_error = self.password_error = self.repeat_error = ""
        self.done = False
        actor = self._authorized(SIGNED_IN)
        if actor is None:
            return self._to_login()
        try:
            # Two argon2 computations: off the event loop, so other tabs are not held up.
            await asyncio.to_thread(
                _change_in_one_transaction,
                actor,
                _text_of(form, "current"),
                _text_of(form, "password"),
                _text_of(form, "repeat"),
                session_token_from_header(self.router.headers.cookie),
            )
        except ValidationFailed as failure:
            for field in _FIELDS:
                key = failure.errors.get(field, "")
                setattr(self, f"{field}_error", self._text(key) if key else "")
            return None
        except NotFound:
            return self._to_login()
        self.done = True
        self.version += 1
        return None

"""Point the entrances' transactions at a test engine: one place instead of a copy per file.

The states open their transactions through `db.session_scope()` (directly, or through the
state helper in `state/service_call.py`). Handler tests run them against the test's own
engine by replacing the name each module imported; the replacement is the real
`session_scope` bound to that engine, so commit, rollback and the after-rollback hooks
(denials recorded) behave as in the app.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from types import ModuleType

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal import db
from admin_portal.state import service_call


def scope_on(engine: Engine) -> Callable[..., AbstractContextManager[Session]]:
    """A `session_scope` replacement that opens its transactions on `engine`."""

    def scope(_engine: Engine | None = None) -> AbstractContextManager[Session]:
        return db.session_scope(engine)

    return scope


def route_scopes(monkeypatch: pytest.MonkeyPatch, engine: Engine, *modules: ModuleType) -> None:
    """Make `modules` (and the state helper every handler shares) use `engine`.

    A module that no longer opens a transaction itself (all of it goes through the helper)
    is skipped, so a test need not follow each handler's move onto the helper.
    """
    scope = scope_on(engine)
    for module in (service_call, *modules):
        if hasattr(module, "session_scope"):
            monkeypatch.setattr(module, "session_scope", scope)

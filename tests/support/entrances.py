"""What a client can call, read from the running app: every state's handlers and every route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import reflex as rx
from starlette.routing import BaseRoute, Mount, Route

from admin_portal.admin_portal import app


def state_classes(root: type[rx.State] = rx.State) -> Iterator[type[rx.State]]:
    """rx.State and every substate below it, recursively."""
    yield root
    for sub in sorted(root.get_substates(), key=lambda cls: cls.get_full_name()):
        yield from state_classes(sub)


def handler_keys() -> dict[str, type[rx.State]]:
    """``"<StateClass>.<handler>"`` for every event handler of every state class."""
    keys: dict[str, type[rx.State]] = {}
    for cls in state_classes():
        for name in cls.event_handlers:
            key = f"{cls.__name__}.{name}"
            assert key not in keys, f"two state classes are named {cls.__name__}"
            keys[key] = cls
    return keys


def registered_handler_keys() -> set[str]:
    """The dispatch table itself: what an event name arriving on the websocket can reach."""
    from reflex_base.registry import RegistrationContext

    by_full_name = {cls.get_full_name(): cls for cls in state_classes()}
    keys = set()
    for full_name in RegistrationContext.get().event_handlers:
        state_name, _, handler = full_name.rpartition(".")
        keys.add(f"{by_full_name[state_name].__name__}.{handler}")
    return keys


def setter_keys(cls: type[rx.State]) -> set[str]:
    """``"<Owner>.set_x"`` for every ``set_*`` a ``setvar`` call on this state could reach.

    setvar runs ``getattr(state, "set_" + name)``: inherited setters count, named after the
    class that defines them.
    """
    keys = set()
    for name in dir(cls):
        if not name.startswith("set_") or not callable(getattr(cls, name, None)):
            continue
        owner = next(c for c in cls.__mro__ if name in c.__dict__)
        keys.add(f"{owner.__name__}.{name}")
    return keys


def _path_of(route: BaseRoute) -> str:
    return route.path if isinstance(route, Route | Mount) else repr(route)


def route_paths(tmp_path: Path) -> set[str]:
    """Every HTTP route of the backend as production serves it.

    Reflex adds /_upload only when a page uses rx.upload (it learns that while compiling
    the pages): here it is added as in production, with the upload folder in tmp_path.
    """
    from reflex.utils import prerequisites
    from reflex_components_core.core.upload import Upload

    # api_transformer is a list: the routes' Starlette app, then the security-headers wrapper.
    transformers = app.api_transformer
    if not isinstance(transformers, list | tuple):
        transformers = [transformers]
    paths = {_path_of(r) for t in transformers for r in getattr(t, "routes", [])}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Upload, "is_used", True)
        mp.setattr(prerequisites, "get_backend_dir", lambda: tmp_path)
        mp.setenv("REFLEX_UPLOADED_FILES_DIR", str(tmp_path / "uploaded"))
        before = list(app._api.routes)  # type: ignore[union-attr]
        try:
            app._add_optional_endpoints()
            paths |= {_path_of(r) for r in app._api.routes}  # type: ignore[union-attr]
        finally:
            app._api.router.routes[:] = before  # type: ignore[union-attr]
    return paths

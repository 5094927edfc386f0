"""Every handler and route a client can reach has one row in tests/support/handler_table.py.

A new handler, route or setter without a row fails here, and so does a row whose handler or
route is gone: the table stays the true list of the portal's entrances.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import reflex as rx

from tests.support import handler_table
from tests.support.entrances import (
    handler_keys,
    registered_handler_keys,
    route_paths,
    setter_keys,
    state_classes,
)
from tests.support.handler_table import AUTHORIZED, HANDLERS, ROUTES, access_of


def test_every_handler_of_every_state_has_a_row() -> None:
    missing = sorted(key for key in handler_keys() if access_of(key) is None)
    assert missing == [], f"classify these in tests/support/handler_table.py: {missing}"


def test_the_dispatch_table_holds_nothing_the_walk_missed() -> None:
    # What the websocket can reach is Reflex's registry; the class walk must cover all of it.
    assert registered_handler_keys() <= set(handler_keys())


def test_every_row_names_a_handler_that_exists() -> None:
    stale = sorted(set(HANDLERS) - set(handler_keys()))
    assert stale == [], f"rows for handlers that no longer exist: {stale}"


def test_reflex_internal_handlers_are_marked_framework() -> None:
    for key, cls in handler_keys().items():
        access = access_of(key)
        assert access is not None
        from_reflex = cls.__module__.startswith("reflex") or key.endswith(".setvar")
        assert access.framework == from_reflex, key


def test_every_setter_setvar_can_reach_has_a_row() -> None:
    setters = set().union(*(setter_keys(cls) for cls in state_classes()))
    missing = sorted(key for key in setters if access_of(key) is None)
    assert missing == [], f"setters without a row: {missing}"


def test_reflex_generates_no_setters_by_itself() -> None:
    # state_auto_setters is off: every set_* is a handler someone wrote and classified.
    from reflex_base.config import get_state_auto_setters

    assert get_state_auto_setters() is False
    for cls in state_classes():
        if cls.__module__.startswith("admin_portal"):
            for name, handler in cls.event_handlers.items():
                if name.startswith("set_"):
                    assert inspect.getmodule(handler.fn).__name__.startswith("admin_portal"), (
                        f"{cls.__name__}.{name} was generated"
                    )


def test_every_route_has_a_row_and_every_row_a_route(tmp_path: Path) -> None:
    paths = route_paths(tmp_path)
    assert sorted(paths - set(ROUTES)) == [], "classify these routes in handler_table.ROUTES"
    assert sorted(set(ROUTES) - paths) == [], "rows for routes that no longer exist"


def test_reflex_mounts_its_known_routes(tmp_path: Path) -> None:
    # Checked, not assumed: these are what Reflex 0.10 serves beside the portal's own routes.
    assert {"/ping", "/_health", "/_event", "/_upload"} <= route_paths(tmp_path)


def test_authorized_rows_say_what_they_need_and_why() -> None:
    needs = {
        handler_table.SIGNED_IN,
        handler_table.ADMIN,
        handler_table.HEAD_ADMIN,
        handler_table.SUPPORT,
        handler_table.THERAPIST,
    }
    for key, access in {**HANDLERS, **ROUTES}.items():
        if access.kind == AUTHORIZED:
            assert access.need in needs and access.scope, key
        else:
            assert access.note, f"{key}: say why it needs no authorization"


def test_the_tables_use_the_same_role_words_as_the_app() -> None:
    from admin_portal.state import session

    assert (
        session.SIGNED_IN,
        session.ADMIN,
        session.HEAD_ADMIN,
        session.SUPPORT,
        session.THERAPIST,
    ) == (
        handler_table.SIGNED_IN,
        handler_table.ADMIN,
        handler_table.HEAD_ADMIN,
        handler_table.SUPPORT,
        handler_table.THERAPIST,
    )
    assert rx.State in set(state_classes())

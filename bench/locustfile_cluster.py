"""Locust users for `bench/load_cluster.py`: admins driving Användare over Reflex's websocket.

Each locust user is one browser tab of a signed-in head administrator: a socket.io
connection (python-socketio's client, the protocol the browser's socket.io client speaks)
with its own client token and a session cookie of its own. It opens Användare, then,
about once a second: searches (typed words), filters (a type or a unit, then cleared),
opens a profile from its last result page, and now and then sends that person an
invitation (the welcome mail; the cluster has no Resend key, so the mail stays in the
local mailbox and never leaves the machine).

Every action is timed from emitting the event to the first state update that answers it
(the server's whole round trip: the socket, the worker's queue, the handler, the search,
the state in Redis, the delta) and reported to locust as request type "ws". An answer that
does not come within ANSWER_TIMEOUT_SECONDS, or a sign that the session was lost (a
redirect to Logga in), is a failure.

Run by bench/load_cluster.py, which writes the plan this reads (LOAD_CLUSTER_PLAN: a JSON
file with the base URL, one cookie per user, the event names and the search words).
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import random
import time
import uuid
from typing import Any

import socketio
from locust import User, between, events, task

NAMESPACE = "/_event"
ANSWER_TIMEOUT_SECONDS = 30.0
_PLAN: dict[str, Any] = json.loads(open(os.environ["LOAD_CLUSTER_PLAN"]).read())  # noqa: SIM115
_NEXT_COOKIE = itertools.count()
_USER_TYPES = ["employee", "assistant", "brukare"]


class LostSession(Exception):
    """The server sent the tab to Logga in: the session is gone."""


class PortalAdmin(User):
    """One signed-in tab on Användare."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.rng = random.Random()
        cookie = _PLAN["cookies"][next(_NEXT_COOKIE) % len(_PLAN["cookies"])]
        self.updates: queue.Queue[dict[str, Any]] = queue.Queue()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("event", self.updates.put, namespace=NAMESPACE)
        self.sio.connect(
            f"{_PLAN['base']}?token={uuid.uuid4()}",
            socketio_path="/_event",
            namespaces=[NAMESPACE],
            transports=["websocket"],
            # websocket-client sends the URL's own origin (the portal's public base URL here);
            # a second Origin header would be joined to it and refused.
            headers={"Cookie": cookie},
            wait_timeout=30,
        )
        self.rows: list[dict[str, Any]] = []
        self.units: list[str] = []
        self.profile_path = ""
        update = self._call("open Användare", "list_load", {}, "/anvandare", "users_state")
        self._remember(update)

    def on_stop(self) -> None:
        self.sio.disconnect()

    # -- the actions ---------------------------------------------------------------------

    @task(6)
    def search(self) -> None:
        word = self.rng.choice(_PLAN["words"])
        update = self._call("search", "set_text", {"value": word}, "/anvandare", "users_state")
        self._remember(update)

    @task(2)
    def filter(self) -> None:
        if self.units and self.rng.random() < 0.5:
            field, value = "unit_id", self.rng.choice(self.units)
        else:
            field, value = "user_type", self.rng.choice(_USER_TYPES)
        payload = {"field": field, "value": value}
        self._remember(self._call("filter", "set_filter", payload, "/anvandare", "users_state"))
        cleared = {"field": field, "value": ""}
        self._remember(self._call("filter", "set_filter", cleared, "/anvandare", "users_state"))

    @task(2)
    def profile(self) -> None:
        if not self.rows:
            return
        row = self.rng.choice(self.rows)
        self.profile_path = f"/anvandare/{row['id']}"
        self._call("profile", "profile_load", {}, self.profile_path, "profile_state")

    @task(1)
    def invitation(self) -> None:
        with_email = [r for r in self.rows if r.get("email")]
        if not with_email:
            return
        path = f"/anvandare/{self.rng.choice(with_email)['id']}"
        self._call("profile", "profile_load", {}, path, "profile_state")
        self._call("invitation", "invite", {}, path, "profile_state")

    # -- one timed round trip -------------------------------------------------------------

    def _call(self, label: str, event: str, payload: dict[str, Any], path: str, answer: str):
        while not self.updates.empty():
            self.updates.get_nowait()
        expected = _PLAN["names"][answer]
        started = time.perf_counter()
        exception: Exception | None = None
        update: dict[str, Any] = {}
        size = 0
        try:
            self.sio.emit(
                "event",
                {
                    "name": _PLAN["names"][event],
                    "payload": payload,
                    "router_data": {"pathname": path, "asPath": path},
                },
                namespace=NAMESPACE,
            )
            deadline = started + ANSWER_TIMEOUT_SECONDS
            while True:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    raise TimeoutError(f"no answer to {event} within {ANSWER_TIMEOUT_SECONDS}s")
                update = self.updates.get(timeout=remaining)
                text = json.dumps(update, ensure_ascii=False)
                if "/logga-in" in text:
                    raise LostSession(text[:300])
                if expected in text:
                    size = len(text)
                    break
        except queue.Empty:
            exception = TimeoutError(f"no answer to {event} within {ANSWER_TIMEOUT_SECONDS}s")
        except Exception as error:  # every failure is counted, none ends the run
            exception = error
        events.request.fire(
            request_type="ws",
            name=label,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=size,
            exception=exception,
            context={},
        )
        return update

    def _remember(self, update: dict[str, Any]) -> None:
        state = update.get("delta", {}).get(_PLAN["names"]["users_state"], {})
        rows = state.get("rows_rx_state_")
        if isinstance(rows, list) and rows:
            self.rows = rows
        units = state.get("units_rx_state_")
        if isinstance(units, list) and units:
            self.units = [str(u["id"]) for u in units if isinstance(u, dict) and u.get("id")]

"""`reflex run`, with Granian told to respawn an app worker that dies.

Reflex 0.10 builds Granian's server itself (reflex/utils/exec.py, run_granian_backend_prod)
and passes only the worker count (GRANIAN_WORKERS) and log settings. Granian's default,
`respawn_failed_workers=False`, ends the whole server when one worker dies: one crashed
worker would take every admin's connection with it. This wrapper makes respawning the
default before handing over to Reflex's own command line, unchanged otherwise.

It also drops one piece of Granian's start-up advice, "Configured number of workers appears
to be higher than the amount of CPU cores": the cluster runs several app workers on purpose
so that an admin's tab survives one dying (the default 3 on a 2-core machine), and they
mostly wait on websockets and PostgreSQL. Any other Granian warning still shows, and the
start-up log stays clean (tests/e2e/test_startup_log.py, in both topologies).

Usage: python -m admin_portal.cluster.web run --env prod --single-port ...
"""

from __future__ import annotations

import logging
import sys
from typing import Any

_WORKERS_OVER_CORES = "Configured number of workers appears to be higher than the amount of CPU"


def _not_workers_over_cores(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith(_WORKERS_OVER_CORES)


def respawn_failed_workers_by_default() -> None:
    """Patch Granian's server so a dead worker is replaced instead of stopping the rest."""
    from granian.server import Server

    original = Server.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("respawn_failed_workers", True)
        original(self, *args, **kwargs)

    Server.__init__ = init  # type: ignore[method-assign]


def quiet_the_workers_over_cores_advice() -> None:
    """Drop Granian's "more workers than cores" warning (see the module docstring).

    A filter on Granian's logger itself: its dictConfig at start-up replaces handlers but
    keeps a logger's filters.
    """
    logging.getLogger("_granian").addFilter(_not_workers_over_cores)


def main() -> None:
    respawn_failed_workers_by_default()
    quiet_the_workers_over_cores_advice()
    from reflex.reflex import cli

    cli(args=sys.argv[1:], prog_name="reflex")


if __name__ == "__main__":
    main()

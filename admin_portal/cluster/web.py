"""`reflex run`, with Granian told to respawn an app worker that dies.

Reflex 0.10 builds Granian's server itself (reflex/utils/exec.py, run_granian_backend_prod)
and passes only the worker count (GRANIAN_WORKERS) and log settings. Granian's default,
`respawn_failed_workers=False`, ends the whole server when one worker dies: one crashed
worker would take every admin's connection with it. This wrapper makes respawning the
default before handing over to Reflex's own command line, unchanged otherwise.

Usage: python -m admin_portal.cluster.web run --env prod --single-port ...
"""

from __future__ import annotations

import sys
from typing import Any


def respawn_failed_workers_by_default() -> None:
    """Patch Granian's server so a dead worker is replaced instead of stopping the rest."""
    from granian.server import Server

    original = Server.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("respawn_failed_workers", True)
        original(self, *args, **kwargs)

    Server.__init__ = init  # type: ignore[method-assign]


def main() -> None:
    respawn_failed_workers_by_default()
    from reflex.reflex import cli

    cli(args=sys.argv[1:], prog_name="reflex")


if __name__ == "__main__":
    main()

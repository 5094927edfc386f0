"""A clean start: `serve` (what `make run` runs) prints no warning and no error (issue 14).

Two used to appear on every start: Reflex's own schema check ("Detected database schema
changes. Run reflex db makemigrations…", about the search structures Alembic's env.py
deliberately ignores) and "Page … is being redefined with the same component" for every page
(prod compiles once before forking the workers and once in each). See rxconfig.py and
admin_portal/admin_portal.py.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

_TROUBLE = re.compile(
    r"warn|error|traceback|deprecat|schema changes|makemigrations|redefined", re.IGNORECASE
)


def test_the_start_up_log_has_no_warnings(portal) -> None:
    output = portal.startup_output
    assert "App running" in output  # the start-up really is in here
    troubled = [line for line in output.splitlines() if _TROUBLE.search(line)]
    assert troubled == [], "start-up printed:\n" + "\n".join(troubled)

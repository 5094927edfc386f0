"""Handler rows of issue 14's Min organisation items (paging, service catalogue, therapists).

Spliced into tests/support/handler_table.py with one line per dict, so that parallel
branches merge without conflicts. Imported by handler_table after its helpers exist.
"""

from __future__ import annotations

from tests.support.handler_table import ADMIN, Access, authorized

_UNIT = "the unit shown (re-checked in scope); cursor = a row id inside that unit's tab"

HANDLERS: dict[str, Access] = {
    # --- Min organisation: search and keyset paging of Inbjudna / Registrerade
    "MyOrganisationState.search": authorized(ADMIN, _UNIT),
    "MyOrganisationState.next_page": authorized(ADMIN, _UNIT),
    "MyOrganisationState.previous_page": authorized(ADMIN, _UNIT),
}

ROUTES: dict[str, Access] = {}

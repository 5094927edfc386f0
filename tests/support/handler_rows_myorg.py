"""Handler rows of issue 14's Min organisation items (paging, service catalogue, therapists).

Spliced into tests/support/handler_table.py with one line per dict, so that parallel
branches merge without conflicts. Imported by handler_table after its helpers exist.
"""

from __future__ import annotations

from tests.support.handler_table import (
    ADMIN,
    SIGNED_IN,
    SUPPORT,
    THERAPIST,
    Access,
    authorized,
    ui_only,
)

_UNIT = "the unit shown (re-checked in scope); cursor = a row id inside that unit's tab"

HANDLERS: dict[str, Access] = {
    # --- Min organisation: search and keyset paging of Inbjudna / Registrerade
    "MyOrganisationState.search": authorized(ADMIN, _UNIT),
    "MyOrganisationState.next_page": authorized(ADMIN, _UNIT),
    "MyOrganisationState.previous_page": authorized(ADMIN, _UNIT),
    # --- Tjänstekatalog (support staff, platform-wide: every organisation's services)
    "CatalogueState.on_open": authorized(SUPPORT, "every organisation's catalogue"),
    "CatalogueState.choose_organisation": authorized(SUPPORT, "an organisation that exists"),
    "CatalogueState.new_service": ui_only("opens an empty form; save re-checks"),
    "CatalogueState.edit_service": authorized(SUPPORT, "a service of the chosen organisation"),
    "CatalogueState.set_form_open": ui_only("the create/edit dialog"),
    "CatalogueState.save": authorized(SUPPORT, "a service of the chosen organisation"),
    "CatalogueState.set_active": authorized(SUPPORT, "one service by id"),
    # --- F4.5: the employee chooses a therapist; the therapist reads their cases
    "TherapistChoiceState.load": authorized(SIGNED_IN, "the caller's own orders"),
    "TherapistChoiceState.choose": authorized(
        SIGNED_IN, "one of the caller's own orders + an active therapist"
    ),
    "TherapistCasesState.on_open": authorized(THERAPIST, "cases the caller was chosen for"),
    "TherapistCasesState.open_case": authorized(
        THERAPIST, "a case the caller was chosen for (each read audited)"
    ),
    "TherapistCasesState.set_case_open": ui_only("closes the case dialog, forgetting its text"),
}

ROUTES: dict[str, Access] = {}

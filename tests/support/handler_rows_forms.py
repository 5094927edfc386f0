"""Handler rows of issue 14's form items (Företag, e-mail clash while typing, the impact
preview before a type or placement change), spliced into handler_table.py."""

from __future__ import annotations

from tests.support.handler_table import ADMIN, Access, authorized, ui_only

_EMAIL_SCOPE = "placement the admin may use; says only 'taken in this company'"
_TARGET_SCOPE = "the user in the URL must be in scope (services.users scope lookup)"

HANDLERS: dict[str, Access] = {
    "UserNewState.check_email": authorized(ADMIN, _EMAIL_SCOPE),
    "UserNewState.choose_company": ui_only("the form (may queue check_email)"),
    "UserNewState.choose_unit": ui_only("the form (may queue check_email)"),
    "UserProfileState.check_email": authorized(ADMIN, _EMAIL_SCOPE),
    "UserProfileState.choose_company": ui_only("the form (may queue check_email)"),
    "UserProfileState.choose_unit": ui_only("the form (may queue check_email)"),
    # The impact preview: save (already a row) previews or saves; these only steer the dialog.
    "UserProfileState.confirm_change": ui_only("Bekräfta's flag; save re-checks the impact"),
    "UserProfileState.set_impact_open": ui_only("closes the impact preview"),
}

ROUTES: dict[str, Access] = {}

"""Handler-table rows added by the house engineer (issue 12), spliced into handler_table.py."""

from __future__ import annotations

from tests.support.handler_table import HEAD_ADMIN, Access, authorized

HANDLERS: dict[str, Access] = {
    "UserBankState.previous_page": authorized(HEAD_ADMIN, "the organisation's user bank"),
}
ROUTES: dict[str, Access] = {}

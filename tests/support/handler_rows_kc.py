"""Kontaktcenter's handler rows (issue 16), spliced into handler_table.py with one line each."""

from __future__ import annotations

# Imported while handler_table.py is loading: its helpers above HANDLERS exist by then.
from tests.support.handler_table import (
    ADMIN,
    HEAD_ADMIN,
    SIGNED_IN,
    Access,
    authorized,
    public,
    ui_only,
)

_GROUPS = "user groups whose company the admin administers (head admin: organisation)"
_AGENT = "the agent in the URL: users write lookup + the agent's group in scope"

HANDLERS: dict[str, Access] = {
    # --- Agent list (/kontaktcenter)
    "AgentListState.load": authorized(ADMIN, "agents of " + _GROUPS),
    "AgentListState.search": authorized(ADMIN, "agents of " + _GROUPS + "; forged group: none"),
    "AgentListState.next_page": authorized(ADMIN, "agents of " + _GROUPS),
    "AgentListState.previous_page": authorized(ADMIN, "agents of " + _GROUPS),
    # --- Lägg till agent (/kontaktcenter/ny)
    "NewAgentState.load": authorized(ADMIN, _GROUPS),
    "NewAgentState.check_numeric_id": authorized(ADMIN, "numeric IDs of the organisation"),
    "NewAgentState.show_used_ids": authorized(ADMIN, "numeric IDs of the organisation"),
    "NewAgentState.use_next_free": authorized(ADMIN, "numeric IDs of the organisation"),
    "NewAgentState.set_login_same": ui_only("a checkbox of the form; submit re-checks"),
    "NewAgentState.add_external_row": ui_only("another Externa användar-ID row"),
    "NewAgentState.choose_group": authorized(ADMIN, "the group's profiles: " + _GROUPS),
    "NewAgentState.toggle_profile": ui_only("only profile ids the tree offered; submit re-checks"),
    "NewAgentState.submit": authorized(ADMIN, "group in scope, users create_user scope"),
    # --- The agent page (/kontaktcenter/agent/<id>)
    "AgentState.load": authorized(ADMIN, _AGENT + " (read)"),
    "AgentState.toggle_profile": ui_only("only profile ids the tree offered; save re-checks"),
    "AgentState.save_group_profiles": authorized(ADMIN, _AGENT + "; profiles of its group"),
    "AgentState.new_profile": ui_only("opens the profile editor"),
    "AgentState.edit_profile": ui_only("only profiles the page shows; save re-checks"),
    "AgentState.set_edit_name": ui_only("the profile editor"),
    "AgentState.toggle_skill": ui_only("only skills the page shows; save re-checks"),
    "AgentState.set_skill_level": ui_only("the profile editor; save re-checks 1–9"),
    "AgentState.cancel_profile": ui_only("closes the profile editor"),
    "AgentState.save_profile": authorized(ADMIN, _AGENT + "; the agent's own profile"),
    "AgentState.delete_profile": authorized(ADMIN, _AGENT + "; the agent's own profile"),
    "AgentState.add_external_row": ui_only("another Externa användar-ID row"),
    "AgentState.save_details": authorized(ADMIN, _AGENT + "; uniqueness in the organisation"),
    "AgentState.save_setting": authorized(ADMIN, _AGENT + "; known setting keys, 0–3600 s"),
    "AgentState.inherit_setting": authorized(ADMIN, _AGENT + "; known setting keys"),
    "AgentState.add_filter": authorized(ADMIN, _AGENT),
    "AgentState.remove_filter": authorized(ADMIN, _AGENT + "; the agent's own filters only"),
    "AgentState.preview_move": authorized(ADMIN, _AGENT + "; target group in scope"),
    "AgentState.cancel_move": ui_only("closes the move preview"),
    "AgentState.confirm_move": authorized(ADMIN, _AGENT + "; target group; queue guard"),
    "AgentState.remove": authorized(ADMIN, _AGENT + "; queue guard"),
    # --- Engångslösenord (/engangslosenord): signed-out people
    "OneTimePasswordState.on_open": public("Engångslösenord page"),
    "OneTimePasswordState.send_code": public(
        "same answer whether or not anyone matched; limited per address and per person"
    ),
    "OneTimePasswordState.redeem": public(
        "the code is the credential: hashed, single use, expiring, guesses limited"
    ),
    # --- Mitt konto, F3.4: the caller's own contact details only
    "OwnContactState.load": authorized(SIGNED_IN, "the caller's own account"),
    "OwnContactState.send_code": authorized(SIGNED_IN, "the caller's own account"),
    "OwnContactState.confirm": authorized(SIGNED_IN, "the caller's own account"),
    # --- /dev/sms (no SMS provider, outside production)
    "DevSmsState.load": authorized(HEAD_ADMIN, "the organisation's local SMS"),
}

ROUTES: dict[str, Access] = {}

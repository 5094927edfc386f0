"""Every entrance of the portal, classified: the handler inventory of issue 11 (part B).

Any connected client can call any registered Reflex event handler with any arguments, and
any HTTP route with any request, whether or not a page offers it. So each handler and route
has exactly one row here; `tests/unit/test_handler_inventory.py` fails on a missing row, on
a row naming something that no longer exists, and on a `set_<var>` setter without a row, and
`tests/unit/test_authorization_matrix.py` calls every authorized row as nine personas.

How to classify a new handler or route
--------------------------------------
Ask what the worst caller can get from it with forged arguments:

- ``public(...)``: meant for people who are not signed in: logging in and out, the token
  pages (Glömt lösenord?, Välj lösenord, Verifiera e-post, Inbjudan) and the cookie routes.
  The service behind it trusts nothing but the credentials or the token it checks.
- ``ui_only(...)``: changes only the caller's own view (a dialog, a tab, the language, a
  selection) and reads or writes no row. A handler that calls a service, or that shows
  rows, is not UI-only, even if a page only uses it to open a dialog.
- ``authorized(need, scope)``: needs a signed-in caller holding ``need`` (``signed_in``,
  ``admin``, ``head_admin``, ``support``; the words of `admin_portal/state/session.py`);
  ``scope`` says what the services check on each object the call names. The handler must
  get its actor from ``SessionState._authorized(need)`` (or its state's ``_actor()``,
  ``_admin()``, ``_head_admin()`` helper, which call it) *before* it returns early for any
  other reason, so that every refused call is recorded as ``authorization_failed``.
- ``framework=True`` marks what Reflex itself registers (hydrate, on_load, client storage,
  /ping, /_upload, ...): listed so that an upgrade adding one fails the inventory.

Handlers are keyed ``"<StateClass>.<handler>"`` (state class names are unique in the app);
routes ``"<path>"`` as Starlette names them. ``pending`` names the issue item whose branch
makes the row true; the matrix expects that row to fail until it is merged (strict xfail).

Setters: Reflex 0.10 creates ``set_<var>`` handlers only when ``state_auto_setters`` is on;
it is off by default and the portal leaves it off, so every ``set_*`` below is written by
hand. ``setvar`` exists on every state: it only calls that state's own ``set_<name>``, so it
is classified once (``ANY_SETVAR``) and each ``set_*`` it can reach has its own row.
"""

from __future__ import annotations

from dataclasses import dataclass

PUBLIC = "public"
UI_ONLY = "ui_only"
AUTHORIZED = "authorized"

SIGNED_IN = "signed_in"
ADMIN = "admin"
HEAD_ADMIN = "head_admin"
SUPPORT = "support"
THERAPIST = "therapist"  # issue 14: platform staff who read the cases they were chosen for


@dataclass(frozen=True)
class Access:
    kind: str
    need: str = ""  # for AUTHORIZED: the role the caller must hold
    scope: str = ""  # for AUTHORIZED: what the services check on each object
    note: str = ""
    framework: bool = False
    pending: str = ""


def public(note: str, *, framework: bool = False) -> Access:
    return Access(PUBLIC, note=note, framework=framework)


def ui_only(note: str = "", *, framework: bool = False) -> Access:
    return Access(UI_ONLY, note=note, framework=framework)


def authorized(need: str, scope: str, *, pending: str = "") -> Access:
    return Access(AUTHORIZED, need=need, scope=scope, pending=pending)


ANY_SETVAR = public(
    "Reflex's setvar: calls the state's own set_<name> handler, each classified below",
    framework=True,
)

_USERS_SCOPE = "users placed in the admin's companies/units (head admin: organisation)"
_TARGET_SCOPE = "the user in the URL must be in scope (services.users scope lookup)"
_REACH = "properties the caller reaches (primary: derived from the agreement)"
_OWN_ACCOUNT = "the caller's own account"
_USER_ADMIN = "properties on which the caller holds Användarhantering"
_AUDIT_SCOPE = "events about people in the admin's scope and their own (head admin: all)"

# Each branch's rows live in a module of their own (imported here, after the helpers they
# use are defined): one splice line per module keeps merges trivial.
from tests.support import (  # noqa: E402
    handler_rows_forms,
    handler_rows_house,
    handler_rows_kc,
    handler_rows_myorg,
    handler_rows_webhooks,
)

HANDLERS: dict[str, Access] = {
    **handler_rows_forms.HANDLERS,
    **handler_rows_kc.HANDLERS,
    **handler_rows_myorg.HANDLERS,
    **handler_rows_webhooks.HANDLERS,
    # --- Reflex's own handlers on rx.State and its internal substates
    "State.hydrate": public("sends the caller's own tab state", framework=True),
    "State.hydrate_and_load": public("hydrate + on_load of the page", framework=True),
    "State.set_is_hydrated": ui_only("a flag of the caller's tab", framework=True),
    "OnLoadInternalState.on_load_internal": public(
        "queues the page's on_load handlers, each classified here", framework=True
    ),
    "OnLoadInternalState.set_is_hydrated": ui_only("a flag of the caller's tab", framework=True),
    "UpdateVarsInternalState.update_vars_internal": ui_only(
        "sets client-storage vars only (language, chosen unit): the browser's own values",
        framework=True,
    ),
    "FrontendEventExceptionState.handle_frontend_exception": public(
        "logs a browser-side error", framework=True
    ),
    # --- SessionState: every page state inherits it
    "SessionState.go_home": public("redirects by the caller's own session"),
    "SessionState.log_out": public("ends the caller's own session, if any"),
    "SessionState.mark_loaded": ui_only("marks the page loaded"),
    "SessionState.set_language": ui_only("the caller's language"),
    "SessionState.check_session": public(
        "the caller's own cookie: an ended or idle session sends the tab to Logga in"
    ),
    "SessionState.require_signed_in": authorized(SIGNED_IN, "page guard"),
    "SessionState.require_admin": authorized(ADMIN, "page guard"),
    "SessionState.require_head_admin": authorized(HEAD_ADMIN, "page guard"),
    # --- Pages for people who are not signed in
    "LoginState.on_open": public("login page"),
    "LoginState.log_in": public("checks the password; throttled per username"),
    "ForgotPasswordState.on_open": public("Glömt lösenord?"),
    "ForgotPasswordState.send_link": public("same answer whether or not anyone matched"),
    "SetPasswordState.on_open": public("token page: describes the link"),
    "SetPasswordState.save": public("token page: the link is the credential"),
    "SetPasswordState.send_new_link": public("token page: mails only the link's owner"),
    "VerifyEmailState.on_open": public("token page: describes the link"),
    "VerifyEmailState.confirm": public("token page: the link is the credential"),
    "InvitationState.on_open": public("token page: invitation acceptance"),
    "InvitationState.accept": public("token page: the link is the credential"),
    # The login's second step acts only on a server-held, hashed, single-use token.
    "SecondStepState.on_open": public("two-factor step: the pending login held server-side"),
    "SecondStepState.submit_code": public("two-factor step: code checked, throttled"),
    "SecondStepState.confirm_enrolment": public("two-factor step: forced enrolment"),
    "SecondStepState.finish": public("two-factor step: a 'passed' token becomes a ticket"),
    "SecondStepState.cancel": ui_only("forgets the pending login and goes to Logga in"),
    # --- Signed-in people
    "MyServicesState.load": authorized(SIGNED_IN, "the caller's own orders"),
    # --- Mitt konto: Byt lösenord, tvåstegsverifiering, the organisation's requirement
    "PasswordChangeState.on_open": ui_only("clears the form"),
    "PasswordChangeState.change": authorized(SIGNED_IN, "the caller's own password"),
    "TwoFactorState.load": authorized(SIGNED_IN, "the caller's own two-factor status"),
    "TwoFactorState.start": authorized(ADMIN, "the caller's own enrolment"),
    "TwoFactorState.confirm": authorized(ADMIN, "the caller's own enrolment"),
    "TwoFactorState.regenerate": authorized(ADMIN, "the caller's own recovery codes"),
    "TwoFactorState.disable": authorized(ADMIN, "the caller's own two-factor"),
    "TwoFactorState.cancel": ui_only("hides the enrolment form"),
    "TwoFactorState.hide_codes": ui_only("hides the recovery codes shown once"),
    "OrganisationSecurityState.set_requirement": authorized(
        HEAD_ADMIN, "the caller's own organisation"
    ),
    "ApiClientsState.load": authorized(HEAD_ADMIN, "the API clients of the caller's organisation"),
    "ApiClientsState.create": authorized(HEAD_ADMIN, "a client of the caller's organisation"),
    "ApiClientsState.rotate": authorized(HEAD_ADMIN, "a client of the caller's organisation"),
    "ApiClientsState.revoke": authorized(HEAD_ADMIN, "a client of the caller's organisation"),
    "ApiClientsState.close_secret": ui_only("forgets the secret shown once"),
    "SupportInboxState.on_open": authorized(SUPPORT, "support notifications"),
    "SupportInboxState.set_show": authorized(SUPPORT, "support notifications"),
    "SupportInboxState.go_to_page": authorized(SUPPORT, "support notifications"),
    "SupportInboxState.handle": authorized(SUPPORT, "one notification by id"),
    # --- Boenden (seed 002): every signed-in account; the services derive reach and rights
    "PropertyAccountState.load_account": authorized(SIGNED_IN, _OWN_ACCOUNT),
    "PropertiesHomeState.load": authorized(SIGNED_IN, _REACH),
    "PropertiesHomeState.search": authorized(SIGNED_IN, _REACH),
    "PropertiesHomeState.next_page": authorized(SIGNED_IN, _REACH + "; cursor held server-side"),
    "PropertiesHomeState.first_page": authorized(SIGNED_IN, _REACH),
    "PropertyNewState.load": authorized(SIGNED_IN, _OWN_ACCOUNT),
    "PropertyNewState.submit": authorized(
        SIGNED_IN, "primary accounts only; the property joins the caller's own agreement"
    ),
    "PropertyUsersState.load": authorized(SIGNED_IN, _USER_ADMIN),
    "PropertyUsersState.choose_property": authorized(SIGNED_IN, _USER_ADMIN),
    "PropertyUsersState.save_rights": authorized(
        SIGNED_IN, _USER_ADMIN + "; listed ordinary users; rights within the caller's"
    ),
    "PropertyUsersState.remove": authorized(
        SIGNED_IN, _USER_ADMIN + "; listed ordinary users; never a primary account"
    ),
    "PropertyAddUserState.load": authorized(SIGNED_IN, _USER_ADMIN),
    "PropertyAddUserState.choose_kind": ui_only("which form shows"),
    "PropertyAddUserState.see_rights": authorized(
        SIGNED_IN, "username + e-mail match, rate-limited, one generic answer"
    ),
    "PropertyAddUserState.save_existing": authorized(
        SIGNED_IN, _USER_ADMIN + "; the person matched again; rights within the caller's"
    ),
    "PropertyAddUserState.next_step": ui_only("keeps the typed name and address in the form"),
    "PropertyAddUserState.send_invitation": authorized(
        SIGNED_IN, _USER_ADMIN + "; rights within the caller's"
    ),
    "PropertyRequestsState.load": authorized(SIGNED_IN, "the caller's own requests"),
    "PropertyRequestsState.send_primary": authorized(SIGNED_IN, "the caller's own account"),
    "PropertyRequestsState.send_ownership": authorized(
        SIGNED_IN, "primary accounts; a property of the caller's own agreement"
    ),
    "PropertyRequestsState.send_termination": authorized(
        SIGNED_IN, "primary accounts; the caller's own agreement"
    ),
    "PropertyInvitationState.on_open": public("token page: describes the Boenden invitation"),
    "PropertyInvitationState.accept": public("token page: the link is the credential"),
    "PropertySupportState.load": authorized(SUPPORT, "property requests of every organisation"),
    "PropertySupportState.approve": authorized(SUPPORT, "one request by id"),
    "PropertySupportState.reject": authorized(SUPPORT, "one request by id"),
    "PropertySupportState.link_exception": authorized(
        SUPPORT, "a primary account and a property of the same organisation"
    ),
    # --- Granskningslogg, /dev/mail
    "AuditLogState.load": authorized(ADMIN, _AUDIT_SCOPE),
    "AuditLogState.apply_filters": authorized(ADMIN, _AUDIT_SCOPE),
    "AuditLogState.clear_filters": authorized(ADMIN, _AUDIT_SCOPE),
    "AuditLogState.next_page": authorized(ADMIN, _AUDIT_SCOPE),
    "AuditLogState.previous_page": authorized(ADMIN, _AUDIT_SCOPE),
    "DevMailState.load": authorized(HEAD_ADMIN, "the local mailbox of the caller's organisation"),
    # --- Användare
    "UsersListState.load": authorized(ADMIN, _USERS_SCOPE),
    "UsersListState.set_text": authorized(ADMIN, _USERS_SCOPE),
    "UsersListState.set_filter": authorized(ADMIN, _USERS_SCOPE),
    "UsersListState.clear_filters": authorized(ADMIN, _USERS_SCOPE),
    "UsersListState.next_page": authorized(ADMIN, _USERS_SCOPE),
    "UsersListState.previous_page": authorized(ADMIN, _USERS_SCOPE),
    "UsersListState.toggle_selected": ui_only("the selection; bulk actions re-check each id"),
    "UsersListState.set_remove_open": ui_only("closes the removal dialog"),
    "UsersListState.open_bulk_remove": authorized(ADMIN, "names of selected users in scope"),
    "UsersListState.bulk_remove": authorized(ADMIN, "each selected user in scope"),
    "UsersListState.open_bulk_verification": authorized(ADMIN, _USERS_SCOPE),
    "UsersListState.set_bulk_open": ui_only("closes the verification dialog"),
    "UsersListState.confirm_bulk_verification": authorized(ADMIN, _USERS_SCOPE),
    "UsersListState.dismiss_bulk_result": ui_only("hides the job summary"),
    "UsersListState.watch_bulk_job": authorized(ADMIN, "the admin's own job (head: any)"),
    # --- Lägg till användare
    "UserNewState.load": authorized(ADMIN, "companies/units in scope"),
    "UserNewState.check_username": authorized(ADMIN, "username verdict"),
    "UserNewState.search_brukare": authorized(ADMIN, "brukare in scope"),
    "UserNewState.choose_brukare": ui_only("only ids the picker offered; submit re-checks"),
    "UserNewState.unchoose_brukare": ui_only("the picker"),
    "UserNewState.set_user_type": ui_only("the form (may queue search_brukare)"),
    "UserNewState.toggle_optional": ui_only("shows optional fields"),
    "UserNewState.set_invite": ui_only("which button was pressed"),
    "UserNewState.submit": authorized(ADMIN, "placement in scope"),
    # --- The profile
    "UserProfileState.load": authorized(ADMIN, _TARGET_SCOPE),
    "UserProfileState.save": authorized(ADMIN, _TARGET_SCOPE),
    "UserProfileState.invite": authorized(ADMIN, _TARGET_SCOPE),
    "UserProfileState.send_verification": authorized(ADMIN, _TARGET_SCOPE),
    "UserProfileState.reveal": authorized(ADMIN, _TARGET_SCOPE + " + reveal grant"),
    "UserProfileState.remove": authorized(ADMIN, _TARGET_SCOPE),
    "UserProfileState.set_remove_open": ui_only("the removal dialog"),
    "UserProfileState.check_username": authorized(ADMIN, "username verdict"),
    "UserProfileState.search_brukare": authorized(ADMIN, "brukare in scope"),
    "UserProfileState.choose_brukare": ui_only("only ids the picker offered; save re-checks"),
    "UserProfileState.unchoose_brukare": ui_only("the picker"),
    "UserProfileState.set_user_type": ui_only("the form (may queue search_brukare)"),
    # --- Import
    "UserImportState.load": authorized(ADMIN, "the admin's own latest import"),
    "UserImportState.upload": authorized(ADMIN, "the admin's own import"),
    "UserImportState.file_rejected": ui_only("the browser refused the file"),
    "UserImportState.set_outcome_filter": authorized(ADMIN, "rows of the shown import"),
    "UserImportState.next_page": authorized(ADMIN, "rows of the shown import"),
    "UserImportState.previous_page": authorized(ADMIN, "rows of the shown import"),
    "UserImportState.apply": authorized(ADMIN, "the shown import (owner or head admin)"),
    "UserImportState.watch_job": authorized(ADMIN, "the admin's own job (head: any)"),
    "UserImportState.start_over": ui_only("hides the shown import"),
    # --- Användarbanken
    "UserBankState.load": authorized(HEAD_ADMIN, "the organisation's user bank"),
    "UserBankState.search": authorized(HEAD_ADMIN, "the organisation's user bank"),
    "UserBankState.next_page": authorized(HEAD_ADMIN, "the organisation's user bank"),
    "UserBankState.select": authorized(HEAD_ADMIN, "a banked user of the organisation"),
    "UserBankState.set_target_company_id": authorized(HEAD_ADMIN, "restore preview"),
    "UserBankState.set_target_unit_id": authorized(HEAD_ADMIN, "restore preview"),
    "UserBankState.restore": authorized(HEAD_ADMIN, "a banked user of the organisation"),
    "UserBankState.erase": authorized(HEAD_ADMIN, "a banked user of the organisation"),
    "UserBankState.save_retention": authorized(HEAD_ADMIN, "the organisation's setting"),
    "UserBankState.close": ui_only("closes the restore panel"),
    # --- Min organisation
    "MyOrganisationState.load": authorized(ADMIN, "units in scope"),
    "MyOrganisationState.switch_unit": authorized(ADMIN, "units in scope (falls back)"),
    "MyOrganisationState.set_tab": ui_only("Inbjudna / Registrerade"),
    "MyOrganisationState.resend": authorized(ADMIN, "an invitation in scope"),
    "MyOrganisationState.revoke": authorized(ADMIN, "an invitation in scope"),
    "MyOrganisationState.open_credits": authorized(ADMIN, "orders of a person in scope"),
    "MyOrganisationState.set_credits_open": ui_only("closes the credits dialog"),
    "MyOrganisationState.submit_credits": authorized(ADMIN, "an order in scope"),
    # --- Bjud in användare
    "InviteState.load": authorized(ADMIN, "units and services in scope"),
    "InviteState.set_role": ui_only("Adminroll only if load() allowed it; submit re-checks"),
    "InviteState.toggle_service": ui_only("only services load() offered"),
    "InviteState.toggle_admin_unit": ui_only("only units load() offered"),
    "InviteState.submit": authorized(ADMIN, "unit, role and services in scope"),
    **handler_rows_house.HANDLERS,
}

# HTTP routes of the app, Reflex's own included. Keyed by Starlette's path.
ROUTES: dict[str, Access] = {
    **handler_rows_forms.ROUTES,
    **handler_rows_kc.ROUTES,
    **handler_rows_myorg.ROUTES,
    **handler_rows_webhooks.ROUTES,
    **handler_rows_house.ROUTES,
    "/ping": public("liveness", framework=True),
    "/_health": public("health of the backend's dependencies", framework=True),
    "/_event": public(
        "the websocket: every event it carries is a handler row above", framework=True
    ),
    "/_upload": public(
        "POST carries a file to the named handler (UserImportState.upload authorizes); the"
        " mount serves the upload folder, which the portal never writes to",
        framework=True,
    ),
    "/api/session": public("swaps a one-minute login ticket for the session cookie"),
    "/api/logout": public("ends the caller's own session and clears the cookie"),
    "/api/anvandare/export.{fmt}": authorized(ADMIN, _USERS_SCOPE),
    # Machine entrances (issue 15): no cookie or persona grants anything here; every route
    # under the mount needs the Bearer secret of a live API client holding the route's
    # scope (api/machine.py), then runs the users services as that client's actor.
    # tests/integration/test_scim_routes.py and test_rest_routes.py cover 401/403/404.
    "/api/v1": public("REST API: Bearer secret of an API client with users:read/users:write"),
    "/scim/v2": public("SCIM 2.0: Bearer secret of an API client with the scim scope"),
    "/api/anvandare/import/{import_id:int}/rapport.csv": authorized(
        ADMIN, "the admin's own import (head admin: the organisation's)"
    ),
}


def access_of(key: str) -> Access | None:
    """The row of one handler key, ``setvar`` of any state included."""
    if key.endswith(".setvar"):
        return ANY_SETVAR
    return HANDLERS.get(key)

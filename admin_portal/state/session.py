"""Who is signed in, re-derived from the HttpOnly cookie on every page load.

Identity never lives in a public var a client could set: the cookie travels with the
websocket handshake and is read server-side here.
"""

from __future__ import annotations

import json
import sys
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from admin_portal import routes
from admin_portal.auth.cookies import session_token_from_header
from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.i18n import LANGUAGES, t
from admin_portal.services.auth.denials import Reason, enter, record_denial
from admin_portal.services.auth.login import SignedIn, end_session, resolve_session, session_status
from admin_portal.services.errors import ServiceError
from admin_portal.services.invitations.my_services import has_ordered_services
from admin_portal.services.organisation import describe_scope
from admin_portal.state.service_call import ServiceCall

# What an authorized handler needs (SessionState._authorized); the handler table in
# tests/support/handler_table.py uses the same words.
SIGNED_IN = "signed_in"
ADMIN = "admin"
HEAD_ADMIN = "head_admin"
SUPPORT = "support"
THERAPIST = "therapist"


def holds(actor: Actor, need: str) -> bool:
    """Does the actor hold the role an entrance needs? Scope is the services' to check."""
    if need == HEAD_ADMIN:
        return actor.is_head_admin
    if need == ADMIN:
        return actor.is_admin
    if need == SUPPORT:
        return actor.is_support
    if need == THERAPIST:
        return actor.is_therapist
    return need == SIGNED_IN


def _entrance_name(state: rx.State) -> str:
    """ "UsersListState.bulk_remove": the nearest event handler of this state on the stack.

    Found from the call stack so that handlers keep calling their small helpers (`_actor()`,
    `_admin()`, ...) unchanged; it names the handler, never its arguments.
    """
    # __class__, not type(): in a background handler `state` is Reflex's StateProxy.
    cls = state.__class__
    handlers = cls.event_handlers
    name, frame = "", sys._getframe(2)
    for _ in range(8):
        if frame is None:
            break
        if frame.f_code.co_name in handlers:
            name = frame.f_code.co_name
            break
        frame = frame.f_back
    return f"{cls.__name__}.{name or '?'}"


def _in_a_fresh_tab(target: str) -> rx.event.EventSpec:
    """Navigate fully to `target` under a new Reflex client token.

    Reflex keys a tab's server-side state by a token it keeps in sessionStorage; without
    it the next page load makes a new one, so nothing the old token's state held can be
    hydrated into this tab again (a full navigation, not a client-side one, also drops
    everything the page held in memory).
    """
    return rx.call_script(
        f"window.sessionStorage.clear(); window.location.replace({json.dumps(target)})"
    )


def _all_state_classes(root: type[rx.State]) -> list[type[rx.State]]:
    found: list[type[rx.State]] = []
    pending = list(root.get_substates())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.get_substates())
    return found


def home_path(session: Session, actor: Actor) -> str:
    """Where a person starts: admins at Användare, support staff at their inbox, a standard
    user at Mina tjänster once something has been ordered for them, else at Mitt konto.

    Args:
        session: An open database session.
        actor: The signed-in person.

    Returns:
        The path of the person's start page.
    """
    if actor.is_admin:
        return routes.ADMIN_HOME
    if actor.is_support:
        return routes.SUPPORT_INBOX
    if actor.is_therapist:
        return routes.THERAPIST_CASES
    return routes.MY_SERVICES if has_ordered_services(session, actor=actor) else routes.MY_ACCOUNT


def _home_of(who: SignedIn) -> str:
    with session_scope() as session:
        return home_path(session, who.actor)


class SessionState(rx.State):
    """Base of every page state: the language and the signed-in person (display only)."""

    lang: str = rx.LocalStorage("sv", name="admin_portal_lang", sync=True)
    signed_in: bool = False
    display_name: str = ""
    username: str = ""
    email: str = ""
    role_key: str = "role.standard"
    is_admin: bool = False
    is_head_admin: bool = False
    is_support: bool = False
    is_therapist: bool = False
    organisation_name: str = ""
    scope_names: list[str] = []
    # The path whose on_load handlers have all run (tests and assistive tech can wait for it).
    loaded_path: str = ""

    def _signed_in(self) -> SignedIn | None:
        """Re-read from the database each call: revocation takes effect at once."""
        raw = session_token_from_header(self.router.headers.cookie)
        if not raw:
            return None
        with session_scope() as session:
            return resolve_session(session, raw_token=raw)

    def _target_id(self) -> int | None:
        """The user a page is about, when its URL names one (recorded with a refusal)."""
        return None

    def _authorized(self, need: str = ADMIN) -> Actor | None:
        """The caller's actor when they hold `need`, else None after recording the refusal.

        Every authorized handler gets its actor here (directly, through `_service`, or
        through its state's `_admin()`-style helper). It also names the entrance, so a service
        refusing on scope or permission later in the same call is recorded under this handler.
        """
        return self._authorize(need)[1]

    def _authorize(self, need: str) -> tuple[SignedIn | None, Actor | None]:
        """`_authorized` for a handler that also shows who is signed in (a page's on_load).

        The session is resolved once: (who is signed in or None, the actor when they hold
        `need` or None after recording the refusal).
        """
        who = self._signed_in()
        return who, self._check(who, need)

    def _check(self, who: SignedIn | None, need: str) -> Actor | None:
        actor = who.actor if who is not None else None
        action, target = _entrance_name(self), self._target_id()
        enter(action, actor, target_id=target)
        if actor is None or not holds(actor, need):
            reason = Reason.SIGNED_OUT if actor is None else Reason.ROLE
            record_denial(action=action, actor=actor, reason=reason, target_id=target)
            return None
        return actor

    def _service(
        self,
        need: str = ADMIN,
        *,
        error: str | None = None,
        catch: tuple[type[ServiceError], ...] = (ServiceError,),
        actor: Actor | None = None,
    ) -> ServiceCall:
        """One authorized call into the services, used as `with self._service(...) as call:`.

        Authorizes at once (a refusal is recorded before anything else happens), opens one
        transaction for the body and turns a `ServiceError` into a message in the user's
        language (state/service_call.py says how).

        Args:
            need: The role the entrance needs (SIGNED_IN, ADMIN, HEAD_ADMIN or SUPPORT).
            error: The name of the state var that shows a refusal's message; None keeps the
                refusal in `call.error` only, for the handler to show.
            catch: The refusals the call catches; others propagate (after the rollback).
            actor: The actor this same event already got from `_authorized(need)` (or
                `_authorize`), so that the session is resolved once per event; None
                authorizes here.

        Returns:
            The call: `call.actor`, `call.session` inside the `with`; `call.ok`,
            `call.refused` and `call.error` after it.
        """
        authorized = actor if actor is not None else self._authorized(need)
        return ServiceCall(self, authorized, error, catch)

    def _text(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def _show(self, who: SignedIn) -> None:
        actor = who.actor
        with session_scope() as session:
            scope = describe_scope(session, actor=actor)
        self.signed_in = True
        self.display_name = actor.full_name
        self.username = who.username
        self.email = who.email or ""
        self.is_admin = actor.is_admin
        self.is_head_admin = actor.is_head_admin
        self.is_support = actor.is_support
        self.is_therapist = actor.is_therapist
        self.role_key = (
            f"role.{actor.role}"
            if actor.role
            else (
                "role.support"
                if actor.is_support
                else ("role.therapist" if actor.is_therapist else "role.standard")
            )
        )
        self.organisation_name = scope.organisation_name
        self.scope_names = [] if actor.is_head_admin else scope.company_names + scope.unit_names

    def _forget(self) -> None:
        self.signed_in = False
        self.display_name = self.username = self.email = self.organisation_name = ""
        self.is_admin = self.is_head_admin = self.is_support = self.is_therapist = False
        self.scope_names = []

    def _wipe_tab(self) -> None:
        """Every var of every loaded substate of this tab back to its default.

        The reset substates are written back to the state store like any change, so the
        old token's stored state no longer holds the previous person's data either. Only
        the language choice (the browser's, not the person's) survives.
        """
        lang = self.lang
        self._get_root_state().reset()
        self._forget()
        self.lang = lang

    def _to_login(self) -> rx.event.EventSpec:
        """No valid session: to Logga in. If one has just ended, with a wiped, fresh tab."""
        path = self.router.url.path or routes.ADMIN_HOME
        with session_scope() as session:
            status = session_status(
                session, raw_token=session_token_from_header(self.router.headers.cookie)
            )
        if not self.signed_in and status == "none":
            self._forget()
            return rx.redirect(routes.login_with_next(path))
        # An expired, revoked or idle session: nothing of that person stays in this tab.
        query = {"next": path, **({"idle": "1"} if status == "idle" else {})}
        self._wipe_tab()
        return _in_a_fresh_tab(f"{routes.LOGIN}?{urlencode(query)}")

    def _guard(self, need: str):  # type: ignore[no-untyped-def]
        """A page guard: no session -> login; without the role -> the caller's home. Both recorded."""
        who = self._signed_in()
        if who is None or not holds(who.actor, need):
            self._check(who, need)  # records the refusal under the guard's name
        if who is None:
            return self._to_login()
        self._show(who)
        return None if holds(who.actor, need) else rx.redirect(_home_of(who))

    @rx.event
    def require_admin(self):
        """on_load of every admin page: no session -> login; no admin role -> Mitt konto."""
        return self._guard(ADMIN)

    @rx.event
    def go_home(self):
        """The start page: admins to Användare, others to Mitt konto, visitors to login."""
        who = self._signed_in()
        if who is None:
            return self._to_login()
        self._show(who)
        return rx.redirect(_home_of(who))

    @rx.event
    def require_head_admin(self):
        return self._guard(HEAD_ADMIN)

    @rx.event
    def require_signed_in(self):
        return self._guard(SIGNED_IN)

    @rx.event
    async def log_out(self):
        """Revoke the session, wipe this tab's whole state tree and give the tab a new token.

        The navigation to /api/logout then lets the server clear the HttpOnly cookie; the
        page it ends on starts under a fresh client token with empty state.
        """
        raw = session_token_from_header(self.router.headers.cookie)
        with session_scope() as session:
            end_session(session, raw_token=raw)
        # A Redis state manager loads only the substates an event needs: load them all, so
        # the reset reaches every one of them (the disk manager has them loaded already).
        for state_cls in _all_state_classes(type(self._get_root_state())):
            await self.get_state(state_cls)
        self._wipe_tab()
        return _in_a_fresh_tab(routes.API_LOGOUT)

    @rx.event
    def check_session(self):
        """UI-only, called by a timer in the page: a session that ended while the tab sat
        idle sends the tab to Logga in. Checking does not count as use."""
        if not self.signed_in:
            return None
        with session_scope() as session:
            status = session_status(
                session, raw_token=session_token_from_header(self.router.headers.cookie)
            )
        return None if status == "live" else self._to_login()

    @rx.event
    def mark_loaded(self):
        """Last on_load handler of every page: the page's data is in place."""
        self.loaded_path = (self.router.url.path or "/").rstrip("/") or "/"

    @rx.event
    def set_language(self, lang: str):
        if lang in LANGUAGES:
            self.lang = lang

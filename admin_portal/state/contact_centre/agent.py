"""The agent page (/kontaktcenter/agent/<id>): settings, group and personal profiles, Flytta.

Personal profiles are edited in the page and saved explicitly (F3.6); while an edit is
unsaved the page asks before it is left. Flytta shows the preview first (F3.8).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from admin_portal import routes
from admin_portal.auth.permissions import Actor
from admin_portal.db import session_scope
from admin_portal.services.contact_centre.agents import remove_agent, update_agent_details
from admin_portal.services.contact_centre.detail import get_agent
from admin_portal.services.contact_centre.moves import move_agent, preview_move
from admin_portal.services.contact_centre.own_values import (
    add_own_filter,
    remove_own_filter,
    set_own_setting,
)
from admin_portal.services.contact_centre.profiles import (
    delete_personal_profile,
    group_profiles,
    personal_profiles,
    save_personal_profile,
    set_group_profiles,
    skills_catalogue,
)
from admin_portal.services.contact_centre.scope import groups_in_scope
from admin_portal.services.errors import NotFound, ServiceError, ValidationFailed
from admin_portal.state.contact_centre.new import EXTERNAL_ROWS_MAX, profile_rows
from admin_portal.state.session import ADMIN, SessionState

# Leaving with an unsaved personal profile asks first: the browser's own prompt for a
# reload or a closed tab, a confirm() for links inside the app (client-side navigation).
_GUARD_ON = """
window.__ccUnsaved = true;
window.onbeforeunload = (e) => { e.preventDefault(); e.returnValue = ''; return ''; };
if (!window.__ccGuard) {
  window.__ccGuard = (e) => {
    const link = e.target.closest && e.target.closest('a[href]');
    if (!window.__ccUnsaved || !link) return;
    if (!window.confirm(%s)) { e.preventDefault(); e.stopImmediatePropagation(); }
  };
  document.addEventListener('click', window.__ccGuard, true);
}
"""
_GUARD_OFF = "window.__ccUnsaved = false; window.onbeforeunload = null;"


class AgentState(SessionState):
    found: bool = True
    agent: dict[str, Any] = {}
    settings: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    externals: list[str] = []
    # The details form (uncontrolled, remounted by `details_version` after each load).
    external_rows: list[dict[str, str]] = []
    details_version: int = 0
    group_profiles: list[dict[str, Any]] = []
    ticked: list[str] = []
    personal: list[dict[str, Any]] = []
    skills: list[dict[str, str]] = []
    groups: list[dict[str, str]] = []
    # The personal profile being edited: "" closed, "new", or the profile id.
    editing: str = ""
    edit_name: str = ""
    edit_levels: dict[str, str] = {}
    unsaved: bool = False
    move_target: str = ""
    preview: dict[str, Any] = {}
    notice: str = ""
    error: str = ""

    def _agent_id(self) -> int | None:
        return routes.user_id_from_path(self.router.url.path)

    def _target_id(self) -> int | None:
        return self._agent_id()

    def _reload(self, actor: Actor) -> None:
        """After a change: the page again, in a transaction of its own."""
        try:
            with session_scope() as session:
                self._fill(session, actor)
        except NotFound:
            self.found, self.agent = False, {}

    def _fill(self, session: Session, actor: Actor) -> None:
        agent_id = self._agent_id()
        detail = get_agent(session, actor=actor, agent_id=agent_id)
        tree = group_profiles(session, actor=actor, group_id=detail.group_id)
        mine = personal_profiles(session, actor=actor, agent_id=agent_id)
        catalogue = skills_catalogue(session, actor=actor)
        groups = groups_in_scope(session, actor=actor)
        self.found = True
        data = dataclasses.asdict(detail)
        self.agent = {
            "id": detail.id,
            "name": detail.name,
            "username": detail.username,
            "numeric_id": "" if detail.numeric_id is None else str(detail.numeric_id),
            "email": detail.email,
            "mobile": detail.mobile,
            "login_id": detail.login_id,
            "keywords": detail.keywords,
            "group": detail.group,
            "group_id": str(detail.group_id),
            "in_queues": ", ".join(detail.in_queues),
        }
        self.settings = [
            {"label": self._text(f"contact_centre.setting.{s['key']}"), **s}
            for s in data["settings"]
        ]
        self.filters = data["filters"]
        self.externals = [f"{s}: {e}" for s, e in detail.external_ids]
        self.external_rows = [
            {"n": str(i), "system": s, "id": e} for i, (s, e) in enumerate(detail.external_ids)
        ] or [{"n": "0", "system": "", "id": ""}]
        self.details_version += 1
        self.group_profiles = profile_rows(tree)
        self.ticked = [str(i) for i in detail.ticked_profile_ids]
        self.personal = profile_rows(mine)
        self.skills = [{"id": str(s.id), "name": s.name} for s in catalogue]
        self.groups = [{"id": str(g.id), "name": g.name} for g in groups if g.id != detail.group_id]

    @rx.event
    def load(self):
        """on_load: the agent if in the actor's scope; nothing else survives a load."""
        self.notice = self.error = self.editing = self.move_target = ""
        self.preview, self.unsaved = {}, False
        with self._service(ADMIN) as call:
            self._fill(call.session, call.actor)
        if not call.ok:
            self.found, self.agent = False, {}
            return None
        return rx.call_script(_GUARD_OFF)

    def _change(self, work: Callable[[Session, Actor], object], done_key: str) -> bool:
        """One change through the state helper; then the page again, or the refusal."""
        with self._service(ADMIN) as call:
            work(call.session, call.actor)
        if call.error is not None:
            self._refused(call.error)
        if not call.ok:
            return False
        self.error, self.notice = "", self._text(done_key)
        self._reload(call.actor)
        return True

    def _refused(self, refusal: ServiceError) -> None:
        if isinstance(refusal, ValidationFailed):
            self.error = self._text(next(iter(refusal.errors.values()), "error.validation"))
        else:
            self.error = self._text(refusal.key, **refusal.params)
        self.notice = ""

    # --- group profiles (F3.5)

    @rx.event
    def toggle_profile(self, profile_id: str):
        """UI-only: tick or untick a shown group profile (saving re-checks the group)."""
        if profile_id not in {p["id"] for p in self.group_profiles}:
            return
        if profile_id in self.ticked:
            self.ticked = [p for p in self.ticked if p != profile_id]
        else:
            self.ticked = [*self.ticked, profile_id]

    @rx.event
    def save_group_profiles(self):
        ticked = [int(p) for p in self.ticked if p.isdigit()]
        self._change(
            lambda session, actor: set_group_profiles(
                session, actor=actor, agent_id=self._agent_id(), profile_ids=ticked
            ),
            "contact_centre.group_profiles_saved",
        )

    # --- personal profiles (F3.6): edited here, saved explicitly

    def _mark_unsaved(self):  # type: ignore[no-untyped-def]
        first = not self.unsaved
        self.unsaved = True
        if first:
            return rx.call_script(
                _GUARD_ON % json.dumps(self._text("contact_centre.unsaved_leave"))
            )
        return None

    @rx.event
    def new_profile(self):
        """UI-only: open an empty editor."""
        self.editing, self.edit_name, self.edit_levels = "new", "", {}
        self.unsaved = False

    @rx.event
    def edit_profile(self, profile_id: str):
        """UI-only: open the editor on one of the shown profiles."""
        found = next((p for p in self.personal if p["id"] == profile_id), None)
        if found is None:
            return
        names = {s["name"]: s["id"] for s in self.skills}
        self.editing, self.edit_name = profile_id, found["name"]
        self.edit_levels = {
            names[s["name"]]: s["level"] for s in found["skills"] if s["name"] in names
        }
        self.unsaved = False

    @rx.event
    def set_edit_name(self, value: str):
        """UI-only: the profile name being typed."""
        self.edit_name = value[:100] if isinstance(value, str) else ""
        return self._mark_unsaved()

    @rx.event
    def toggle_skill(self, skill_id: str):
        """UI-only: include or leave out a skill of the catalogue (level 5 to start)."""
        if skill_id not in {s["id"] for s in self.skills}:
            return
        levels = dict(self.edit_levels)
        if skill_id in levels:
            levels.pop(skill_id)
        else:
            levels[skill_id] = "5"
        self.edit_levels = levels
        return self._mark_unsaved()

    @rx.event
    def set_skill_level(self, skill_id: str, level: str):
        """UI-only: a level 1–9 for an included skill."""
        if skill_id not in self.edit_levels or level not in {str(i) for i in range(1, 10)}:
            return
        self.edit_levels = {**self.edit_levels, skill_id: level}
        return self._mark_unsaved()

    @rx.event
    def cancel_profile(self):
        """UI-only: close the editor and forget the changes."""
        self.editing, self.edit_name, self.edit_levels, self.unsaved = "", "", {}, False
        return rx.call_script(_GUARD_OFF)

    @rx.event
    def save_profile(self):
        """Spara profil: the service checks the agent, the profile, skills and levels."""
        editing = None if self.editing == "new" else self.editing
        profile_id = int(editing) if editing and editing.isdigit() else None
        name, levels = self.edit_name, dict(self.edit_levels)
        saved = self._change(
            lambda session, actor: save_personal_profile(
                session,
                actor=actor,
                agent_id=self._agent_id(),
                profile_id=profile_id,
                name=name,
                skills=levels,
            ),
            "contact_centre.profile_saved",
        )
        if not saved:
            return None
        self.editing, self.edit_name, self.edit_levels, self.unsaved = "", "", {}, False
        return rx.call_script(_GUARD_OFF)

    @rx.event
    def delete_profile(self, profile_id: str):
        wanted = int(profile_id) if str(profile_id).isdigit() else None
        self._change(
            lambda session, actor: delete_personal_profile(
                session, actor=actor, agent_id=self._agent_id(), profile_id=wanted
            ),
            "contact_centre.profile_deleted",
        )

    # --- Nyckelord, Inloggnings-ID, Externa användar-ID

    @rx.event
    def add_external_row(self):
        """UI-only: "+" adds another Externa användar-ID row."""
        if len(self.external_rows) < EXTERNAL_ROWS_MAX:
            n = str(len(self.external_rows))
            self.external_rows = [*self.external_rows, {"n": n, "system": "", "id": ""}]

    @rx.event
    def save_details(self, form: dict[str, Any]):
        """Spara agentuppgifter: the service checks lengths and uniqueness."""
        data = form if isinstance(form, dict) else {}
        pairs = [
            (data.get(f"ext_system_{r['n']}", ""), data.get(f"ext_id_{r['n']}", ""))
            for r in self.external_rows
        ]
        self._own_change(
            lambda session, actor: update_agent_details(
                session,
                actor=actor,
                agent_id=self._agent_id(),
                keywords=data.get("keywords", ""),
                login_id=data.get("login_id", ""),
                external_ids=pairs,
            )
        )

    # --- own values and own resource filters (they stay across a move)

    def _own_change(self, change: Callable[[Session, Actor], object]) -> None:
        self._change(change, "contact_centre.setting_saved")

    @rx.event
    def save_setting(self, form: dict[str, Any]):
        """Spara eget värde: the service checks the key, the value and the agent."""
        data = form if isinstance(form, dict) else {}
        self._own_change(
            lambda session, actor: set_own_setting(
                session,
                actor=actor,
                agent_id=self._agent_id(),
                key=data.get("key"),
                value=data.get("value") if isinstance(data.get("value"), str) else "x",
            )
        )

    @rx.event
    def inherit_setting(self, key: str):
        """Ärv från gruppen: the own value goes; the group's applies."""
        self._own_change(
            lambda session, actor: set_own_setting(
                session, actor=actor, agent_id=self._agent_id(), key=key, value=None
            )
        )

    @rx.event
    def add_filter(self, form: dict[str, Any]):
        data = form if isinstance(form, dict) else {}
        self._own_change(
            lambda session, actor: add_own_filter(
                session, actor=actor, agent_id=self._agent_id(), name=data.get("name")
            )
        )

    @rx.event
    def remove_filter(self, name: str):
        self._own_change(
            lambda session, actor: remove_own_filter(
                session, actor=actor, agent_id=self._agent_id(), name=name
            )
        )

    # --- Flytta (F3.8) and removal (F3.7)

    @rx.event
    def preview_move(self, form: dict[str, Any]):
        """Visa vad som ändras: the preview of a move to the chosen group (reads only)."""
        raw = form.get("group_id") if isinstance(form, dict) else None
        target = raw if isinstance(raw, str) and raw.isdigit() else ""
        with self._service(ADMIN) as call:
            actor = call.actor
            self.move_target, self.preview = target, {}
            if not target:
                raise ValidationFailed({"group_id": "contact_centre.group_required"})
            found = preview_move(
                call.session, actor=actor, agent_id=self._agent_id(), group_id=int(target)
            )
        if call.error is not None:
            self._refused(call.error)
        if not call.ok:
            return

        def label(key: str) -> str:
            return self._text(f"contact_centre.setting.{key}")

        self.error = ""
        self.preview = {
            "heading": self._text(
                "contact_centre.move_from_to", from_group=found.from_group, to_group=found.to_group
            ),
            "profiles_lost": found.profiles_lost,
            "profiles_gained": found.profiles_gained,
            "own_kept": [
                self._text("contact_centre.value_kept", setting=label(c.key), value=c.before)
                for c in found.own_values_kept
            ],
            "inherited_changed": [
                self._text(
                    "contact_centre.value_change",
                    setting=label(c.key),
                    before=c.before,
                    after=c.after,
                )
                for c in found.inherited_changed
            ],
            "own_filters_kept": found.own_filters_kept,
            "filters_lost": found.filters_lost,
            "filters_gained": found.filters_gained,
            "refusal": (
                self._text("contact_centre.in_queue", queues=", ".join(found.in_queues))
                if found.in_queues
                else ""
            ),
        }

    @rx.event
    def cancel_move(self):
        """UI-only: close the preview."""
        self.preview, self.move_target = {}, ""

    @rx.event
    def confirm_move(self):
        """Flytta agenten: the service refuses while the agent is in a queue."""
        target = self.move_target
        group_id = int(target) if target.isdigit() else None
        name = next((g["name"] for g in self.groups if g["id"] == target), "")
        moved = self._change(
            lambda session, actor: move_agent(
                session, actor=actor, agent_id=self._agent_id(), group_id=group_id
            ),
            "contact_centre.moved",
        )
        if moved:
            self.preview, self.move_target = {}, ""
            self.notice = self._text("contact_centre.moved", group=name)

    @rx.event
    def remove(self):
        """Ta bort agent: refused while the agent is in a queue ("inloggad i kö")."""
        with self._service(ADMIN) as call:
            remove_agent(call.session, actor=call.actor, agent_id=self._agent_id())
        if call.error is not None:
            self._refused(call.error)
        if not call.ok:
            return None
        return rx.redirect(routes.CONTACT_CENTRE)

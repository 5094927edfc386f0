"""The impact preview on the profile (issue 14): a type or placement change asks first.

Spara runs the same checks as the save and, when the type or placement changes, shows what
will happen (services/users/change_impact.py) instead of saving. Bekräfta submits the form
again; the save goes ahead only if the impact is still exactly the one shown.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.services.users.change_impact import ChangeImpact
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import preview_user_update, update_user


class ChangePreviewMixin(rx.State, mixin=True):
    impact_open: bool = False
    impact_refreshed: bool = False  # shown again because something changed meanwhile
    impact_type: str = ""
    impact_placement: str = ""
    impact_grants: list[str] = []
    impact_gained: str = ""
    impact_links: list[str] = []
    impact_links_outside: str = ""
    change_confirmed: bool = False  # set by Bekräfta just before it submits the form
    _impact_shown: dict[str, Any] = {}

    def _close_impact(self) -> None:
        self.impact_open = self.impact_refreshed = False
        self._impact_shown = {}

    def _show_impact(self, impact: ChangeImpact, *, refreshed: bool) -> None:
        text = self._text  # type: ignore[attr-defined]
        self.impact_type = (
            text(
                "change.type",
                old=text(f"type.{impact.type_from}"),
                new=text(f"type.{impact.type_to}"),
            )
            if impact.type_changed
            else ""
        )
        none = text("change.placement_none")
        self.impact_placement = (
            text(
                "change.placement",
                old=impact.placement_from or none,
                new=impact.placement_to or none,
            )
            if impact.placement_changed
            else ""
        )
        self.impact_grants = list(impact.grants_lost)
        self.impact_gained = (
            text("change.grant_gained", scope=impact.grant_gained) if impact.grant_gained else ""
        )
        self.impact_links = list(impact.links_lost)
        self.impact_links_outside = (
            text("change.links_outside", count=impact.links_lost_outside)
            if impact.links_lost_outside
            else ""
        )
        self._impact_shown = impact.as_dict()
        self.impact_open, self.impact_refreshed = True, refreshed

    def _save_or_preview(
        self, session: Session, actor: Actor, user_id: int, data: UserInput
    ) -> bool:
        """True when saved; False when the impact is shown for confirmation instead.

        Raises what `preview_user_update` and `update_user` raise.
        """
        confirmed, self.change_confirmed = self.change_confirmed, False
        shown = ChangeImpact.from_dict(self._impact_shown) if self._impact_shown else None
        self._close_impact()
        impact = preview_user_update(session, actor=actor, user_id=user_id, data=data)
        if impact.changed and not (confirmed and shown == impact):
            self._show_impact(impact, refreshed=confirmed)
            return False
        update_user(session, actor=actor, user_id=user_id, data=data, expected=impact)
        return True

    @rx.event
    def confirm_change(self, confirmed: bool):
        self.change_confirmed = confirmed is True

    @rx.event
    def set_impact_open(self, is_open: bool):
        # Avbryt and Escape close the preview; only Spara opens it.
        if is_open is not True:
            self._close_impact()

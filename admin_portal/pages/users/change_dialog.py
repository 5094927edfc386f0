"""The impact preview on the profile (issue 14): what a type or placement change will do.

Opened by the state when Spara would change the type or placement; Bekräfta submits the
profile form again (the button belongs to it through the `form` attribute, since the dialog
is rendered outside the form), Avbryt closes it and nothing is saved.
"""

from __future__ import annotations

import reflex as rx

from admin_portal.components.i18n import tx
from admin_portal.state.users.profile import UserProfileState as S

PROFILE_FORM_ID = "profile-form"


def _line(text: rx.Var) -> rx.Component:
    return rx.cond(text != "", rx.el.li(text))


def _list(heading_key: str, items: rx.Var, list_id: str) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        rx.box(
            rx.text(tx(heading_key), weight="medium", id=list_id + "-heading"),
            rx.el.ul(
                rx.foreach(items, lambda item: rx.el.li(item)),
                aria_labelledby=list_id + "-heading",
                id=list_id,
            ),
        ),
    )


def change_dialog() -> rx.Component:
    name = S.profile["first_name"].to(str) + " " + S.profile["last_name"].to(str)
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(tx("change.title", name=name)),
            rx.alert_dialog.description(tx("change.intro")),
            rx.cond(
                S.impact_refreshed,
                rx.callout(tx("change.impact_changed"), icon="info", role="status", size="1"),
            ),
            rx.vstack(
                rx.el.ul(
                    _line(S.impact_type),
                    _line(S.impact_placement),
                    _line(S.impact_gained),
                    id="change-summary",
                ),
                _list("change.grants_lost", S.impact_grants, "change-grants-lost"),
                _list("change.links_lost", S.impact_links, "change-links-lost"),
                rx.cond(S.impact_links_outside != "", rx.text(S.impact_links_outside)),
                rx.hstack(
                    rx.alert_dialog.cancel(
                        rx.button(
                            tx("change.cancel"), variant="soft", color_scheme="gray", type="button"
                        )
                    ),
                    rx.button(
                        tx("change.confirm"),
                        type="submit",
                        form=PROFILE_FORM_ID,
                        on_click=S.confirm_change(True),
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                margin_top="1em",
                align="start",
                width="100%",
            ),
        ),
        open=S.impact_open,
        on_open_change=S.set_impact_open,
    )

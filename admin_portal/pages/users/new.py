"""Lägg till användare."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.components.user_fields import (
    brukare_picker,
    form_error,
    name_fields,
    optional_fields,
    type_and_placement,
    username_field,
)
from admin_portal.pages.loading import on_load
from admin_portal.state.session import SessionState
from admin_portal.state.users.new import UserNewState as S


@rx.page(
    route=routes.USER_NEW,
    title="Lägg till användare – Adminportalen",
    on_load=on_load(SessionState.require_admin, S.load),
)
def user_new_page() -> rx.Component:
    return admin_page(
        "users.new_title",
        rx.form(
            rx.vstack(
                rx.text(
                    rx.cond(
                        S.unit_choice_only,
                        tx("users.new_intro_unit"),
                        rx.cond(
                            S.preselected_company != "",
                            tx("users.new_intro_one_company", company=S.preselected_company),
                            tx("users.new_intro"),
                        ),
                    ),
                    id="user-new-intro",
                ),
                form_error(S),
                name_fields(S, {}),
                username_field(S, {}),
                # Keyed by the preselection: the uncontrolled select shows it once loaded.
                rx.box(
                    type_and_placement(
                        S,
                        {"company_id": S.preselected_company_id},
                        unit_only=S.unit_choice_only,
                    ),
                    key="placement-" + S.preselected_company_id,
                    width="100%",
                ),
                brukare_picker(S),
                rx.button(
                    rx.cond(S.show_optional, tx("users.hide_optional"), tx("users.show_optional")),
                    type="button",
                    variant="soft",
                    aria_expanded=rx.cond(S.show_optional, "true", "false"),
                    aria_controls="optional-fields",
                    on_click=S.toggle_optional,
                ),
                # Hidden with CSS, never unmounted: what was typed there survives the toggle.
                rx.box(
                    optional_fields(S, {}),
                    id="optional-fields",
                    width="100%",
                    display=rx.cond(S.show_optional, "block", "none"),
                ),
                rx.hstack(
                    rx.button(
                        tx("users.save_only"), type="submit", size="3", on_click=S.set_invite(False)
                    ),
                    rx.button(
                        tx("users.save_and_invite"),
                        type="submit",
                        size="3",
                        variant="outline",
                        on_click=S.set_invite(True),
                    ),
                    rx.link(tx("profile.back"), href=routes.USERS),
                    spacing="4",
                    align="center",
                ),
                spacing="4",
                width="100%",
                max_width="860px",
            ),
            on_submit=S.submit,
            reset_on_submit=False,
            # Our own messages at each field, in the admin's language, not the browser's.
            no_validate=True,
        ),
    )

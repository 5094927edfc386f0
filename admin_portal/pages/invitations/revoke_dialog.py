"""Återkalla on a row of Inbjudna: asks first, and says what revoking does."""

from __future__ import annotations

import reflex as rx

from admin_portal.components.i18n import tx
from admin_portal.state.invitations.my_organisation import MyOrganisationState as S


def revoke_dialog(row: rx.Var) -> rx.Component:
    """The row's Återkalla button and its confirmation (an alert dialog named by its title).

    Revoking cannot be undone (the invitation cannot be sent again, only a new one), so the
    button only opens the dialog; its confirm button calls the handler.
    """
    name = row["name"].to(str)
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                tx("org.revoke"),
                size="1",
                variant="outline",
                color_scheme="red",
                type="button",
                aria_label=tx("org.revoke") + ": " + name,
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(tx("org.revoke_confirm.title", name=name)),
            rx.alert_dialog.description(tx("org.revoke_confirm.body", name=name)),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        tx("org.revoke_confirm.cancel"),
                        variant="soft",
                        color_scheme="gray",
                        high_contrast=True,
                        type="button",
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(
                        tx("org.revoke_confirm.confirm"),
                        color_scheme="red",
                        # Radix's plain solid red is 3.5:1 with white text; this is darker.
                        high_contrast=True,
                        type="button",
                        on_click=S.revoke(row["id"]),
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
    )

"""The Boenden invitation link (/boenden/inbjudan?token=…): create the new ordinary account."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import primary_button, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import plain_page
from admin_portal.components.new_password import new_password_fields
from admin_portal.components.page_error import error_callout
from admin_portal.pages.loading import on_load
from admin_portal.state.properties.invitation import PropertyInvitationState as S


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(tx("properties.accept.intro", name=S.invitee, properties=S.invited_to)),
            text_field(
                field_id="accept-username",
                label=tx("properties.accept.username"),
                name="username",
                error=S.username_error,
                hint=tx("properties.accept.username_hint"),
                autocomplete="username",
                required=True,
            ),
            *new_password_fields(
                id_prefix="accept",
                password_label=tx("properties.accept.password"),
                repeat_label=tx("properties.accept.repeat"),
                password_error=S.password_error,
                repeat_error=S.repeat_error,
                required=True,
            ),
            primary_button(tx("properties.accept.submit")),
            spacing="3",
            width="100%",
        ),
        on_submit=S.accept,
        reset_on_submit=False,
    )


@rx.page(
    route=routes.PROPERTY_INVITATION,
    title="Inbjudan till boenden – Adminportalen",
    on_load=on_load(S.on_open),
)
def property_invitation_page() -> rx.Component:
    return plain_page(
        tx("properties.accept.title"),
        rx.cond(
            S.link_error != "",
            rx.vstack(
                error_callout(S.link_error),
                rx.link(tx("nav.my_account"), href=routes.LOGIN),
            ),
            _form(),
        ),
    )

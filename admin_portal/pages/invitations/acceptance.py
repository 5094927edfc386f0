"""Inbjudan (/inbjudan): the invited person chooses a username and a password (F4.8).

Opening the page does not use the link; dead links get a page that says what to do.
"""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import primary_button, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import plain_page
from admin_portal.components.new_password import dead_link, new_password_fields
from admin_portal.components.page_error import error_callout
from admin_portal.pages.loading import on_load
from admin_portal.state.invitations.acceptance import InvitationState as S
from admin_portal.state.session import SessionState


def _dead_link(message_key: str, *, to_login: bool = False) -> rx.Component:
    way_on = rx.link(tx("acceptance.to_login"), href=routes.LOGIN) if to_login else None
    return dead_link(tx(message_key), way_on=way_on)


def _services() -> rx.Component:
    return rx.cond(
        S.services_sv.length() > 0,
        rx.box(
            rx.text(tx("acceptance.services"), weight="medium"),
            rx.el.ul(
                rx.cond(
                    SessionState.lang == "en",
                    rx.foreach(S.services_en, lambda name: rx.el.li(name)),
                    rx.foreach(S.services_sv, lambda name: rx.el.li(name)),
                ),
                id="invited-services",
                style={"paddingLeft": "1.25em", "marginTop": "0.25em"},
            ),
            width="100%",
        ),
    )


def _form() -> rx.Component:
    return rx.vstack(
        rx.text(tx("acceptance.greeting", name=S.first_name), size="4", weight="bold"),
        rx.text(tx("acceptance.intro", organisation=S.invited_to, unit=S.unit_name)),
        _services(),
        rx.cond(
            S.page_error != "",
            error_callout(S.page_error),
        ),
        rx.form(
            rx.vstack(
                text_field(
                    field_id="invite-username",
                    label=tx("acceptance.username"),
                    name="username",
                    autocomplete="username",
                    required=True,
                    error=S.username_error,
                    hint=tx("acceptance.username_hint"),
                ),
                *new_password_fields(
                    id_prefix="invite",
                    password_label=tx("acceptance.password"),
                    repeat_label=tx("acceptance.repeat"),
                    password_error=S.password_error,
                    repeat_error=S.repeat_error,
                    password_hint=tx("acceptance.password_hint"),
                    required=True,
                ),
                primary_button(tx("acceptance.submit"), width="100%"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.accept,
            # A refused attempt keeps everything typed in place.
            reset_on_submit=False,
            width="100%",
        ),
        width="100%",
    )


@rx.page(
    route=routes.INVITATION,
    title="Inbjudan – Adminportalen",
    on_load=on_load(S.on_open),
)
def invitation_page() -> rx.Component:
    return plain_page(
        tx("acceptance.title"),
        rx.cond(
            S.accepted,
            rx.hstack(rx.spinner(), rx.text(tx("acceptance.creating")), role="status"),
            rx.match(
                S.link_state,
                ("valid", _form()),
                ("expired", _dead_link("acceptance.link_expired")),
                ("revoked", _dead_link("acceptance.link_revoked")),
                ("used", _dead_link("acceptance.link_used", to_login=True)),
                ("unknown", _dead_link("acceptance.link_unknown")),
                rx.spinner(),
            ),
        ),
    )

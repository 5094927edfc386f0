"""Mitt konto: where every signed-in person without admin rights lands."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.components.layout import logout_button, plain_page
from admin_portal.components.password_change import password_change_section
from admin_portal.components.session_watch import session_watch
from admin_portal.components.two_factor import organisation_security_section, two_factor_section
from admin_portal.pages.contact_centre.own_contact import own_contact_section
from admin_portal.pages.loading import on_load
from admin_portal.state.auth.password_change import PasswordChangeState
from admin_portal.state.auth.two_factor import TwoFactorState
from admin_portal.state.contact_centre.own_contact import OwnContactState
from admin_portal.state.session import SessionState


def _row(label_key: str, value: rx.Var) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(tx(label_key)), rx.data_list.value(value))


@rx.page(
    route=routes.MY_ACCOUNT,
    title="Mitt konto – Adminportalen",
    on_load=on_load(
        SessionState.require_signed_in,
        PasswordChangeState.on_open,
        TwoFactorState.load,  # fills the organisation's section too
        OwnContactState.load,
    ),
)
def my_account_page() -> rx.Component:
    return plain_page(
        tx("my_account.title"),
        rx.text(tx("my_account.intro")),
        rx.data_list.root(
            _row("my_account.name", SessionState.display_name),
            _row("my_account.username", SessionState.username),
            _row("my_account.email", SessionState.email),
        ),
        rx.link(tx("nav.my_services"), href=routes.MY_SERVICES),
        # Boenden (seed 002): primary and ordinary accounts start here after signing in.
        rx.link(tx("nav.properties"), href=routes.PROPERTIES),
        rx.cond(
            SessionState.is_admin,
            rx.link(tx("nav.users"), href=routes.USERS),
            rx.text(tx("my_account.no_admin"), size="2", color_scheme="gray"),
        ),
        # F3.4: someone without e-mail and mobile adds their own (seed 003).
        own_contact_section(),
        password_change_section(),
        two_factor_section(),
        organisation_security_section(),
        logout_button(),
        session_watch(),
    )

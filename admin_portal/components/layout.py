"""The admin shell (sidebar, header, main) and the simple frame for signed-out pages."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.components.language_switch import language_switch
from admin_portal.components.properties_menu import account_menu
from admin_portal.components.session_watch import session_watch
from admin_portal.state.session import SessionState

NAV_ITEMS = [
    (routes.USERS, "nav.users"),
    (routes.ORGANISATION, "nav.organisation"),
    (routes.CONTACT_CENTRE, "nav.contact_centre"),
    (routes.AUDIT_LOG, "nav.audit"),
]


def _nav_link(href: str, key: str) -> rx.Component:
    # Gray, high contrast: the default accent link fails WCAG contrast once visited.
    return rx.el.li(
        rx.link(
            tx(key), href=href, size="3", weight="medium", color_scheme="gray", high_contrast=True
        )
    )


def sidebar() -> rx.Component:
    return rx.el.nav(
        rx.text(tx("app.name"), size="4", weight="bold", margin_bottom="1em"),
        rx.el.ul(
            # Support staff use this shell for their inbox but administer nothing.
            rx.cond(
                SessionState.is_admin,
                rx.fragment(
                    *[_nav_link(href, key) for href, key in NAV_ITEMS[:2]],
                    # F0.4: the user bank is for head administrators only.
                    rx.cond(
                        SessionState.is_head_admin, _nav_link(routes.USER_BANK, "nav.user_bank")
                    ),
                    rx.cond(
                        SessionState.is_head_admin,
                        _nav_link(routes.API_CLIENTS, "api_clients.title"),
                    ),
                    *[_nav_link(href, key) for href, key in NAV_ITEMS[2:]],
                ),
            ),
            rx.cond(
                SessionState.is_support,
                _nav_link(routes.SUPPORT_INBOX, "nav.support_inbox"),
            ),
            rx.cond(
                SessionState.is_support,
                _nav_link(routes.SERVICE_CATALOGUE, "catalogue.nav"),
            ),
            rx.cond(
                SessionState.is_therapist,
                _nav_link(routes.THERAPIST_CASES, "therapist.nav"),
            ),
            # Boenden: every signed-in account may reach properties (primary or ordinary).
            _nav_link(routes.PROPERTIES, "nav.properties"),
            _nav_link(routes.MY_SERVICES, "nav.my_services"),
            # Where admins turn on two-factor sign-in (and head admins require it).
            _nav_link(routes.MY_ACCOUNT, "nav.my_account"),
            style={"listStyle": "none", "padding": 0, "display": "grid", "gap": "0.75em"},
        ),
        aria_label=tx("nav.main"),
        style={
            "minWidth": "220px",
            "padding": "1.5em",
            "borderRight": "1px solid var(--gray-5)",
            "minHeight": "100vh",
        },
    )


def logout_button() -> rx.Component:
    return rx.button(tx("action.logout"), variant="soft", size="2", on_click=SessionState.log_out)


def header() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.vstack(
                rx.text(
                    tx("header.organisation"),
                    ": ",
                    rx.text.strong(SessionState.organisation_name),
                    size="2",
                ),
                rx.cond(
                    SessionState.is_admin,
                    rx.text(
                        tx("header.scope"),
                        ": ",
                        rx.cond(
                            SessionState.is_head_admin,
                            tx("header.scope_all"),
                            SessionState.scope_names.join(", "),
                        ),
                        size="2",
                    ),
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.text(
                tx("header.signed_in_as"),
                " ",
                rx.text.strong(SessionState.display_name),
                " (",
                _role_label(),
                ")",
                size="2",
            ),
            account_menu(),
            language_switch(),
            logout_button(),
            align="center",
            spacing="4",
            width="100%",
        ),
        style={"padding": "1em 1.5em", "borderBottom": "1px solid var(--gray-5)"},
    )


def _role_label() -> rx.Component:
    return rx.match(
        SessionState.role_key,
        ("role.head_admin", tx("role.head_admin")),
        ("role.admin", tx("role.admin")),
        ("role.support", tx("role.support")),
        ("role.therapist", tx("role.therapist")),
        tx("role.standard"),
    )


def _ready_marker() -> dict:
    # Tests wait for this: the page is hydrated and its on_load handlers have run.
    return {
        "data-ready": rx.cond(rx.State.is_hydrated, "yes", "no"),
        "data-loaded-path": SessionState.loaded_path,
    }


def admin_page(title_key: str, *children: rx.Component) -> rx.Component:
    return rx.hstack(
        sidebar(),
        rx.box(
            header(),
            rx.el.main(
                rx.heading(tx(title_key), as_="h1", size="7", margin_bottom="0.5em"),
                *children,
                style={"padding": "1.5em"},
            ),
            session_watch(),
            width="100%",
        ),
        spacing="0",
        align="start",
        width="100%",
        custom_attrs=_ready_marker(),
    )


def coming_soon(title_key: str) -> rx.Component:
    return admin_page(
        title_key,
        rx.callout(tx("coming_soon.body"), icon="info", title=tx("coming_soon.title")),
    )


def plain_page(title: rx.Var | str, *children: rx.Component) -> rx.Component:
    """Signed-out pages and Mitt konto: a centred card, the language switch on top."""
    return rx.center(
        rx.el.main(
            rx.card(
                rx.vstack(
                    rx.hstack(rx.spacer(), language_switch(), width="100%"),
                    rx.heading(title, as_="h1", size="6"),
                    *children,
                    spacing="4",
                    width="100%",
                ),
                size="4",
                width="min(440px, 92vw)",
            ),
        ),
        min_height="100vh",
        custom_attrs=_ready_marker(),
    )


def page_or_not_found(allowed: rx.Var, page: rx.Component) -> rx.Component:
    """`page` to whoever may see it; to anyone else "not found", so it does not reveal itself.

    Args:
        allowed: The state's var saying the signed-in user may see the page.
        page: The page.

    Returns:
        The page or the not-found card.
    """
    return rx.cond(
        allowed,
        page,
        plain_page(
            tx("support.not_found"),
            rx.link(tx("nav.my_account"), href=routes.MY_ACCOUNT),
        ),
    )

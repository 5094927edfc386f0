"""/dev/mail: the local mailbox of a development or test deployment without a Resend key.

The page is registered only where the mailbox exists (not in production, no Resend key),
so elsewhere the path is simply not found; the service refuses on its own as well, and
only a signed-in head administrator gets past `require_head_admin` and the service.
"""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.config import get_settings
from admin_portal.pages.loading import on_load
from admin_portal.state.admin_pages import DevMailState
from admin_portal.state.session import SessionState


def _message(mail: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(tx("dev_mail.to"), ": ", rx.text.strong(mail["to_address"])),
            rx.text(
                tx("dev_mail.subject"),
                ": ",
                rx.text.strong(mail["subject"]),
                class_name="mail-subject",
            ),
            rx.text(
                tx("dev_mail.status"),
                ": ",
                mail["status"],
                " · ",
                tx("dev_mail.created"),
                ": ",
                mail["created_at"],
                size="2",
            ),
            rx.el.pre(mail["text_body"], style={"whiteSpace": "pre-wrap", "fontSize": "13px"}),
            rx.foreach(
                mail["links"].to(list[str]),
                lambda link: rx.el.a(link, href=link, class_name="mail-link"),
            ),
            spacing="2",
            align="start",
        ),
        width="100%",
        class_name="mail-message",
    )


def dev_mail_page() -> rx.Component:
    return rx.el.main(
        rx.heading(tx("dev_mail.title"), as_="h1", size="6"),
        rx.cond(
            DevMailState.available,
            rx.fragment(
                rx.text(tx("dev_mail.intro")),
                rx.text(tx("dev_mail.scope")),
                rx.cond(
                    DevMailState.messages.length() == 0,
                    rx.text(tx("dev_mail.empty")),
                    rx.vstack(rx.foreach(DevMailState.messages, _message), width="100%"),
                ),
            ),
            rx.text(tx("dev_mail.unavailable")),
        ),
        style={"padding": "1.5em", "maxWidth": "900px", "margin": "0 auto"},
    )


# Decided when the app is built: a production build, or one that sends through Resend,
# has no /dev/mail page at all.
if get_settings().local_mailbox_enabled:
    rx.page(
        route=routes.DEV_MAIL,
        title="Utkorg – Adminportalen",
        on_load=on_load(SessionState.require_head_admin, DevMailState.load),
    )(dev_mail_page)

"""/dev/mail: the local mailbox, outside production only."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.pages.loading import on_load
from admin_portal.state.admin_pages import DevMailState


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


@rx.page(route=routes.DEV_MAIL, title="Utkorg – Adminportalen", on_load=on_load(DevMailState.load))
def dev_mail_page() -> rx.Component:
    return rx.el.main(
        rx.heading(tx("dev_mail.title"), as_="h1", size="6"),
        rx.text(tx("dev_mail.intro")),
        rx.cond(
            DevMailState.messages.length() == 0,
            rx.text(tx("dev_mail.empty")),
            rx.vstack(rx.foreach(DevMailState.messages, _message), width="100%"),
        ),
        style={"padding": "1.5em", "maxWidth": "900px", "margin": "0 auto"},
    )

"""The Mitt konto section of F3.4 (shown only to people without e-mail and mobile)."""

from __future__ import annotations

import reflex as rx

from admin_portal.components.forms import primary_button, text_field
from admin_portal.components.i18n import tx
from admin_portal.state.contact_centre.own_contact import OwnContactState as S


def _kind(value: str, key: str) -> rx.Component:
    box_id = f"own-contact-{value}"
    return rx.el.label(
        rx.el.input(
            type="radio", name="kind", value=value, id=box_id, default_checked=value == "mobile"
        ),
        " ",
        tx(key),
        html_for=box_id,
        style={"marginRight": "1.5em"},
    )


def own_contact_section() -> rx.Component:
    return rx.cond(
        S.needs_contact | (S.notice != ""),
        rx.box(
            rx.heading(tx("own_contact.title"), as_="h2", size="4"),
            rx.cond(S.notice != "", rx.text(S.notice, role="status")),
            rx.cond(S.error != "", rx.text(S.error, role="alert", color_scheme="red")),
            rx.cond(
                S.needs_contact,
                rx.vstack(
                    rx.text(tx("own_contact.intro")),
                    rx.form(
                        rx.vstack(
                            rx.el.fieldset(
                                rx.el.legend(tx("own_contact.kind")),
                                _kind("mobile", "own_contact.kind_mobile"),
                                _kind("email", "own_contact.kind_email"),
                            ),
                            text_field(
                                field_id="own-contact-value",
                                label=tx("own_contact.value"),
                                name="value",
                            ),
                            primary_button(tx("own_contact.send")),
                            align="start",
                        ),
                        on_submit=S.send_code,
                        aria_label=tx("own_contact.send"),
                    ),
                    rx.cond(
                        S.pending_kind != "",
                        rx.form(
                            rx.vstack(
                                text_field(
                                    field_id="own-contact-code",
                                    label=tx("own_contact.code"),
                                    name="code",
                                    autocomplete="one-time-code",
                                ),
                                primary_button(tx("own_contact.confirm")),
                                align="start",
                            ),
                            on_submit=S.confirm,
                            aria_label=tx("own_contact.confirm"),
                        ),
                    ),
                    align="start",
                ),
            ),
            width="100%",
        ),
    )

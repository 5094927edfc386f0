"""Tvåstegsverifiering: the pieces shared by Mitt konto and the login's second step."""

from __future__ import annotations

import reflex as rx

from admin_portal.components.forms import text_field
from admin_portal.components.i18n import tx
from admin_portal.state.auth.organisation_security import OrganisationSecurityState as Sec
from admin_portal.state.auth.two_factor import TwoFactorState as S


def code_field(
    field_id: str, error: rx.Var | str, label_key: str = "two_factor.code_label"
) -> rx.Component:
    return text_field(
        field_id=field_id,
        label=tx(label_key),
        name="code",
        error=error,
        autocomplete="one-time-code",
        input_mode="text",
        spell_check=False,
        auto_capitalize="off",
    )


def qr_and_secret(qr_svg: rx.Var, secret_text: rx.Var) -> rx.Component:
    """The QR code (inline SVG, drawn on the server) and the same secret as text."""
    return rx.vstack(
        rx.text(tx("two_factor.scan_intro"), size="2"),
        rx.html(
            qr_svg,
            role="img",
            aria_label=tx("two_factor.qr_label"),
            style={"width": "200px", "height": "200px", "background": "#fff"},
            class_name="two-factor-qr",
        ),
        rx.text(tx("two_factor.manual_intro"), size="2"),
        rx.code(secret_text, id="two-factor-secret", size="3", style={"wordBreak": "break-all"}),
        spacing="2",
        width="100%",
    )


def recovery_code_list(codes: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading(tx("two_factor.codes_heading"), as_="h3", size="3"),
        rx.text(tx("two_factor.codes_intro"), size="2"),
        rx.el.ul(
            rx.foreach(codes, lambda code: rx.el.li(rx.code(code, size="3"))),
            aria_label=tx("two_factor.codes_heading"),
            style={"listStyle": "none", "padding": 0, "columns": 2},
        ),
        spacing="2",
        width="100%",
    )


def _enrolment() -> rx.Component:
    return rx.vstack(
        qr_and_secret(S.qr_svg, S.secret_text),
        rx.form(
            rx.vstack(
                code_field("two-factor-confirm-code", S.confirm_error),
                rx.hstack(
                    rx.button(tx("two_factor.confirm"), type="submit"),
                    rx.button(
                        tx("two_factor.cancel"), type="button", variant="soft", on_click=S.cancel
                    ),
                ),
                width="100%",
            ),
            on_submit=S.confirm,
            reset_on_submit=True,
            width="100%",
        ),
        width="100%",
    )


def _regenerate_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(tx("two_factor.regenerate_intro"), size="2"),
            code_field("two-factor-regenerate-code", S.regenerate_error),
            rx.button(tx("two_factor.regenerate"), type="submit", variant="soft"),
            width="100%",
        ),
        on_submit=S.regenerate,
        reset_on_submit=True,
        width="100%",
    )


def _disable_form() -> rx.Component:
    return rx.cond(
        S.organisation_requires,
        rx.text(tx("two_factor.required_note"), size="2"),
        rx.form(
            rx.vstack(
                rx.text(tx("two_factor.disable_intro"), size="2"),
                text_field(
                    field_id="two-factor-disable-password",
                    label=tx("two_factor.password_label"),
                    name="password",
                    input_type="password",
                    autocomplete="current-password",
                ),
                code_field(
                    "two-factor-disable-code", S.disable_error, "two_factor.code_or_recovery_label"
                ),
                rx.button(
                    tx("two_factor.disable"), type="submit", variant="soft", color_scheme="red"
                ),
                width="100%",
            ),
            on_submit=S.disable,
            reset_on_submit=True,
            width="100%",
        ),
    )


def _enrolled() -> rx.Component:
    return rx.vstack(
        rx.text(tx("two_factor.status_on"), weight="medium"),
        rx.text(tx("two_factor.codes_left", count=S.codes_left), size="2"),
        _regenerate_form(),
        rx.divider(),
        _disable_form(),
        width="100%",
    )


def two_factor_section() -> rx.Component:
    """Mitt konto's Tvåstegsverifiering section (administrators, or anyone already enrolled)."""
    return rx.cond(
        S.available,
        rx.el.section(
            rx.vstack(
                rx.heading(tx("two_factor.heading"), as_="h2", size="4", id="two-factor-heading"),
                rx.cond(S.notice != "", rx.callout(S.notice, icon="info", role="status")),
                rx.cond(S.new_codes.length() > 0, recovery_code_list(S.new_codes)),
                rx.cond(
                    S.enrolled,
                    _enrolled(),
                    rx.cond(
                        S.secret_text != "",
                        _enrolment(),
                        rx.vstack(
                            rx.text(
                                rx.cond(
                                    S.organisation_requires,
                                    tx("two_factor.status_required"),
                                    tx("two_factor.status_off"),
                                ),
                                size="2",
                            ),
                            rx.button(tx("two_factor.enable"), on_click=S.start),
                        ),
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            aria_labelledby="two-factor-heading",
            width="100%",
        ),
    )


def organisation_security_section() -> rx.Component:
    """Säkerhet (head administrators): require two-factor of every administrator."""
    return rx.cond(
        Sec.shown,
        rx.el.section(
            rx.vstack(
                rx.heading(tx("security.heading"), as_="h2", size="4", id="security-heading"),
                rx.text(
                    rx.cond(
                        Sec.requires_two_factor,
                        tx("security.requirement_is_on"),
                        tx("security.requirement_is_off"),
                    ),
                    size="2",
                ),
                rx.cond(Sec.notice != "", rx.callout(Sec.notice, icon="check", role="status")),
                rx.cond(
                    Sec.error != "",
                    rx.callout(Sec.error, icon="triangle_alert", color_scheme="red", role="alert"),
                ),
                rx.cond(
                    Sec.requires_two_factor,
                    rx.button(
                        tx("security.turn_off"),
                        variant="soft",
                        on_click=Sec.set_requirement(False),
                    ),
                    rx.button(tx("security.turn_on"), on_click=Sec.set_requirement(True)),
                ),
                spacing="3",
                width="100%",
            ),
            aria_labelledby="security-heading",
            width="100%",
        ),
    )

"""Logga in, second step: the code from the app, or the enrolment the organisation requires."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import live_submit
from admin_portal.components.i18n import tx
from admin_portal.components.layout import plain_page
from admin_portal.components.two_factor import code_field, qr_and_secret, recovery_code_list
from admin_portal.pages.loading import on_load
from admin_portal.state.auth.two_factor_login import SecondStepState as S


def _code_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(tx("two_factor.login_intro")),
            code_field("login-two-factor-code", S.error, "two_factor.code_or_recovery_label"),
            rx.button(tx("two_factor.verify"), **live_submit(size="3", width="100%")),
            width="100%",
        ),
        on_submit=S.submit_code,
        reset_on_submit=True,
        width="100%",
    )


def _enrol_step() -> rx.Component:
    return rx.vstack(
        rx.text(tx("two_factor.login_enrol_intro")),
        qr_and_secret(S.qr_svg, S.secret_text),
        rx.form(
            rx.vstack(
                code_field("login-two-factor-confirm-code", S.error),
                rx.button(tx("two_factor.confirm"), **live_submit(size="3", width="100%")),
                width="100%",
            ),
            on_submit=S.confirm_enrolment,
            reset_on_submit=True,
            width="100%",
        ),
        width="100%",
    )


def _codes_step() -> rx.Component:
    return rx.vstack(
        recovery_code_list(S.recovery_codes),
        rx.button(tx("two_factor.continue"), size="3", width="100%", on_click=S.finish),
        width="100%",
    )


@rx.page(
    route=routes.LOGIN_SECOND_STEP,
    title="Tvåstegsverifiering – Adminportalen",
    on_load=on_load(S.on_open),
)
def two_factor_login_page() -> rx.Component:
    return plain_page(
        tx("two_factor.login_title"),
        rx.match(
            S.mode,
            ("code", _code_step()),
            ("enrol", _enrol_step()),
            ("codes", _codes_step()),
            rx.text(tx("two_factor.loading"), size="2"),
        ),
        rx.cond(
            S.mode != "codes",
            rx.button(tx("two_factor.cancel_login"), variant="ghost", on_click=S.cancel),
        ),
    )

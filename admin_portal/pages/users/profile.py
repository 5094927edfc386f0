"""The user's profile page (/anvandare/<id>)."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.components.remove_confirm import remove_confirm_form
from admin_portal.components.user_fields import (
    brukare_picker,
    form_error,
    name_fields,
    optional_fields,
    type_and_placement,
    username_field,
)
from admin_portal.mail.kinds import MAIL_KINDS
from admin_portal.pages.loading import on_load
from admin_portal.pages.users.change_dialog import PROFILE_FORM_ID, change_dialog
from admin_portal.state.revealed_national_id import REVEALED_NATIONAL_ID
from admin_portal.state.session import SessionState
from admin_portal.state.users.profile import UserProfileState as S

_FIELDS = [
    "first_name",
    "last_name",
    "username",
    "user_type",
    "company_id",
    "unit_id",
    "email",
    "mobile",
    "language",
    "notes",
]


def _values() -> dict:
    values = {field: S.profile[field] for field in _FIELDS}
    values["national_id"] = ""  # the stored number never travels to the browser unasked
    return values


def national_id_block() -> rx.Component:
    revealed = REVEALED_NATIONAL_ID.value
    return rx.hstack(
        rx.text(tx("profile.national_id_masked"), ": ", weight="medium"),
        rx.text(
            rx.cond(
                revealed != "",
                revealed,
                rx.cond(
                    S.profile["national_id_masked"] != "",
                    S.profile["national_id_masked"],
                    tx("profile.none"),
                ),
            ),
            id="national-id-value",
            # Leaving the profile drops the number from the browser's memory too.
            on_unmount=REVEALED_NATIONAL_ID.set_value(""),
        ),
        rx.cond(
            S.profile["can_reveal_national_id"]
            & (S.profile["national_id_masked"] != "")
            & (revealed == ""),
            rx.button(
                tx("profile.reveal"), type="button", size="1", variant="soft", on_click=S.reveal
            ),
        ),
        align="center",
    )


def _may_change() -> rx.Var:
    return S.profile["may_change"].to(bool)


_MAIL_WORDS = (
    *("pending", "sending", "sent", "local", "dead", "cancelled"),
    *("delivered", "bounced", "complained", "delivery_delayed"),
)


def _mail_word(word: rx.Var) -> rx.Component:
    # Rendered here, not at load: a language switch changes it at once.
    return rx.match(word, *[(w, tx(f"mail_status.{w}")) for w in _MAIL_WORDS], "")


def _mail_kind(kind: rx.Var) -> rx.Component:
    return rx.match(kind, *[(k, tx(f"mail_kind.{k}")) for k in MAIL_KINDS], kind)


def invitation_block() -> rx.Component:
    """F0.6: the welcome link, only for an account without a password (finding A.1)."""
    return rx.vstack(
        rx.cond(
            S.profile["has_password"].to(bool),
            rx.text(tx("profile.has_password"), size="2", id="invitation-has-password"),
            rx.fragment(
                rx.cond(
                    S.profile["invitation_delivery"] != "",
                    rx.text(
                        tx("webhooks.latest_invitation"),
                        ": ",
                        _mail_word(S.profile["invitation_delivery"]),
                        size="2",
                        id="invitation-delivery",
                    ),
                ),
                rx.cond(
                    S.profile["invitation_pending_until"] != "",
                    rx.text(
                        tx(
                            "profile.invitation_pending",
                            until=S.profile["invitation_pending_until"],
                        ),
                        size="2",
                    ),
                ),
                rx.cond(
                    _may_change(),
                    rx.button(
                        rx.cond(
                            S.profile["invitation_pending_until"] != "",
                            tx("profile.resend_invitation"),
                            tx("profile.send_invitation"),
                        ),
                        type="button",
                        variant="outline",
                        on_click=S.invite,
                        aria_describedby="invitation-error",
                    ),
                ),
            ),
        ),
        rx.text(
            S.invitation_error,
            id="invitation-error",
            color_scheme="red",
            size="2",
            role=rx.cond(S.invitation_error != "", "alert", "none"),
        ),
        align="start",
    )


def login_connection_block() -> rx.Component:
    """F1.1: the login connection, and the verification mail that activates it."""
    return rx.vstack(
        rx.heading(tx("verification.heading"), as_="h2", size="4"),
        rx.cond(
            S.profile["email_verified"].to(bool),
            rx.badge(
                tx("verification.connection_active"), color_scheme="green", high_contrast=True
            ),
            rx.badge(
                tx("verification.connection_inactive"), color_scheme="gray", high_contrast=True
            ),
        ),
        rx.cond(
            S.profile["email_bounced"].to(bool),
            rx.text(tx("verification.bounced_notice"), size="2", id="email-bounced-notice"),
        ),
        rx.cond(
            S.profile["email_stopped"].to(bool),
            rx.text(tx("webhooks.address_stopped"), size="2", id="email-stopped-notice"),
        ),
        rx.cond(
            ~S.profile["email_verified"].to(bool) & _may_change(),
            rx.form(
                rx.vstack(
                    text_field(
                        field_id="verification-email",
                        label=tx("verification.email_label"),
                        name="verification_email",
                        input_type="email",
                        autocomplete="off",
                        error=S.verification_error,
                        hint=tx("verification.email_hint"),
                        default_value=S.profile["email"].to(str),
                    ),
                    rx.button(tx("verification.send"), type="submit", variant="outline"),
                    align="start",
                    width="100%",
                ),
                on_submit=S.send_verification,
                reset_on_submit=False,
                no_validate=True,
                key=S.verification_version.to_string() + "-" + S.version.to_string(),
                width="100%",
            ),
        ),
        align="start",
        width="100%",
    )


def _outside_note(key: str, count: rx.Var) -> rx.Component:
    """Linked people outside the viewer's scope: how many, never who (A.9)."""
    return rx.cond(count.to(int) > 0, rx.text(tx(key, count=count), size="2"))


def links_block() -> rx.Component:
    outside = S.profile["assistants_outside"]
    return rx.cond(
        S.profile["user_type"] == "brukare",
        rx.box(
            rx.heading(tx("profile.linked_assistants"), as_="h2", size="4"),
            rx.cond(
                (S.profile["assistants"].to(list).length() == 0) & (outside.to(int) == 0),
                rx.text(tx("profile.no_links"), size="2"),
                rx.el.ul(
                    rx.foreach(
                        S.profile["assistants"].to(list[dict[str, str]]),
                        lambda a: rx.el.li(rx.link(a["label"], href=routes.USERS + "/" + a["id"])),
                    )
                ),
            ),
            _outside_note("profile.assistants_outside", outside),
        ),
    )


def mail_history() -> rx.Component:
    columns = [
        "profile.mail_created",
        "profile.mail_kind",
        "profile.mail_subject",
        "profile.mail_status",
        "profile.mail_sent",
    ]
    return rx.box(
        rx.heading(tx("profile.mail_history"), as_="h2", size="4", margin_bottom="0.5em"),
        rx.cond(
            S.mail_history.length() == 0,
            rx.text(tx("profile.mail_none"), size="2"),
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(tx(c)) for c in columns])
                ),
                rx.table.body(
                    rx.foreach(
                        S.mail_history,
                        lambda m: rx.table.row(
                            rx.table.cell(m["created_at"]),
                            rx.table.cell(_mail_kind(m["kind"])),
                            rx.table.cell(m["subject"]),
                            rx.table.cell(_mail_word(m["status"])),
                            rx.table.cell(m["sent_at"]),
                        ),
                    )
                ),
                width="100%",
            ),
        ),
        width="100%",
    )


def remove_dialog() -> rx.Component:
    name = S.profile["first_name"].to(str) + " " + S.profile["last_name"].to(str)
    return rx.cond(_may_change(), _remove_dialog(name))


def _remove_dialog(name: rx.Var) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(tx("profile.remove"), color_scheme="red", variant="soft", type="button")
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(tx("profile.remove_title", name=name)),
            rx.alert_dialog.description(tx("profile.remove_body", name=name)),
            remove_confirm_form(field_id="remove-reason", on_submit=S.remove),
        ),
        open=S.remove_open,
        on_open_change=S.set_remove_open,
    )


def profile_form() -> rx.Component:
    values = _values()
    return rx.form(
        rx.vstack(
            # An admin out of reach is shown, not editable: the service would refuse anyway.
            rx.el.fieldset(
                rx.vstack(
                    name_fields(S, values),
                    username_field(S, values),
                    type_and_placement(S, values),
                    brukare_picker(S),
                    rx.cond(
                        S.user_type == "assistant",
                        _outside_note("profile.brukare_outside", S.profile["brukare_outside"]),
                    ),
                    spacing="4",
                    width="100%",
                ),
                disabled=~_may_change(),
                style={"border": "none", "padding": 0, "margin": 0, "minWidth": 0},
                width="100%",
            ),
            national_id_block(),
            rx.el.fieldset(
                optional_fields(S, values),
                disabled=~_may_change(),
                style={"border": "none", "padding": 0, "margin": 0, "minWidth": 0},
                width="100%",
            ),
            rx.cond(_may_change(), rx.button(tx("profile.save"), type="submit", size="3")),
            spacing="4",
            width="100%",
        ),
        on_submit=S.save,
        reset_on_submit=False,
        # Our own messages at each field, in the admin's language, not the browser's.
        no_validate=True,
        key=S.version.to_string(),  # remount with the freshly loaded values
        id=PROFILE_FORM_ID,  # Bekräfta in the impact preview submits this form
        width="100%",
    )


@rx.page(
    route=routes.USER_PROFILE,
    title="Användarprofil – Adminportalen",
    on_load=on_load(SessionState.require_admin, S.load),
)
def user_profile_page() -> rx.Component:
    return admin_page(
        "profile.title",
        rx.cond(
            S.found,
            rx.vstack(
                rx.link(tx("profile.back"), href=routes.USERS),
                rx.heading(
                    S.profile["first_name"].to(str) + " " + S.profile["last_name"].to(str),
                    as_="h2",
                    size="6",
                ),
                rx.cond(
                    S.notice != "", rx.callout(S.notice, icon="info", role="status", width="100%")
                ),
                rx.cond(
                    ~_may_change(),
                    rx.callout(tx("profile.out_of_reach"), icon="lock", id="profile-out-of-reach"),
                ),
                form_error(S),
                profile_form(),
                change_dialog(),
                rx.divider(),
                invitation_block(),
                rx.divider(),
                login_connection_block(),
                links_block(),
                mail_history(),
                rx.divider(),
                remove_dialog(),
                spacing="4",
                width="100%",
                max_width="860px",
            ),
            rx.callout(tx("error.not_found"), icon="triangle_alert", role="alert"),
        ),
    )

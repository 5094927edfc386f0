"""What every "choose a password" page shares: the two password fields and the dead-link page.

Välj lösenord (a welcome or reset link), Inbjudan (Min organisation) and the Boenden
invitation all ask for a new password twice and, when their link is dead, say so and show
the way on.
"""

from __future__ import annotations

import reflex as rx

from admin_portal.components.forms import text_field


def new_password_fields(
    *,
    id_prefix: str,
    password_label: rx.Var | str,
    repeat_label: rx.Var | str,
    password_error: rx.Var,
    repeat_error: rx.Var,
    password_hint: rx.Var | str | None = None,
    required: bool = False,
) -> list[rx.Component]:
    """The new password and its repetition, named "password" and "repeat" in the form.

    Args:
        id_prefix: The fields' ids are "<prefix>-password" and "<prefix>-repeat" unless the
            prefix is "", which gives the Välj lösenord ids "new-password"/"repeat-password".
        password_label: Label of the first field.
        repeat_label: Label of the second field.
        password_error: The first field's message.
        repeat_error: The second field's message.
        password_hint: Help text under the first field.
        required: Mark both fields required.

    Returns:
        The two fields, in order.
    """
    ids = (
        (f"{id_prefix}-password", f"{id_prefix}-repeat")
        if id_prefix
        else ("new-password", "repeat-password")
    )
    return [
        text_field(
            field_id=ids[0],
            label=password_label,
            name="password",
            input_type="password",
            autocomplete="new-password",
            required=required,
            error=password_error,
            hint=password_hint,
        ),
        text_field(
            field_id=ids[1],
            label=repeat_label,
            name="repeat",
            input_type="password",
            autocomplete="new-password",
            required=required,
            error=repeat_error,
        ),
    ]


def dead_link(
    message: rx.Component | rx.Var | str, *, way_on: rx.Component | None = None
) -> rx.Component:
    """A link that no longer works: an amber callout saying why, then the way on (a link)."""
    return rx.vstack(
        rx.callout(
            message,
            icon="triangle_alert",
            color_scheme="amber",
            high_contrast=True,
            role="alert",
        ),
        way_on if way_on is not None else rx.fragment(),
        width="100%",
    )

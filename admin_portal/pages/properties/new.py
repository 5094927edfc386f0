"""Lägg till nytt boende (/boenden/nytt): the registration page of a primary account."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.forms import option, primary_button, select_field, text_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.components.page_error import page_error
from admin_portal.components.properties_parts import guided_way
from admin_portal.pages.loading import on_load
from admin_portal.services.properties import PROPERTY_TYPES
from admin_portal.state.properties.new import PropertyNewState as S


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(tx("properties.new.intro", number=S.agreement_number)),
            text_field(
                field_id="property-name",
                label=tx("properties.new.name"),
                name="name",
                error=S.name_error,
                required=True,
            ),
            text_field(
                field_id="property-address",
                label=tx("properties.new.address"),
                name="address",
                error=S.address_error,
                required=True,
            ),
            select_field(
                field_id="property-type",
                label=tx("properties.new.type"),
                name="property_type",
                options=[option(k, tx(f"properties.type.{k}")) for k in PROPERTY_TYPES],
                error=S.property_type_error,
            ),
            text_field(
                field_id="property-agreement",
                label=tx("properties.new.agreement"),
                name="agreement_number",
                hint=tx("properties.new.agreement_hint"),
                default_value=S.agreement_number,
                key=S.agreement_number,
            ),
            primary_button(tx("properties.new.submit")),
            spacing="4",
            max_width="32em",
            width="100%",
        ),
        on_submit=S.submit,
        reset_on_submit=False,
    )


@rx.page(
    route=routes.PROPERTY_NEW,
    title="Lägg till nytt boende – Adminportalen",
    on_load=on_load(S.load),
)
def property_new_page() -> rx.Component:
    return admin_page(
        "properties.new.title",
        rx.vstack(
            page_error(S.page_error),
            rx.cond(S.other_agreement, guided_way()),
            rx.cond(
                S.saved_message != "",
                rx.callout(
                    S.saved_message,
                    icon="check",
                    color_scheme="green",
                    role="status",
                    high_contrast=True,
                ),
            ),
            rx.cond(S.is_primary, _form()),
            rx.link(tx("properties.home.title"), href=routes.PROPERTIES),
            spacing="4",
            width="100%",
        ),
    )

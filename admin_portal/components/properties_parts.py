"""Pieces of the Boenden pages: the rights grid, the guided way (F2.4), the why-not (F2.5)."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.i18n import tx
from admin_portal.models import ALL_RIGHTS
from admin_portal.state.session import SessionState


def right_label(right: rx.Var) -> rx.Component:
    """The catalogue name of a right code, in the chosen language."""
    return rx.match(
        right,
        *[(r, tx(f"properties.right.{r}")) for r in ALL_RIGHTS],
        right,
    )


def type_label(kind: rx.Var) -> rx.Component:
    from admin_portal.services.properties import PROPERTY_TYPES

    return rx.match(kind, *[(k, tx(f"properties.type.{k}")) for k in PROPERTY_TYPES], kind)


def _right_checkbox(item: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=item["field"], value="on"),
        " ",
        right_label(item["right"]),
        style={"display": "flex", "gap": "0.4em", "alignItems": "center"},
    )


def rights_grid(grid: rx.Var) -> rx.Component:
    """One fieldset per property with a checkbox for each right the signed-in person holds."""
    return rx.foreach(
        grid,
        lambda row: rx.el.fieldset(
            rx.el.legend(rx.text(row["name"], weight="bold")),
            rx.foreach(row["rights"].to(list[dict]), _right_checkbox),
            style={
                "border": "1px solid var(--gray-6)",
                "borderRadius": "var(--radius-3)",
                "padding": "0.75em 1em",
                "display": "grid",
                "gap": "0.4em",
            },
        ),
    )


def guided_way() -> rx.Component:
    """F2.4: a property of another agreement goes to a new ordinary login instead."""
    return rx.callout.root(
        rx.callout.text(rx.text(tx("properties.guide.title"), weight="bold")),
        rx.el.ol(
            rx.el.li(tx("properties.guide.step1")),
            rx.el.li(tx("properties.guide.step2")),
            rx.el.li(tx("properties.guide.step3")),
            rx.el.li(tx("properties.guide.step4")),
            style={"margin": "0.5em 0 0.5em 1.25em"},
        ),
        rx.link(
            tx("properties.guide.link"),
            href=f"{routes.PROPERTY_ADD_USER}?typ=ny",
            id="guided-way",
            weight="bold",
            color_scheme="gray",
            high_contrast=True,
        ),
        color_scheme="blue",
        high_contrast=True,
        id="other-agreement-guide",
    )


def why_not_removed(name: rx.Var) -> rx.Component:
    """F2.5: where one would look for "Ta bort", the reason it is not there."""
    return rx.el.details(
        rx.el.summary(
            rx.cond(
                SessionState.lang == "en",
                rx.Var.create("Remove ") + name.to(str) + "?",
                rx.Var.create("Ta bort ") + name.to(str) + "?",
            ),
            style={"cursor": "pointer"},
        ),
        rx.text(tx("properties.remove.why"), size="2", max_width="36em"),
        rx.link(tx("properties.request.ownership"), href=routes.PROPERTY_REQUESTS, size="2"),
    )

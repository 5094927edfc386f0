"""A link that downloads from an API route (exports, reports) instead of routing the SPA."""

from __future__ import annotations

import reflex as rx


def download_link(label: rx.Var, href: rx.Var | str, link_id: str) -> rx.Component:
    """<a download> to an API route. Reflex renders anchors as React Router links, which
    would route the click client-side to a "page" that does not exist; reloadDocument
    leaves the click to the browser, which downloads."""
    return rx.el.a(
        label,
        href=href,
        download="",
        id=link_id,
        custom_attrs={"reloadDocument": True},
        style={"color": "var(--gray-12)", "textDecoration": "underline", "fontWeight": "500"},
    )

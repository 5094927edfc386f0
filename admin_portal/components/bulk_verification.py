"""F1.2 on the users list: the toolbar button, its confirmation, and the job's progress."""

from __future__ import annotations

from typing import Any

import reflex as rx

from admin_portal.components.i18n import tx


def _reason_list(items: rx.Var, list_id: str) -> rx.Component:
    return rx.el.ul(rx.foreach(items, lambda item: rx.el.li(item["label"])), id=list_id)


def bulk_verification_dialog(state: Any) -> rx.Component:
    """The button acts on the current search and filters; the dialog says who gets a mail."""
    return rx.alert_dialog.root(
        rx.button(
            tx("bulk_verification.button"),
            variant="outline",
            size="3",
            on_click=state.open_bulk_verification,
            disabled=(state.bulk_status == "queued") | (state.bulk_status == "running"),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(tx("bulk_verification.title")),
            rx.alert_dialog.description(
                tx("bulk_verification.will_send", count=state.bulk_will_send)
            ),
            rx.cond(
                state.bulk_skipped.length() > 0,
                rx.box(
                    rx.text(tx("bulk_verification.skipped_heading"), weight="medium"),
                    _reason_list(state.bulk_skipped, "bulk-verification-skipped"),
                ),
            ),
            rx.cond(
                state.bulk_error != "",
                rx.callout(state.bulk_error, color_scheme="red", role="alert"),
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(tx("bulk_verification.cancel"), variant="soft")),
                rx.cond(
                    state.bulk_will_send > 0,
                    rx.button(
                        tx("bulk_verification.confirm"),
                        on_click=state.confirm_bulk_verification,
                    ),
                ),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
        open=state.bulk_open,
        on_open_change=state.set_bulk_open,
    )


def bulk_verification_progress(state: Any) -> rx.Component:
    """Shown while the job runs (also after a reload) and, when done, its summary."""
    running = (state.bulk_status == "queued") | (state.bulk_status == "running")
    return rx.cond(
        state.bulk_job_id > 0,
        rx.box(
            rx.cond(
                running,
                rx.vstack(
                    rx.text(
                        tx(
                            "bulk_verification.progress",
                            processed=state.bulk_processed,
                            total=state.bulk_total,
                        ),
                        aria_live="polite",
                    ),
                    rx.progress(
                        value=state.bulk_percent,
                        aria_label=tx("bulk_verification.progress_label"),
                        width="100%",
                    ),
                    width="100%",
                ),
                rx.callout(
                    rx.vstack(
                        rx.text(
                            rx.cond(
                                state.bulk_status == "failed",
                                tx("bulk_verification.failed"),
                                tx("bulk_verification.done"),
                            ),
                            weight="medium",
                        ),
                        _reason_list(state.bulk_summary, "bulk-verification-summary"),
                        rx.button(
                            tx("bulk_verification.dismiss"),
                            size="1",
                            variant="soft",
                            color_scheme="gray",
                            high_contrast=True,
                            on_click=state.dismiss_bulk_result,
                        ),
                    ),
                    icon="mail",
                    color_scheme=rx.cond(state.bulk_status == "failed", "red", "green"),
                    high_contrast=True,  # the default green text fails WCAG contrast
                    role="status",
                    width="100%",
                ),
            ),
            id="bulk-verification-job",
            data_status=state.bulk_status,
            width="100%",
        ),
    )

"""Importera användare: the Anställda/användare template in, e-mail addresses applied (F1.3)."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.download_link import download_link
from admin_portal.components.forms import option, select_field
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page
from admin_portal.config import get_settings
from admin_portal.pages.loading import on_load
from admin_portal.state.session import SessionState
from admin_portal.state.spreadsheets.user_import import OUTCOME_ORDER, max_mb
from admin_portal.state.spreadsheets.user_import import UserImportState as S

UPLOAD_ID = "import-file"
_ACCEPT = {
    "text/csv": [".csv"],
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
}


def _export_links() -> rx.Component:
    return rx.hstack(
        rx.text(tx("import.export_template"), size="2"),
        download_link(
            tx("import.export_csv"),
            routes.users_export_url("csv", {}) + "?lang=" + SessionState.lang,
            "export-csv",
        ),
        download_link(
            tx("import.export_xlsx"),
            routes.users_export_url("xlsx", {}) + "?lang=" + SessionState.lang,
            "export-xlsx",
        ),
        spacing="3",
        wrap="wrap",
        align="center",
    )


def upload_form() -> rx.Component:
    settings = get_settings()
    max_rows = f"{settings.import_max_rows:,}".replace(",", " ")
    # The dropzone's file input is labelled by wrapping it: Reflex passes no props to it.
    # A click anywhere in the label opens the file chooser (the label's own behaviour, so
    # the zone's click handler is off); the zone itself answers Enter and Space.
    return rx.vstack(
        rx.el.label(
            rx.text(tx("import.file_label"), weight="medium", as_="div"),
            rx.upload(
                rx.vstack(
                    rx.text(tx("import.drop"), weight="medium"),
                    rx.text(
                        tx("import.file_hint", max_mb=max_mb(), max_rows=max_rows),
                        size="1",
                        color_scheme="gray",
                        high_contrast=True,
                    ),
                    align="center",
                    spacing="2",
                ),
                id=UPLOAD_ID,
                accept=_ACCEPT,
                max_files=1,
                multiple=False,
                max_size=settings.import_max_bytes,
                no_click=True,
                on_drop_rejected=S.file_rejected,
                border="1px dashed var(--gray-8)",
                border_radius="var(--radius-3)",
                padding="1.5em",
                width="100%",
                cursor="pointer",
            ),
            style={"display": "block", "width": "100%"},
        ),
        rx.cond(
            rx.selected_files(UPLOAD_ID).length() > 0,
            rx.text(
                tx("import.selected"),
                " ",
                rx.text.strong(rx.selected_files(UPLOAD_ID).join(", ")),
                size="2",
                id="import-selected",
            ),
        ),
        rx.button(
            rx.cond(S.reading, tx("import.reading"), tx("import.preview_button")),
            on_click=S.upload(rx.upload_files_chunk(upload_id=UPLOAD_ID)),
            loading=S.reading,
            disabled=S.reading | (rx.selected_files(UPLOAD_ID).length() == 0),
            size="3",
        ),
        spacing="2",
        width="100%",
    )


def _summary() -> rx.Component:
    return rx.el.ul(
        rx.foreach(
            S.counts,
            lambda c: rx.el.li(c["label"], ": ", rx.text.strong(c["count"])),
        ),
        id="import-summary",
        style={"paddingLeft": "1.2em"},
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["row_number"]),
        rx.table.row_header_cell(row["username"]),
        rx.table.cell(row["email"]),
        rx.table.cell(row["text"]),
        rx.table.cell(row["result"]),
        data_outcome=row["outcome"],
    )


def rows_table() -> rx.Component:
    return rx.vstack(
        rx.box(
            select_field(
                field_id="import-outcome-filter",
                label=tx("import.show"),
                name="outcome",
                options=[
                    option("", tx("import.show_all")),
                    *[option(o, tx(f"import.outcome.{o}")) for o in OUTCOME_ORDER],
                ],
                value=S.outcome_filter,
                on_change=S.set_outcome_filter,
            ),
            max_width="32em",
            width="100%",
        ),
        rx.cond(
            S.rows.length() == 0,
            rx.text(tx("import.no_rows")),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(tx(f"import.col_{c}"))
                            for c in ("row", "username", "email", "outcome", "result")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(S.rows, _row)),
                width="100%",
                variant="surface",
                id="import-rows",
            ),
        ),
        rx.hstack(
            rx.button(
                tx("import.previous"),
                variant="soft",
                disabled=S.page <= 1,
                on_click=S.previous_page,
            ),
            rx.text(tx("import.page_of", page=S.page, pages=S.pages), size="2"),
            rx.button(
                tx("import.next"),
                variant="soft",
                disabled=S.page >= S.pages,
                on_click=S.next_page,
            ),
            align="center",
            spacing="3",
        ),
        spacing="3",
        width="100%",
    )


def apply_section() -> rx.Component:
    return rx.cond(
        S.job_active,
        rx.box(
            rx.cond(
                S.job_finished,
                rx.callout(
                    rx.cond(
                        S.job_failed,
                        tx("import.failed"),
                        tx(
                            "import.done",
                            succeeded=S.job_succeeded,
                            skipped=S.job_skipped,
                            failed=S.job_failed_rows,
                        ),
                    ),
                    icon="check",
                    color_scheme=rx.cond(S.job_failed, "red", "green"),
                    high_contrast=True,
                    role="status",
                    width="100%",
                ),
                rx.vstack(
                    rx.text(
                        tx("import.applying", processed=S.job_processed, total=S.job_total),
                        aria_live="polite",
                    ),
                    rx.progress(value=S.job_percent, aria_label=tx("import.apply"), width="100%"),
                    width="100%",
                ),
            ),
            id="import-job",
            data_finished=rx.cond(S.job_finished, "yes", "no"),
            width="100%",
        ),
        rx.cond(
            S.will_change > 0,
            rx.vstack(
                rx.text(tx("import.will_change", count=S.will_change), weight="medium"),
                rx.button(tx("import.apply"), on_click=S.apply, size="3", color_scheme="green"),
                spacing="2",
            ),
            rx.callout(
                tx("import.nothing_to_apply"),
                icon="info",
                color_scheme="gray",
                high_contrast=True,
                width="100%",
            ),
        ),
    )


def preview_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(tx("import.preview_title", filename=S.filename), as_="h2", size="5"),
            rx.text(tx("import.rows_in_file", count=S.row_count)),
            _summary(),
            apply_section(),
            rx.hstack(
                download_link(tx("import.download_report"), S.report_url, "import-report"),
                rx.button(
                    tx("import.new_file"),
                    variant="soft",
                    color_scheme="gray",
                    high_contrast=True,
                    on_click=S.start_over,
                ),
                spacing="4",
                align="center",
            ),
            rows_table(),
            spacing="4",
            width="100%",
        ),
        width="100%",
        id="import-preview",
    )


@rx.page(
    route=routes.USER_IMPORT,
    title="Importera användare – Adminportalen",
    on_load=on_load(SessionState.require_admin, S.load),
)
def user_import_page() -> rx.Component:
    return admin_page(
        "import.title",
        rx.vstack(
            rx.text(tx("import.intro")),
            rx.callout(tx("import.rule"), icon="info", high_contrast=True, width="100%"),
            _export_links(),
            rx.cond(
                S.error != "",
                rx.callout(
                    S.error, icon="triangle_alert", color_scheme="red", role="alert", width="100%"
                ),
            ),
            rx.cond(S.has_import, preview_section(), upload_form()),
            spacing="4",
            width="100%",
        ),
    )

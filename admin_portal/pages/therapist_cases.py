"""Terapeut (/terapeut): a therapist's cases (F4.5). The case text opens in a dialog, read
from the database (and audited) at each opening. To anyone but a therapist: "not found"."""

from __future__ import annotations

import reflex as rx

from admin_portal import routes
from admin_portal.components.data_table import data_table
from admin_portal.components.i18n import tx
from admin_portal.components.layout import admin_page, page_or_not_found
from admin_portal.pages.loading import on_load
from admin_portal.state.session import SessionState
from admin_portal.state.therapist_cases import TherapistCasesState as S

_COLUMNS = ("person", "organisation", "service", "chosen", "actions")


def _service(sv: rx.Var, en: rx.Var) -> rx.Var:
    return rx.cond(SessionState.lang == "en", en, sv)


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(row["person"], weight="medium"),
                rx.text(row["email"], size="2"),
                rx.text(row["phone"], size="2"),
                spacing="0",
            )
        ),
        rx.table.cell(row["organisation"]),
        rx.table.cell(_service(row["service_sv"], row["service_en"])),
        rx.table.cell(row["chosen_on"]),
        rx.table.cell(
            rx.button(
                tx("therapist.open_case"),
                size="1",
                on_click=S.open_case(row["order_id"]),
                aria_label=tx("therapist.open_case") + ": " + row["person"].to(str),
            )
        ),
    )


def _field(field: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(field["label"], weight="medium", size="2"),
        rx.text(field["text"], white_space="pre-wrap"),
    )


def _case_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tx("therapist.case_title", name=S.case_person)),
            rx.dialog.description(_service(S.case_service_sv, S.case_service_en)),
            rx.vstack(
                rx.cond(
                    S.case_fields.length() > 0,
                    rx.foreach(S.case_fields, _field),
                    rx.text(tx("therapist.no_text")),
                ),
                rx.dialog.close(rx.button(tx("org.close"), type="button", variant="soft")),
                spacing="3",
                margin_top="1em",
                id="case-text",
            ),
        ),
        open=S.case_open,
        on_open_change=S.set_case_open,
    )


def _cases() -> rx.Component:
    return admin_page(
        "therapist.title",
        rx.vstack(
            rx.text(tx("therapist.intro")),
            data_table(
                S.rows,
                _row,
                header_keys=[f"therapist.col_{c}" for c in _COLUMNS],
                empty_key="therapist.empty",
                body_id="therapist-cases",
            ),
            _case_dialog(),
            spacing="4",
            width="100%",
        ),
    )


@rx.page(
    route=routes.THERAPIST_CASES,
    title="Mina ärenden – Adminportalen",
    on_load=on_load(S.on_open),
)
def therapist_cases_page() -> rx.Component:
    return page_or_not_found(S.allowed, _cases())

"""Export the users of the current search and filters as the Anställda/användare template.

Rows are read in chunks keyed on the user id (never one query per user), with company and
unit names joined, so a 100,000-user export holds one chunk in memory at a time. The
cells are plain text here; the writers in `spreadsheets` neutralise formulas.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, cast

from sqlalchemy import select
from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.i18n import normalise_language, t
from admin_portal.models import Company, Unit, User
from admin_portal.search.query import UserQuery
from admin_portal.search.users import select_matching_users
from admin_portal.services.audit.events import record_event
from admin_portal.services.errors import PermissionDenied
from admin_portal.services.spreadsheets.sheets import headers

CHUNK_ROWS = 1000
FORMATS = ("csv", "xlsx")


def export_filename(fmt: str, *, today: date) -> str:
    """E.g. anvandare-2025-05-17.csv: ASCII, so no header encoding is needed."""
    return f"anvandare-{today.isoformat()}.{fmt}"


def start_export(session: Session, *, actor: Actor, fmt: str) -> None:
    """Check the actor may export and audit that they did (format only: no personal data).

    Raises:
        PermissionDenied: the actor administers nothing.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    record_event(
        session,
        action="users_exported",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="users",
        detail=f"format={fmt if fmt in FORMATS else '?'}",
    )


def export_rows(
    session: Session, *, actor: Actor, query: UserQuery, lang: str, chunk_rows: int = CHUNK_ROWS
) -> Iterator[list[str]]:
    """The header, then one row per matching user in id order (scope applied by the search).

    A query naming a company or unit outside the actor's scope gives the header only,
    like the list shows no rows.

    Raises:
        PermissionDenied: the actor administers nothing (raised on the first `next`).
    """
    lang = normalise_language(lang)
    matches = select_matching_users(session, actor=actor, query=query)
    yield headers(lang)
    if matches is None:
        return
    m = matches.subquery("m")
    users: Any = cast(Any, User).__table__
    company: Any = cast(Any, Company).__table__
    unit: Any = cast(Any, Unit).__table__
    yes, no = t("spreadsheet.yes", lang), t("spreadsheet.no", lang)
    type_labels: dict[str, str] = {}
    last_id = 0
    while True:
        chunk = session.execute(
            select(
                m.c.id,
                m.c.username,
                m.c.first_name,
                m.c.last_name,
                company.c.name.label("company_name"),
                unit.c.name.label("unit_name"),
                m.c.user_type,
                m.c.email,
                m.c.email_verified_at,
                users.c.mobile,
            )
            .select_from(m)
            .join(users, users.c.id == m.c.id)
            .join(company, company.c.id == m.c.company_id)
            .outerjoin(unit, unit.c.id == m.c.unit_id)
            .where(m.c.id > last_id)
            .order_by(m.c.id)
            .limit(chunk_rows)
        ).all()
        for r in chunk:
            label = type_labels.get(r.user_type)
            if label is None:
                label = type_labels[r.user_type] = t(f"type.{r.user_type}", lang)
            yield [
                r.username,
                r.first_name,
                r.last_name,
                r.company_name or "",
                r.unit_name or "",
                label,
                r.email or "",
                yes if r.email and r.email_verified_at is not None else no,
                r.mobile or "",
            ]
        if len(chunk) < chunk_rows:
            return
        last_id = chunk[-1].id

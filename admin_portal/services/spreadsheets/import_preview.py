"""An import's preview (F1.3): read the upload, decide one outcome per row, store it.

The admin then applies exactly what they read (import_apply.py) and can download the
report later (imports.py). Rules (from the help article, seed 001): only users without
an active login connection (no verified address) get an address; an invalid address is
never applied. Another organisation's username is "unknown": its existence is never
revealed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.models import (
    ImportOutcome,
    UserImport,
    UserImportRow,
)
from admin_portal.services.audit.events import record_event
from admin_portal.services.errors import PermissionDenied
from admin_portal.services.spreadsheets.import_people import (
    Person,
    chunks,
    in_scope,
    people_by_username,
)
from admin_portal.services.spreadsheets.import_people import (
    address_holders as _address_holders,
)
from admin_portal.services.spreadsheets.imports import (
    _EMAIL_MAX,
    _USERNAME_MAX,
    INSERT_CHUNK,
    ImportSummary,
    _summary,
)
from admin_portal.services.spreadsheets.sheets import IMPORT_COLUMNS, SpreadsheetError, read_sheet
from admin_portal.services.users.manage import users_out_of_reach
from admin_portal.validation.email import normalise_email
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.identifiers import email_key, username_key


@dataclass
class _Row:
    number: int
    username: str
    email: str  # normalised when valid, else as typed (trimmed)
    outcome: str = ""
    person: Person | None = None
    key: str = ""  # the e-mail key of a valid address


def _decide(
    rows: list[_Row], actor: Actor, people: dict[str, Person], out_of_reach: set[int]
) -> list[_Row]:
    """Every row's outcome but the two that need the whole file (duplicates) or the
    database (taken addresses); returns the rows still waiting for those."""
    username_counts = Counter(username_key(r.username) for r in rows if r.username)
    waiting = []
    for row in rows:
        ukey = username_key(row.username) if row.username else ""
        person = people.get(ukey) if ukey else None
        row.person = person
        if person is None:
            row.outcome = ImportOutcome.UNKNOWN_USERNAME
        elif not in_scope(actor, person.company_id, person.unit_id):
            row.outcome = ImportOutcome.OUT_OF_SCOPE
        elif person.id in out_of_reach:
            row.outcome = ImportOutcome.ADMIN_OUT_OF_REACH  # finding A.1: an admin above
        elif username_counts[ukey] > 1:
            # Two rows for one person: which address is meant is unclear, so neither is used.
            row.outcome = ImportOutcome.DUPLICATE_IN_FILE
        elif not row.email:
            row.outcome = ImportOutcome.MISSING_EMAIL
        else:
            try:
                row.email = normalise_email(row.email)
            except InvalidInput:
                row.outcome = ImportOutcome.INVALID_EMAIL
                continue
            row.key = email_key(row.email)
            if row.key == person.email_key:
                row.outcome = ImportOutcome.UNCHANGED
            elif person.verified:
                row.outcome = ImportOutcome.CONNECTION_ACTIVE
            else:
                waiting.append(row)
    return waiting


def preview_import(session: Session, *, actor: Actor, filename: str, data: bytes) -> ImportSummary:
    """Read an uploaded template, decide each row's outcome and store the preview.

    Raises:
        PermissionDenied: the actor administers nothing.
        SpreadsheetError: the file is too large, has too many rows, cannot be read, lacks
            the username or e-mail column, or holds no rows.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    sheet = read_sheet(data, filename, columns=IMPORT_COLUMNS, required=IMPORT_COLUMNS)
    rows = [
        _Row(
            number=r.number,
            username=r.values.get("username", "").strip()[:_USERNAME_MAX],
            email=r.values.get("email", "").strip(),
        )
        for r in sheet.rows
    ]
    if not rows:
        raise SpreadsheetError("spreadsheet.no_rows")
    people = people_by_username(
        session, actor.organisation_id, (username_key(r.username) for r in rows if r.username)
    )
    out_of_reach = users_out_of_reach(
        session, actor=actor, user_ids=[p.id for p in people.values()]
    )
    waiting = _decide(rows, actor, people, out_of_reach)
    # One address for two people of one company: neither row can be right.
    pair_counts = Counter((r.person.company_id, r.key) for r in waiting if r.person)
    free = []
    for row in waiting:
        assert row.person is not None
        if pair_counts[(row.person.company_id, row.key)] > 1:
            row.outcome = ImportOutcome.DUPLICATE_IN_FILE
        else:
            free.append(row)
    holders = _address_holders(
        session, ((r.person.company_id, r.key) for r in free if r.person is not None)
    )
    for row in free:
        assert row.person is not None
        holder = holders.get((row.person.company_id, row.key))
        if holder is not None and holder != row.person.id:
            row.outcome = ImportOutcome.EMAIL_TAKEN
        elif row.person.email_key:
            row.outcome = ImportOutcome.EMAIL_CHANGED
        else:
            row.outcome = ImportOutcome.EMAIL_ADDED
    counts = Counter(r.outcome for r in rows)
    user_import = UserImport(
        organisation_id=actor.organisation_id,
        created_by_id=actor.user_id,
        filename=_safe_filename(filename),
        file_format=sheet.file_format,
        row_count=len(rows),
        counts=json.dumps({str(k): v for k, v in sorted(counts.items())}),
    )
    session.add(user_import)
    session.flush()
    table: Any = UserImportRow.__table__  # type: ignore[attr-defined]
    for chunk in chunks(rows, INSERT_CHUNK):
        session.execute(
            insert(table),
            [
                {
                    "import_id": user_import.id,
                    "row_number": r.number,
                    "username": r.username,
                    "email": r.email[:_EMAIL_MAX] or None,
                    "outcome": str(r.outcome),
                    "user_id": r.person.id if r.person else None,
                }
                for r in chunk
            ],
        )
    record_event(
        session,
        action="user_import_previewed",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="user_import",
        target_id=user_import.id,
        detail=f"format={sheet.file_format} rows={len(rows)}",
    )
    return _summary(user_import)


def _safe_filename(filename: str) -> str:
    # Shown back to the admin only; no path, no control characters.
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:255] or "import"

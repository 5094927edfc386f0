"""Hem (gruppkonto): the properties an account reaches, searched and paged on the server.

Keyset paging on (name_key, id): page 400 of 10,000 properties costs what page 1 costs.
The cursor is client input: anything that does not parse starts from the beginning.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import PartnerAgreement, Property
from admin_portal.search.text import like_contains
from admin_portal.services.properties.reach import primary_agreement_of, reach_condition

PAGE_SIZE = 25
_MAX_QUERY = 100


@dataclass(frozen=True)
class PropertyRow:
    id: int
    name: str
    address: str
    property_type: str
    agreement_number: str


@dataclass(frozen=True)
class PropertyPage:
    rows: list[PropertyRow]
    # Opaque to the page: "<name_key>\x1f<id>" of the last row, "" when there is no next page.
    next_cursor: str
    is_primary: bool
    agreement_number: str


def name_key(text: str) -> str:
    """The ordering, uniqueness and search key of a property name."""
    return unicodedata.normalize("NFKC", " ".join(text.split())).casefold()


def _cursor(raw: object) -> tuple[str, int] | None:
    if not isinstance(raw, str) or "\x1f" not in raw or len(raw) > 1000:
        return None
    key, _, last = raw.rpartition("\x1f")
    return (key, int(last)) if last.isdigit() and len(last) <= 12 else None


def list_properties(
    session: Session, *, actor: Actor, query: object = "", cursor: object = ""
) -> PropertyPage:
    """One page of the properties the actor reaches, name order, optionally filtered by text.

    The text matches the name or the address (case-insensitive substring).
    """
    text = name_key(query)[:_MAX_QUERY] if isinstance(query, str) else ""
    agreement_id = primary_agreement_of(session, actor.user_id)
    statement = (
        select(Property, PartnerAgreement.agreement_number)
        .join(
            PartnerAgreement,
            col(PartnerAgreement.id) == col(Property.agreement_id),
            isouter=True,
        )
        .where(
            col(Property.organisation_id) == actor.organisation_id,
            reach_condition(session, user_id=actor.user_id),
        )
    )
    if text:
        pattern = like_contains(text)
        statement = statement.where(
            or_(
                col(Property.name_key).like(pattern, escape="\\"),
                col(Property.address).ilike(pattern, escape="\\"),
            )
        )
    after = _cursor(cursor)
    if after is not None:
        statement = statement.where(
            or_(
                col(Property.name_key) > after[0],
                and_(col(Property.name_key) == after[0], col(Property.id) > after[1]),
            )
        )
    found = session.exec(
        statement.order_by(col(Property.name_key), col(Property.id)).limit(PAGE_SIZE + 1)
    ).all()
    rows = [
        PropertyRow(
            id=prop.id or 0,
            name=prop.name,
            address=prop.address,
            property_type=prop.property_type,
            agreement_number=number or "",
        )
        for prop, number in found[:PAGE_SIZE]
    ]
    next_cursor = ""
    if len(found) > PAGE_SIZE:
        last = found[PAGE_SIZE - 1][0]
        next_cursor = f"{last.name_key}\x1f{last.id}"
    agreement = session.get(PartnerAgreement, agreement_id) if agreement_id else None
    return PropertyPage(
        rows=rows,
        next_cursor=next_cursor,
        is_primary=agreement_id is not None,
        agreement_number=agreement.agreement_number if agreement else "",
    )

"""Granskningslogg: the audit events an admin may read, filtered and paged on the server.

Scope: a head administrator reads the whole organisation's log. Any other admin reads the
events about people placed in their companies or units (`target_user_id`, the person's
current placement) and the events they caused themselves; nothing else, so a unit admin
never learns whose personnummer was revealed outside their units.

Paging is keyset, newest first, on (created_at, id): every page is one indexed query
(`ix_audit_org_time`, or the target / actor indexes when filtered by person), however many
millions of events the organisation has. Names are joined in the same query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.i18n import t
from admin_portal.models import ApiClient, AuditEvent, User
from admin_portal.services.audit.events import AUDIT_ACTIONS
from admin_portal.services.errors import PermissionDenied, ValidationFailed
from admin_portal.validation.fields import FieldErrors
from admin_portal.validation.identifiers import username_key

PAGE_SIZE = 50
# The portal's users read times in Swedish local time; dates in filters mean local days.
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")
FILTER_FIELDS = ("actor", "person", "action", "date_from", "date_to")
_MAX_TEXT = 100
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURSOR = re.compile(r"^(\d{1,20})\.(\d{1,18})$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Below this many events about the actor's people, a scoped page gathers them by index.
_SPARSE_EVENTS = 5000


@dataclass(frozen=True)
class AuditFilters:
    """Checked filters: ids resolved, dates as UTC bounds [since, until)."""

    actor_user_id: int | None = None
    person_user_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditRow:
    """One event as the page shows it; labels in both languages switch in the browser."""

    id: int
    created_at: str
    actor: str
    action: str
    action_sv: str
    action_en: str
    target_sv: str
    target_en: str
    outcome_sv: str
    outcome_en: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    next_cursor: str | None


def parse_filters(session: Session, *, actor: Actor, raw: object) -> AuditFilters:
    """Check filter input from any client; usernames are looked up in the actor's organisation.

    Args:
        raw: A mapping of `FILTER_FIELDS` to strings (anything else counts as invalid).

    Raises:
        PermissionDenied: the actor administers nothing (no username lookups for them).
        ValidationFailed: field -> message key, for every bad field at once.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    values = raw if isinstance(raw, Mapping) else {}
    errors = FieldErrors()

    def text(field: str) -> str:
        value = values.get(field, "")
        if value is None:
            return ""
        if not isinstance(value, str) or len(value) > _MAX_TEXT:
            errors[field] = "audit.filter.invalid"
            return ""
        return value.strip()

    def person(field: str) -> int | None:
        name = text(field)
        if not name:
            return None
        found = session.exec(
            select(User.id).where(
                User.username_key == username_key(name),
                User.organisation_id == actor.organisation_id,
            )
        ).first()
        if found is None:
            errors[field] = "audit.filter.no_such_user"
        return found

    def day(field: str) -> date | None:
        value = text(field)
        if not value:
            return None
        try:
            if not _DATE.match(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            errors[field] = "audit.filter.bad_date"
            return None

    actor_id, person_id = person("actor"), person("person")
    action = text("action")
    if action and action not in AUDIT_ACTIONS:
        errors["action"] = "audit.filter.bad_action"
    first, last = day("date_from"), day("date_to")
    if first and last and first > last:
        errors["date_to"] = "audit.filter.date_order"
    if errors:
        raise ValidationFailed(errors)
    return AuditFilters(
        actor_user_id=actor_id,
        person_user_id=person_id,
        action=action or None,
        since=_local_midnight(first) if first else None,
        until=_local_midnight(last + timedelta(days=1)) if last else None,
    )


def list_audit_events(
    session: Session,
    *,
    actor: Actor,
    filters: AuditFilters | None = None,
    cursor: object = None,
    page_size: int = PAGE_SIZE,
) -> AuditPage:
    """One page of the events the actor may read, newest first.

    Args:
        filters: From `parse_filters` (None: everything in scope).
        cursor: `next_cursor` of the previous page; None or "" for the first page.

    Raises:
        PermissionDenied: the actor administers nothing.
        ValidationFailed: a cursor that is not one this function made ("cursor").
    """
    if not actor.is_admin:
        raise PermissionDenied()
    filters = filters or AuditFilters()
    page_size = max(1, min(page_size, 200))
    who, whom = aliased(User), aliased(User)
    conditions: list[Any] = [col(AuditEvent.organisation_id) == actor.organisation_id]
    if filters.actor_user_id is not None:
        conditions.append(col(AuditEvent.actor_user_id) == filters.actor_user_id)
    if filters.person_user_id is not None:
        conditions.append(col(AuditEvent.target_user_id) == filters.person_user_id)
    if filters.action:
        conditions.append(col(AuditEvent.action) == filters.action)
    if filters.since:
        conditions.append(col(AuditEvent.created_at) >= filters.since)
    if filters.until:
        conditions.append(col(AuditEvent.created_at) < filters.until)
    if not actor.is_head_admin:
        conditions.append(_in_scope(session, actor, whom))
    after = _decode_cursor(cursor)
    if after is not None:
        at, last_id = after
        conditions.append(col(AuditEvent.created_at) <= at)  # an index bound for the planner
        conditions.append(
            or_(
                col(AuditEvent.created_at) < at,
                and_(col(AuditEvent.created_at) == at, col(AuditEvent.id) < last_id),
            )
        )
    # Columns, not entities: a page is read-only, and loading whole users costs most of it.
    found = session.execute(
        sa_select(
            col(AuditEvent.id),
            col(AuditEvent.created_at),
            col(AuditEvent.action),
            col(AuditEvent.target_type),
            col(AuditEvent.target_id),
            col(AuditEvent.outcome),
            col(who.first_name),
            col(who.last_name),
            col(who.username),
            col(whom.first_name),
            col(whom.last_name),
            col(whom.username),
            col(ApiClient.name),
        )
        .join(who, col(who.id) == AuditEvent.actor_user_id, isouter=True)
        .join(ApiClient, col(ApiClient.id) == AuditEvent.actor_api_client_id, isouter=True)
        .join(whom, col(whom.id) == AuditEvent.target_user_id, isouter=True)
        .where(*conditions)
        .order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc())
        .limit(page_size + 1)
    ).all()
    page = found[:page_size]
    next_cursor = None
    if len(found) > page_size:
        next_cursor = _encode_cursor(page[-1].created_at, page[-1].id)
    return AuditPage(rows=[_row(item) for item in page], next_cursor=next_cursor)


def _in_scope(session: Session, actor: Actor, whom: Any) -> Any:
    """Own actions, or events about a person placed in one of the actor's companies/units.

    Two shapes of the same condition, chosen by a bounded probe, because the cheap plan
    depends on how many events the scope holds. Few (a small unit in a big organisation):
    gather them through the target index and sort them. Many (a company admin): walk the
    organisation's log newest first and keep the matching rows, which finds a page after
    about 50 / density rows, on whichever index fits the other filters (time, action,
    actor, person). The probe counts at most `_SPARSE_EVENTS` events of the scope, without
    the other filters: those would make it read every candidate row to test them.
    """
    placed: list[tuple[str, list[int]]] = []
    if actor.company_ids:
        placed.append(("company_id", sorted(actor.company_ids)))
    if actor.unit_ids:
        placed.append(("unit_id", sorted(actor.unit_ids)))
    people = sa_select(col(User.id)).where(
        col(User.organisation_id) == actor.organisation_id,
        or_(*[getattr(User, name).in_(ids) for name, ids in placed]),
    )
    mine = col(AuditEvent.actor_user_id) == actor.user_id
    by_index = or_(mine, col(AuditEvent.target_user_id).in_(people))
    probe = (
        select(col(AuditEvent.id))
        .where(col(AuditEvent.organisation_id) == actor.organisation_id, by_index)
        .limit(_SPARSE_EVENTS)
    ).subquery()
    if session.execute(select(func.count()).select_from(probe)).scalar_one() < _SPARSE_EVENTS:
        return by_index
    # Conditions on the joined person cannot drive an index: the time (or filter) index does.
    whom_placed = [getattr(whom, name).in_(ids) for name, ids in placed]
    return or_(mine, *whom_placed)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE).astimezone(UTC)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _encode_cursor(created_at: datetime, event_id: int) -> str:
    micros = (_aware(created_at) - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{event_id}"


def _decode_cursor(cursor: object) -> tuple[datetime, int] | None:
    if cursor is None or cursor == "":
        return None
    match = _CURSOR.match(cursor) if isinstance(cursor, str) else None
    if match is None:
        raise ValidationFailed({"cursor": "audit.bad_cursor"})
    try:
        at = _EPOCH + timedelta(microseconds=int(match.group(1)))
    except OverflowError:
        raise ValidationFailed({"cursor": "audit.bad_cursor"}) from None
    return at, int(match.group(2))


def _name(first: str | None, last: str | None, username: str | None) -> str:
    if username is None:
        return "–"
    full_name = f"{first or ''} {last or ''}".strip()  # as User.full_name
    return f"{full_name} ({username})"


def _both(key: str, fallback: str) -> tuple[str, str]:
    # An action recorded by newer code than this catalogue still shows, by its code.
    sv, en = t(key, "sv"), t(key, "en")
    return (fallback if sv == key else sv), (fallback if en == key else en)


def _row(item: Any) -> AuditRow:
    (event_id, created_at, action, target_type, target_id, outcome, *names, client) = item
    actor_name, target_name = _name(*names[:3]), _name(*names[3:])
    if client is not None:  # an API client acted (REST/SCIM)
        actor_name = f"API: {client}"
    action_sv, action_en = _both(f"audit.action.{action}", action)
    outcome_sv, outcome_en = _both(f"audit.outcome.{outcome}", outcome)
    if target_name != "–":
        target_sv = target_en = target_name
    elif target_type:
        kind_sv, kind_en = _both(f"audit.target.{target_type}", target_type)
        suffix = f" {target_id}" if target_id else ""
        target_sv, target_en = kind_sv + suffix, kind_en + suffix
    else:
        target_sv = target_en = "–"
    return AuditRow(
        id=event_id,
        created_at=_aware(created_at).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M:%S"),
        actor=actor_name,
        action=action,
        action_sv=action_sv,
        action_en=action_en,
        target_sv=target_sv,
        target_en=target_en,
        outcome_sv=outcome_sv,
        outcome_en=outcome_en,
    )

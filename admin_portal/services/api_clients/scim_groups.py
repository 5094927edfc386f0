"""SCIM Group writes: units as Groups (create, rename, members in and out).

A Group is a unit. Its members are the active users placed in it, so adding a member
places that user in the unit and removing one takes them out of it (no unit). Each
placement goes through the users capability's own update (`update_user`, the Användare
form's path), so the unit must be in the client's scope and in the user's company, the
user must be in scope, and anyone holding an admin grant is out of a client's reach
(`ensure_not_admin`), exactly as for SCIM Users.

A new Group is made in the company of its members (all must share one), else in the
organisation's only company; with several companies and no members it is refused. Unit
names are unique within a company here (case-insensitively), which is what lets
`displayName eq` find one Group. DELETE is not offered (a unit holds history: README).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import Company, Unit, User, UserStatus, require_id
from admin_portal.services.api_clients.scim_users import (
    ScimValues,
    _input,
    _writable,
)
from admin_portal.services.audit.events import record_event
from admin_portal.services.errors import NotFound, ValidationFailed
from admin_portal.services.users.manage import update_user

NAME_MAX = 200
MEMBER_UNKNOWN = "api.group_member_unknown"


def _unit_in_scope(actor: Actor, unit: Unit, company: Company) -> bool:
    # The rule of services/invitations/unit_switcher.unit_in_scope (not imported: that
    # capability's internals are nobody's).
    if company.organisation_id != actor.organisation_id or unit.company_id != company.id:
        return False
    return actor.is_head_admin or company.id in actor.company_ids or unit.id in actor.unit_ids


def writable_unit(session: Session, *, actor: Actor, unit_id: object) -> tuple[Unit, Company]:
    """The unit and its company if the actor administers it; NotFound otherwise."""
    if not actor.is_admin or isinstance(unit_id, bool) or not isinstance(unit_id, int):
        raise NotFound()
    unit = session.get(Unit, unit_id)
    company = session.get(Company, unit.company_id) if unit else None
    if unit is None or company is None or not _unit_in_scope(actor, unit, company):
        raise NotFound()
    return unit, company


def _clean_name(name: object) -> str:
    cleaned = " ".join(name.split()) if isinstance(name, str) else ""
    if not cleaned or len(cleaned) > NAME_MAX:
        raise ValidationFailed({"displayName": "api.invalid_input"})
    return cleaned


def _name_taken(session: Session, company_id: int, name: str, unit_id: int | None) -> bool:
    found = session.exec(
        select(Unit.id).where(
            Unit.company_id == company_id,
            func.lower(col(Unit.name)) == name.lower(),
            col(Unit.id) != (unit_id or 0),
        )
    ).first()
    return found is not None


def _member(session: Session, actor: Actor, user_id: object) -> User:
    if isinstance(user_id, str) and user_id.isdigit() and len(user_id) < 19:
        user_id = int(user_id)
    try:
        return _writable(session, actor, user_id)
    except NotFound:
        raise ValidationFailed({"members": MEMBER_UNKNOWN}) from None


def _place(session: Session, actor: Actor, user: User, unit_id: int | None) -> None:
    """Place one user in a unit (None: in none), through the users capability's update."""
    if user.unit_id == unit_id:
        return
    current = ScimValues(
        user_name=user.username,
        given_name=user.first_name,
        family_name=user.last_name,
        email=user.email,
        language=user.language,
    )
    data = replace(_input(session, actor, current, user), unit_id=unit_id)
    update_user(session, actor=actor, user_id=require_id(user), data=data)


def member_ids(session: Session, *, unit_id: int) -> list[int]:
    """Every active member of the unit (uncapped: what a full replacement compares with)."""
    return [
        require_id(u)
        for u in session.exec(
            select(User).where(User.unit_id == unit_id, User.status == UserStatus.ACTIVE)
        ).all()
    ]


def scim_create_group(
    session: Session, *, actor: Actor, name: object, members: list[object]
) -> int:
    """POST /Groups: a new unit, with these users placed in it.

    Raises:
        ValidationFailed: no or too long a name, a taken name (409), members of several
            companies, no company to choose, an unknown or out-of-reach member.
    """
    if not actor.is_admin:
        raise NotFound()
    cleaned = _clean_name(name)
    people = [_member(session, actor, m) for m in members]
    companies = {p.company_id for p in people}
    if len(companies) > 1:
        raise ValidationFailed({"members": "api.invalid_input"})
    if not companies:
        ids = session.exec(
            select(Company.id).where(Company.organisation_id == actor.organisation_id)
        ).all()
        if len(ids) != 1:
            raise ValidationFailed({"company_id": "users.company_required"})
        companies = {int(ids[0] or 0)}
    company = session.get(Company, companies.pop())
    if company is None or company.organisation_id != actor.organisation_id:
        raise NotFound()
    if not (actor.is_head_admin or company.id in actor.company_ids):
        raise NotFound()  # a unit admin makes no units
    if _name_taken(session, require_id(company), cleaned, None):
        raise ValidationFailed({"displayName": "api.group_name_taken"})
    unit = Unit(company_id=require_id(company), name=cleaned)
    session.add(unit)
    session.flush()
    unit_id = require_id(unit)
    record_event(
        session,
        action="unit_created",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="unit",
        target_id=unit_id,
    )
    for person in people:
        _place(session, actor, person, unit_id)
    session.flush()
    return unit_id


def scim_update_group(
    session: Session,
    *,
    actor: Actor,
    unit_id: object,
    name: object = None,
    add: list[object] = (),  # type: ignore[assignment]
    remove: list[object] = (),  # type: ignore[assignment]
    replace_members: list[object] | None = None,
) -> None:
    """PATCH / PUT /Groups/{id}: rename, add and remove members, or set them all.

    Raises:
        NotFound: the unit is not the client's.
        ValidationFailed: a bad or taken name, an unknown or out-of-reach member, a member
            of another company.
    """
    unit, _company = writable_unit(session, actor=actor, unit_id=unit_id)
    uid = require_id(unit)
    if name is not None:
        cleaned = _clean_name(name)
        if cleaned != unit.name:
            if _name_taken(session, unit.company_id, cleaned, uid):
                raise ValidationFailed({"displayName": "api.group_name_taken"})
            unit.name = cleaned
            session.add(unit)
            record_event(
                session,
                action="unit_renamed",
                organisation_id=actor.organisation_id,
                actor_user_id=actor.user_id,
                target_type="unit",
                target_id=uid,
            )
    if replace_members is not None:
        wanted = {require_id(_member(session, actor, m)) for m in replace_members}
        current = set(member_ids(session, unit_id=uid))
        add = [*add, *sorted(wanted - current)]
        remove = [*remove, *sorted(current - wanted)]
    for member in add:
        _place(session, actor, _member(session, actor, member), uid)
    for member in remove:
        person = _member(session, actor, member)
        if person.unit_id == uid:  # removing a non-member changes nothing (RFC 7644)
            _place(session, actor, person, None)
    session.flush()

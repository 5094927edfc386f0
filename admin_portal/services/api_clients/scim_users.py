"""SCIM Users over the users capability's own services (create/update/remove/restore).

A SCIM write is translated into the same `UserInput` the Användare form sends, so every
validation, scope check and uniqueness rule of the UI applies. What SCIM adds (externalId,
active) lives in provisioned_users (see provisioning.py). Mapping choices (README):

- name.givenName / name.familyName -> first/last name (displayName split when absent,
  else the userName's local part: the portal needs both names);
- emails: the primary (else the first) value; phoneNumbers: shown (the mobile), not
  written (the portal takes Swedish mobiles only: an IdP's number would fail the write);
- preferredLanguage / locale starting with "en" -> English, else Swedish;
- enterprise organization -> the company of that name in the organisation (the only
  company when there is one); department -> the unit of that name in that company (an
  unknown department keeps the current unit); employeeNumber -> the numeric ID (read
  only: the form does not set it); costCenter: the portal keeps none per user, ignored;
- every user SCIM creates is an employee; a SCIM write never touches an administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor, grants_of
from admin_portal.models import CareLink, Company, Unit, User, UserType, require_id
from admin_portal.services.api_clients.provisioning import (
    provisioning_of,
    set_active,
    set_external_id,
)
from admin_portal.services.errors import NotFound, PermissionDenied, ValidationFailed
from admin_portal.services.users.input import UserInput
from admin_portal.services.users.manage import (
    create_user,
    get_user_for_write,
    get_user_in_scope,
    update_user,
)
from admin_portal.services.users.removal import (
    remove_user,
)

ADMIN_OUT_OF_REACH = "api.admin_out_of_reach"


@dataclass(frozen=True)
class ScimValues:
    """What a SCIM User body says, already read from the JSON (None: not given)."""

    user_name: str
    given_name: str | None = None
    family_name: str | None = None
    display_name: str | None = None
    email: str | None = None
    mobile: str | None = None
    language: str | None = None
    organization: str | None = None
    department: str | None = None
    external_id: str | None = None
    active: bool = True


@dataclass(frozen=True)
class ScimUserView:
    """One user as SCIM shows them."""

    user: User
    external_id: str | None
    active: bool
    company_name: str
    unit_name: str


def _names(values: ScimValues, current: User | None) -> tuple[str, str]:
    given, family = values.given_name, values.family_name
    if (given is None or family is None) and values.display_name:
        first, _, rest = values.display_name.strip().partition(" ")
        given = given if given is not None else first
        family = family if family is not None else rest
    if current is not None:
        given = given if given is not None else current.first_name
        family = family if family is not None else current.last_name
    # The portal needs both names; a User sent without them gets its userName's local part.
    fallback = values.user_name.partition("@")[0]
    return given or fallback, family or fallback


def _company(
    session: Session, actor: Actor, values: ScimValues, current: User | None
) -> int | None:
    companies = session.exec(
        select(Company).where(Company.organisation_id == actor.organisation_id)
    ).all()
    if values.organization:
        wanted = values.organization.strip().casefold()
        for company in companies:
            if company.name.casefold() == wanted:
                return company.id
    if current is not None:
        return current.company_id
    return companies[0].id if len(companies) == 1 else None


def _unit(
    session: Session, company_id: int | None, values: ScimValues, current: User | None
) -> int | None:
    keep = current.unit_id if current is not None and current.company_id == company_id else None
    if not values.department or company_id is None:
        return keep
    wanted = values.department.strip().casefold()
    for unit in session.exec(select(Unit).where(Unit.company_id == company_id)).all():
        if unit.name.casefold() == wanted:
            return unit.id
    return keep


def _language(values: ScimValues, current: User | None) -> str:
    if values.language:
        return "en" if values.language.lower().startswith("en") else "sv"
    return current.language if current is not None else "sv"


def _input(session: Session, actor: Actor, values: ScimValues, current: User | None) -> UserInput:
    given, family = _names(values, current)
    company_id = _company(session, actor, values, current)
    links: tuple[int, ...] = ()
    if current is not None and current.user_type == UserType.ASSISTANT:
        links = tuple(
            session.exec(
                select(CareLink.brukare_id).where(CareLink.assistant_id == require_id(current))
            ).all()
        )
    return UserInput(
        first_name=given,
        last_name=family,
        username=values.user_name,
        user_type=current.user_type if current is not None else UserType.EMPLOYEE,
        company_id=company_id,
        unit_id=_unit(session, company_id, values, current),
        email=values.email or "",
        mobile=values.mobile
        if values.mobile is not None
        else (current.mobile or "" if current else ""),
        national_id="",
        language=_language(values, current),
        notes=(current.notes or "") if current is not None else "",
        brukare_ids=links,
        keep_national_id_when_blank=current is not None,
    )


def ensure_not_admin(session: Session, *, user_id: int) -> None:
    """API clients never change anyone holding a grant (see credentials.py)."""
    if grants_of(session, [user_id]).get(user_id):
        raise PermissionDenied(ADMIN_OUT_OF_REACH)


def _writable(session: Session, actor: Actor, user_id: object) -> User:
    user = get_user_for_write(session, actor=actor, user_id=user_id)
    ensure_not_admin(session, user_id=require_id(user))
    if user.user_type == UserType.ADMINISTRATOR:
        raise PermissionDenied(ADMIN_OUT_OF_REACH)
    return user


def view_user(session: Session, *, actor: Actor, user_id: object) -> ScimUserView:
    """The user as SCIM shows them; NotFound when unknown, removed or another organisation's."""
    return view_users(
        session, actor=actor, users=[get_user_in_scope(session, actor=actor, user_id=user_id)]
    )[0]


def view_users(session: Session, *, actor: Actor, users: list[User]) -> list[ScimUserView]:
    """Views of users already read in the actor's scope (names in two small queries)."""
    ids = [require_id(u) for u in users]
    extra = provisioning_of(session, user_ids=ids)
    company_ids = {u.company_id for u in users}
    unit_ids = {u.unit_id for u in users if u.unit_id is not None}
    companies = (
        {
            c.id: c.name
            for c in session.exec(select(Company).where(col(Company.id).in_(company_ids))).all()
        }
        if company_ids
        else {}
    )
    units = (
        {u.id: u.name for u in session.exec(select(Unit).where(col(Unit.id).in_(unit_ids))).all()}
        if unit_ids
        else {}
    )
    return [
        ScimUserView(
            user=u,
            external_id=extra[u.id].external_id if u.id in extra else None,
            active=not (u.id in extra and extra[u.id].disabled_at is not None),
            company_name=companies.get(u.company_id, ""),
            unit_name=units.get(u.unit_id, "") if u.unit_id is not None else "",
        )
        for u in users
    ]


def _after_write(session: Session, actor: Actor, user_id: int, values: ScimValues) -> None:
    set_external_id(session, actor=actor, user_id=user_id, external_id=values.external_id)
    set_active(session, actor=actor, user_id=user_id, active=values.active)
    session.flush()


def scim_create_user(session: Session, *, actor: Actor, values: ScimValues) -> int:
    """POST /Users. Raises ValidationFailed (username taken, banked, invalid fields)."""
    user_id = create_user(session, actor=actor, data=_input(session, actor, values, None))
    _after_write(session, actor, user_id, values)
    return user_id


def scim_replace_user(
    session: Session, *, actor: Actor, user_id: object, values: ScimValues
) -> None:
    """PUT (and PATCH, applied to the current view first) /Users/{id}."""
    user = _writable(session, actor, user_id)
    uid = require_id(user)
    update_user(session, actor=actor, user_id=uid, data=_input(session, actor, values, user))
    _after_write(session, actor, uid, values)


def scim_delete_user(session: Session, *, actor: Actor, user_id: object) -> None:
    """DELETE /Users/{id}: to Användarbanken (the username stays reserved)."""
    user = _writable(session, actor, user_id)
    remove_user(session, actor=actor, user_id=require_id(user), reason="SCIM")


def company_required(errors: dict[str, str]) -> bool:
    """Whether a refusal is about placement (no organization matched)."""
    return "company_id" in errors


__all__ = [
    "ADMIN_OUT_OF_REACH",
    "NotFound",
    "ScimUserView",
    "ScimValues",
    "ValidationFailed",
    "ensure_not_admin",
    "scim_create_user",
    "scim_delete_user",
    "scim_replace_user",
    "view_user",
    "view_users",
]

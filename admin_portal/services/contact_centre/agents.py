"""Lägg till agent (F3.1, F3.2) and removal under the queue guard (F3.7).

An agent is created through the users capability's `create_user` (scope, username,
names, e-mail per company, mobile via validation/phone) with user type `agent`, placed in
the company of their user group, and without a password: the agent gets one through
"Glömt lösenord/Behöver nytt lösenord".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import Agent, ExternalUserId, User, UserType, require_id, utcnow
from admin_portal.services.audit.events import record_admin_action
from admin_portal.services.contact_centre.numeric_ids import (
    TAKEN,
    numeric_id_taken,
    parse_numeric_id,
)
from admin_portal.services.contact_centre.profiles import replace_group_profiles
from admin_portal.services.contact_centre.queues import ensure_not_in_queue
from admin_portal.services.contact_centre.scope import get_agent_for_write, get_group_in_scope
from admin_portal.services.errors import PermissionDenied, ServiceError, ValidationFailed
from admin_portal.services.users.manage import (
    UserInput,
    create_user,
)
from admin_portal.services.users.removal import (
    remove_user,
)
from admin_portal.validation.errors import InvalidInput

EMAIL_OR_MOBILE = "contact_centre.email_or_mobile"
KEYWORDS_MAX = 500
LOGIN_ID_MAX = 254
EXTERNAL_SYSTEM_MAX = 50
EXTERNAL_ID_MAX = 200
EXTERNAL_IDS_MAX = 20


@dataclass(frozen=True)
class AgentInput:
    """Raw form values of Lägg till agent. Anything may arrive here: nothing is trusted."""

    first_name: object = ""
    last_name: object = ""
    username: object = ""
    numeric_id: object = ""
    email: object = ""
    login_id_is_email: object = False
    mobile: object = ""
    group_id: object = None
    language: object = "sv"
    keywords: object = ""
    login_id: object = ""
    # (system, id) pairs; blank pairs are ignored.
    external_ids: object = field(default_factory=list)
    group_profile_ids: object = field(default_factory=list)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _external_ids(raw: object, errors: dict[str, str]) -> list[tuple[str, str]]:
    if not isinstance(raw, list | tuple):
        errors["external_ids"] = "contact_centre.external_id_invalid"
        return []
    pairs: list[tuple[str, str]] = []
    for item in raw:
        if not isinstance(item, list | tuple | dict) or len(item) != 2:
            errors["external_ids"] = "contact_centre.external_id_invalid"
            return []
        system, value = (
            (item.get("system"), item.get("id")) if isinstance(item, dict) else tuple(item)
        )
        system, value = _text(system), _text(value)
        if not system and not value:
            continue
        if (
            not system
            or not value
            or len(system) > EXTERNAL_SYSTEM_MAX
            or len(value) > EXTERNAL_ID_MAX
        ):
            errors["external_ids"] = "contact_centre.external_id_invalid"
            return []
        pairs.append((system, value))
    if len(pairs) > EXTERNAL_IDS_MAX or len(set(pairs)) != len(pairs):
        errors["external_ids"] = "contact_centre.external_id_invalid"
        return []
    return pairs


def external_id_taken(
    session: Session,
    *,
    organisation_id: int,
    system: str,
    external_id: str,
    exclude_agent_id: int | None = None,
) -> bool:
    """Is this (system, id) pair used by an agent of the organisation (other than one)?"""
    query = select(ExternalUserId.id).where(
        ExternalUserId.organisation_id == organisation_id,
        ExternalUserId.system == system,
        ExternalUserId.external_id == external_id,
    )
    if exclude_agent_id is not None:
        query = query.where(ExternalUserId.agent_id != exclude_agent_id)
    return session.exec(query).first() is not None


def login_id_taken(
    session: Session, *, organisation_id: int, login_id: str, exclude_agent_id: int | None = None
) -> bool:
    """Is this login ID used by an agent of the organisation (other than one)?"""
    query = select(Agent.user_id).where(
        Agent.organisation_id == organisation_id, col(Agent.login_id) == login_id
    )
    if exclude_agent_id is not None:
        query = query.where(Agent.user_id != exclude_agent_id)
    return session.exec(query).first() is not None


def _check_fields(
    session: Session, actor: Actor, data: AgentInput, errors: dict[str, str]
) -> tuple[int | None, str | None, list[tuple[str, str]]]:
    if not _text(data.email) and not _text(data.mobile):
        errors["email"] = errors["mobile"] = EMAIL_OR_MOBILE
    numeric_id = None
    try:
        numeric_id = parse_numeric_id(data.numeric_id)
    except InvalidInput as problem:
        errors["numeric_id"] = problem.key
    if numeric_id is not None and numeric_id_taken(session, actor=actor, numeric_id=numeric_id):
        errors["numeric_id"] = TAKEN
    login_id = _text(data.email) if data.login_id_is_email is True else _text(data.login_id)
    if len(login_id) > LOGIN_ID_MAX:
        errors["login_id"] = "contact_centre.login_id_too_long"
    elif login_id and login_id_taken(
        session, organisation_id=actor.organisation_id, login_id=login_id
    ):
        errors["login_id"] = "contact_centre.login_id_taken"
    if len(_text(data.keywords)) > KEYWORDS_MAX:
        errors["keywords"] = "contact_centre.keywords_too_long"
    pairs = _external_ids(data.external_ids, errors)
    for system, value in pairs:
        if external_id_taken(
            session, organisation_id=actor.organisation_id, system=system, external_id=value
        ):
            errors["external_ids"] = "contact_centre.external_id_taken"
    return numeric_id, login_id or None, pairs


def create_agent(session: Session, *, actor: Actor, data: AgentInput) -> int:
    """F3.1/F3.2: add an agent without a password. Every field error is reported at once.

    Raises:
        PermissionDenied: not an administrator.
        ValidationFailed: per field; ``contact_centre.email_or_mobile`` on both e-mail and
            mobile when neither is given, ``contact_centre.numeric_id_taken`` on a clash.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    errors: dict[str, str] = {}
    group = None
    try:
        group = get_group_in_scope(session, actor=actor, group_id=data.group_id)
    except ServiceError:
        errors["group_id"] = "contact_centre.group_required"
    numeric_id, login_id, pairs = _check_fields(session, actor, data, errors)
    user_id = None
    try:
        user_id = create_user(
            session,
            actor=actor,
            data=UserInput(
                first_name=_text(data.first_name),
                last_name=_text(data.last_name),
                username=_text(data.username),
                user_type=UserType.AGENT,
                company_id=group.company_id if group else None,
                email=_text(data.email),
                mobile=_text(data.mobile),
                language=_text(data.language),
            ),
        )
    except ValidationFailed as refusal:
        # The group decides the company: a company error is the group's.
        found = dict(refusal.errors)
        if "company_id" in found or "unit_id" in found:
            found.pop("company_id", None)
            found.pop("unit_id", None)
            found.setdefault("group_id", "contact_centre.group_required")
        errors = {**found, **errors}
    if errors or user_id is None or group is None:
        raise ValidationFailed(errors)
    user = session.get(User, user_id)
    assert user is not None
    user.numeric_id = numeric_id
    session.add(user)
    agent = Agent(
        user_id=user_id,
        organisation_id=user.organisation_id,
        group_id=require_id(group),
        keywords=_text(data.keywords),
        login_id=login_id,
    )
    session.add(agent)
    try:
        session.flush()
    except IntegrityError:
        # Two admins raced for one numeric ID: the constraint decides.
        session.rollback()
        raise ValidationFailed({"numeric_id": TAKEN}) from None
    for system, value in pairs:
        session.add(
            ExternalUserId(
                organisation_id=user.organisation_id,
                agent_id=user_id,
                system=system,
                external_id=value,
            )
        )
    replace_group_profiles(
        session, group_id=require_id(group), agent_id=user_id, profile_ids=data.group_profile_ids
    )
    session.flush()
    return user_id


def remove_agent(session: Session, *, actor: Actor, agent_id: object) -> None:
    """F3.7: remove (to the user bank) unless logged in to a queue ("inloggad i kö")."""
    user, agent = get_agent_for_write(session, actor=actor, agent_id=agent_id)
    ensure_not_in_queue(session, agent_id=agent.user_id)
    remove_user(session, actor=actor, user_id=require_id(user))


def update_agent_details(
    session: Session,
    *,
    actor: Actor,
    agent_id: object,
    keywords: object,
    login_id: object,
    external_ids: object,
) -> None:
    """Nyckelord, Inloggnings-ID and Externa användar-ID of an existing agent.

    Names, e-mail and mobile are the users capability's (Användare → the profile).

    Raises:
        NotFound / PermissionDenied: the agent is outside the actor's scope.
        ValidationFailed: per field, as on Lägg till agent.
    """
    user, agent = get_agent_for_write(session, actor=actor, agent_id=agent_id)
    errors: dict[str, str] = {}
    words, login = _text(keywords), _text(login_id)
    if len(words) > KEYWORDS_MAX:
        errors["keywords"] = "contact_centre.keywords_too_long"
    if len(login) > LOGIN_ID_MAX:
        errors["login_id"] = "contact_centre.login_id_too_long"
    elif login and login_id_taken(
        session,
        organisation_id=user.organisation_id,
        login_id=login,
        exclude_agent_id=agent.user_id,
    ):
        errors["login_id"] = "contact_centre.login_id_taken"
    pairs = _external_ids(external_ids, errors)
    for system, value in pairs:
        if external_id_taken(
            session,
            organisation_id=user.organisation_id,
            system=system,
            external_id=value,
            exclude_agent_id=agent.user_id,
        ):
            errors["external_ids"] = "contact_centre.external_id_taken"
    if errors:
        raise ValidationFailed(errors)
    agent.keywords, agent.login_id, agent.updated_at = words, login or None, utcnow()
    session.add(agent)
    session.execute(delete(ExternalUserId).where(col(ExternalUserId.agent_id) == agent.user_id))
    session.flush()
    for system, value in pairs:
        session.add(
            ExternalUserId(
                organisation_id=user.organisation_id,
                agent_id=agent.user_id,
                system=system,
                external_id=value,
            )
        )
    record_admin_action(session, actor=actor, action="agent_settings_changed", user_id=user.id)

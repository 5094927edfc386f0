"""Skills and profiles: group profiles ticked per agent (F3.5), personal profiles (F3.6)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import (
    AgentGroupProfile,
    Profile,
    ProfileSkill,
    Skill,
    require_id,
)
from admin_portal.models.contact_centre import SKILL_LEVEL_MAX, SKILL_LEVEL_MIN
from admin_portal.services.audit.events import record_admin_action
from admin_portal.services.contact_centre.scope import (
    get_agent_for_write,
    get_agent_in_scope,
    get_group_in_scope,
)
from admin_portal.services.errors import NotFound, PermissionDenied, ValidationFailed
from admin_portal.validation.ids import is_id, is_int

PROFILE_NAME_MAX = 100
PERSONAL_PROFILES_MAX = 50


@dataclass(frozen=True)
class SkillLevel:
    skill_id: int
    name: str
    level: int


@dataclass(frozen=True)
class ProfileView:
    id: int
    name: str
    skills: list[SkillLevel]


def skills_catalogue(session: Session, *, actor: Actor) -> list[Skill]:
    """The organisation's skills, by name."""
    if not actor.is_admin:
        raise PermissionDenied()
    return list(
        session.exec(
            select(Skill)
            .where(Skill.organisation_id == actor.organisation_id)
            .order_by(col(Skill.name))
        ).all()
    )


def _views(session: Session, profiles: list[Profile]) -> list[ProfileView]:
    ids = [require_id(p) for p in profiles]
    rows = session.exec(
        select(ProfileSkill.profile_id, Skill.id, Skill.name, ProfileSkill.level)
        .join(Skill, col(Skill.id) == col(ProfileSkill.skill_id))
        .where(col(ProfileSkill.profile_id).in_(ids))
        .order_by(col(Skill.name))
    ).all()
    by_profile: dict[int, list[SkillLevel]] = {i: [] for i in ids}
    for profile_id, skill_id, name, level in rows:
        by_profile[profile_id].append(SkillLevel(skill_id or 0, name, level))
    return [ProfileView(require_id(p), p.name, by_profile[require_id(p)]) for p in profiles]


def group_profiles(session: Session, *, actor: Actor, group_id: object) -> list[ProfileView]:
    """The group's profiles with their skills: the tick tree of the agent form."""
    group = get_group_in_scope(session, actor=actor, group_id=group_id)
    profiles = session.exec(
        select(Profile).where(Profile.group_id == group.id).order_by(col(Profile.name))
    ).all()
    return _views(session, list(profiles))


def ticked_group_profiles(session: Session, *, agent_id: int) -> list[int]:
    """Ids of the group profiles ticked for the agent."""
    return list(
        session.exec(
            select(AgentGroupProfile.profile_id).where(AgentGroupProfile.agent_id == agent_id)
        ).all()
    )


def replace_group_profiles(
    session: Session, *, group_id: int, agent_id: int, profile_ids: object
) -> None:
    """Tick exactly these profiles of the group (forged ids of other groups are refused)."""
    if not isinstance(profile_ids, list | tuple | set | frozenset):
        raise ValidationFailed({"group_profiles": "contact_centre.profiles_invalid"})
    wanted = {p for p in profile_ids if is_id(p)}
    if len(wanted) != len(profile_ids):
        raise ValidationFailed({"group_profiles": "contact_centre.profiles_invalid"})
    offered = set(session.exec(select(Profile.id).where(Profile.group_id == group_id)).all())
    if not wanted <= offered:
        raise ValidationFailed({"group_profiles": "contact_centre.profiles_invalid"})
    session.execute(delete(AgentGroupProfile).where(col(AgentGroupProfile.agent_id) == agent_id))
    for profile_id in sorted(wanted):
        session.add(AgentGroupProfile(agent_id=agent_id, profile_id=profile_id))


def set_group_profiles(
    session: Session, *, actor: Actor, agent_id: object, profile_ids: object
) -> None:
    """F3.5: save which of the group's profiles the agent gets."""
    user, agent = get_agent_for_write(session, actor=actor, agent_id=agent_id)
    replace_group_profiles(
        session, group_id=agent.group_id, agent_id=agent.user_id, profile_ids=profile_ids
    )
    record_admin_action(session, actor=actor, action="agent_profiles_changed", user_id=user.id)


def personal_profiles(session: Session, *, actor: Actor, agent_id: object) -> list[ProfileView]:
    """F3.6: the agent's personal profiles, by name."""
    _, agent = get_agent_in_scope(session, actor=actor, agent_id=agent_id)
    profiles = session.exec(
        select(Profile).where(Profile.agent_id == agent.user_id).order_by(col(Profile.name))
    ).all()
    return _views(session, list(profiles))


def _clean_skills(
    session: Session, actor: Actor, skills: object, errors: dict[str, str]
) -> dict[int, int]:
    if not isinstance(skills, Mapping):
        errors["skills"] = "contact_centre.skills_invalid"
        return {}
    clean: dict[int, int] = {}
    for raw_id, raw_level in skills.items():
        skill_id = int(raw_id) if isinstance(raw_id, str) and raw_id.isdigit() else raw_id
        level = int(raw_level) if isinstance(raw_level, str) and raw_level.isdigit() else raw_level
        if not is_id(skill_id) or not is_int(level):
            errors["skills"] = "contact_centre.skills_invalid"
            return {}
        if not SKILL_LEVEL_MIN <= level <= SKILL_LEVEL_MAX:
            errors["skills"] = "contact_centre.skill_level_range"
            return {}
        clean[skill_id] = level
    known = set(
        session.exec(
            select(Skill.id).where(
                Skill.organisation_id == actor.organisation_id, col(Skill.id).in_(list(clean))
            )
        ).all()
    )
    if set(clean) - known:
        errors["skills"] = "contact_centre.skills_invalid"
        return {}
    if not clean:
        errors["skills"] = "contact_centre.skills_required"
    return clean


def save_personal_profile(
    session: Session,
    *,
    actor: Actor,
    agent_id: object,
    profile_id: object = None,
    name: object,
    skills: object,
) -> int:
    """F3.6: create (profile_id None) or replace a personal profile: name, skills, levels.

    Args:
        skills: skill id -> level 1..9 (ids of the organisation's catalogue).

    Raises:
        NotFound: agent or profile outside scope, or a profile of someone else.
        ValidationFailed: name blank or too long, no skills, an unknown skill, a level
            outside 1..9.
    """
    user, agent = get_agent_for_write(session, actor=actor, agent_id=agent_id)
    errors: dict[str, str] = {}
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text:
        errors["name"] = "contact_centre.profile_name_required"
    elif len(text) > PROFILE_NAME_MAX:
        errors["name"] = "contact_centre.profile_name_too_long"
    clean = _clean_skills(session, actor, skills, errors)
    if errors:
        raise ValidationFailed(errors)
    if profile_id is None:
        count = len(session.exec(select(Profile.id).where(Profile.agent_id == agent.user_id)).all())
        if count >= PERSONAL_PROFILES_MAX:
            raise ValidationFailed({"name": "contact_centre.too_many_profiles"})
        profile = Profile(organisation_id=user.organisation_id, name=text, agent_id=agent.user_id)
        session.add(profile)
        session.flush()
    else:
        found = session.get(Profile, profile_id) if is_id(profile_id) else None
        if found is None or found.agent_id != agent.user_id:
            raise NotFound()
        profile = found
        profile.name = text
        session.add(profile)
    pid = require_id(profile)
    session.execute(delete(ProfileSkill).where(col(ProfileSkill.profile_id) == pid))
    for skill_id, level in sorted(clean.items()):
        session.add(ProfileSkill(profile_id=pid, skill_id=skill_id, level=level))
    record_admin_action(session, actor=actor, action="agent_profiles_changed", user_id=user.id)
    return pid


def delete_personal_profile(
    session: Session, *, actor: Actor, agent_id: object, profile_id: object
) -> None:
    """Remove one of the agent's personal profiles."""
    user, agent = get_agent_for_write(session, actor=actor, agent_id=agent_id)
    found = session.get(Profile, profile_id) if is_id(profile_id) else None
    if found is None or found.agent_id != agent.user_id:
        raise NotFound()
    session.execute(delete(ProfileSkill).where(col(ProfileSkill.profile_id) == found.id))
    session.delete(found)
    record_admin_action(session, actor=actor, action="agent_profiles_changed", user_id=user.id)

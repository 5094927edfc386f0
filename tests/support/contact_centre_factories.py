"""A small contact-centre world for the service and handler tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import (
    Agent,
    AgentGroupProfile,
    AgentResourceFilter,
    Company,
    GroupResourceFilter,
    Profile,
    ProfileSkill,
    Queue,
    QueueSession,
    Role,
    Skill,
    User,
    UserGroup,
    UserType,
    require_id,
)
from tests.support.factories import grant, make_user
from tests.support.world import build_care_world


@dataclass
class CcWorld:
    head: Actor
    company_admin: Actor
    other_admin: Actor
    company: Company
    other_company: Company
    gbg: UserGroup
    sthlm: UserGroup
    foreign: UserGroup
    profiles: dict[str, int]
    skills: dict[str, int]
    agent1: User
    agent2: User
    queue: Queue


def make_group(
    session: Session, company: Company, name: str, timeout: int, wrap: int, filters: list[str]
) -> UserGroup:
    group = UserGroup(
        organisation_id=company.organisation_id,
        company_id=require_id(company),
        name=name,
        phone_timeout_s=timeout,
        wrap_up_s=wrap,
    )
    session.add(group)
    session.flush()
    for f in filters:
        session.add(GroupResourceFilter(group_id=require_id(group), name=f))
    return group


def make_agent(
    session: Session,
    company: Company,
    group: UserGroup,
    *,
    username: str,
    numeric_id: int | None,
    own_timeout: int | None = None,
    profile_ids: list[int] | None = None,
) -> User:
    user = make_user(
        session, company, username=username, email=f"{username}@x.example", user_type=UserType.AGENT
    )
    user.numeric_id = numeric_id
    session.add(user)
    session.add(
        Agent(
            user_id=require_id(user),
            organisation_id=user.organisation_id,
            group_id=require_id(group),
            own_phone_timeout_s=own_timeout,
        )
    )
    session.flush()
    for pid in profile_ids or []:
        session.add(AgentGroupProfile(agent_id=require_id(user), profile_id=pid))
    session.flush()
    return user


def build_world(session: Session) -> CcWorld:
    """The shared world's organisation with a contact centre in its two companies."""
    base = build_care_world(session, head_username="head")
    org, company, other_company = base.org, base.company, base.company2
    head_user = base.head
    admin_user = make_user(session, company, username="cadmin")
    grant(session, admin_user, Role.ADMIN, company=company)
    other_user = make_user(session, other_company, username="oadmin")
    grant(session, other_user, Role.ADMIN, company=other_company)
    skills = {}
    for name in ("Svenska", "Engelska", "Växel"):
        skill = Skill(organisation_id=require_id(org), name=name)
        session.add(skill)
        session.flush()
        skills[name] = require_id(skill)
    gbg = make_group(session, company, "Kundtjänst Göteborg", 30, 10, ["Väst"])
    sthlm = make_group(session, company, "Växel Stockholm", 45, 10, ["Öst"])
    foreign = make_group(session, other_company, "Annat företag", 20, 5, [])
    profiles = {}
    for group, names in ((gbg, ["Faktura", "Teknik"]), (sthlm, ["Växel sv", "Växel en"])):
        for name in names:
            profile = Profile(organisation_id=require_id(org), name=name, group_id=group.id)
            session.add(profile)
            session.flush()
            session.add(
                ProfileSkill(profile_id=require_id(profile), skill_id=skills["Svenska"], level=5)
            )
            profiles[name] = require_id(profile)
    agent1 = make_agent(
        session,
        company,
        gbg,
        username="agent1",
        numeric_id=101,
        own_timeout=60,
        profile_ids=[profiles["Faktura"], profiles["Teknik"]],
    )
    session.add(AgentResourceFilter(agent_id=require_id(agent1), name="Eget filter"))
    agent2 = make_agent(
        session, company, gbg, username="agent2", numeric_id=102, profile_ids=[profiles["Faktura"]]
    )
    queue = Queue(organisation_id=require_id(org), key="kundtjanst", name="Kundtjänst")
    session.add(queue)
    session.flush()
    session.add(QueueSession(agent_id=require_id(agent1), queue_id=require_id(queue)))
    session.flush()

    def actor(user: User) -> Actor:
        found = load_actor(session, require_id(user))
        assert found is not None
        return found

    return CcWorld(
        head=actor(head_user),
        company_admin=actor(admin_user),
        other_admin=actor(other_user),
        company=company,
        other_company=other_company,
        gbg=gbg,
        sthlm=sthlm,
        foreign=foreign,
        profiles=profiles,
        skills=skills,
        agent1=agent1,
        agent2=agent2,
        queue=queue,
    )

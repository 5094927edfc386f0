"""Demo data for Kontaktcenter (seed 003) in the head administrator's organisation.

User groups "Kundtjänst Göteborg" (phone timeout 30 s) and "Växel Stockholm" (45 s), two
group profiles each; `agent1` (numeric ID 101, own phone timeout 60 s, logged in to a
queue) and `agent2` (102, not logged in), both signing in with the demo password.
"""

from __future__ import annotations

from sqlmodel import Session

from admin_portal.models import (
    Agent,
    AgentGroupProfile,
    Company,
    GroupResourceFilter,
    Profile,
    ProfileSkill,
    Queue,
    QueueSession,
    Skill,
    User,
    UserGroup,
    UserType,
    require_id,
    utcnow,
)
from admin_portal.validation.identifiers import email_key, username_key

AGENT1, AGENT2 = "agent1", "agent2"
GOTHENBURG, STOCKHOLM = "Kundtjänst Göteborg", "Växel Stockholm"
QUEUE_KEY = "kundtjanst"

_SKILLS = ["Svenska", "Engelska", "Fakturor", "Teknisk support", "Växel"]
# group -> (phone timeout, wrap-up, resource filters, {profile: {skill: level}})
_GROUPS: dict[str, tuple[int, int, list[str], dict[str, dict[str, int]]]] = {
    GOTHENBURG: (
        30,
        10,
        ["Region Väst"],
        {
            "Faktura": {"Svenska": 8, "Fakturor": 7},
            "Teknik": {"Svenska": 6, "Engelska": 5, "Teknisk support": 8},
        },
    ),
    STOCKHOLM: (
        45,
        15,
        ["Region Öst"],
        {
            "Växel svenska": {"Svenska": 9, "Växel": 8},
            "Växel engelska": {"Engelska": 8, "Växel": 7},
        },
    ),
}


def seed_contact_centre(session: Session, *, company: Company, password_hash: str) -> None:
    """Groups, skills, profiles, a queue and the two agents, placed in `company`."""
    org_id = company.organisation_id
    skills = {name: Skill(organisation_id=org_id, name=name) for name in _SKILLS}
    session.add_all(skills.values())
    session.flush()
    groups: dict[str, UserGroup] = {}
    profiles: dict[str, list[int]] = {}
    for name, (timeout, wrap_up, filters, group_profiles) in _GROUPS.items():
        group = UserGroup(
            organisation_id=org_id,
            company_id=require_id(company),
            name=name,
            phone_timeout_s=timeout,
            wrap_up_s=wrap_up,
        )
        session.add(group)
        session.flush()
        groups[name] = group
        session.add_all(GroupResourceFilter(group_id=require_id(group), name=f) for f in filters)
        profiles[name] = []
        for profile_name, levels in group_profiles.items():
            profile = Profile(organisation_id=org_id, name=profile_name, group_id=group.id)
            session.add(profile)
            session.flush()
            profiles[name].append(require_id(profile))
            session.add_all(
                ProfileSkill(
                    profile_id=require_id(profile), skill_id=require_id(skills[s]), level=lv
                )
                for s, lv in levels.items()
            )
    queue = Queue(organisation_id=org_id, key=QUEUE_KEY, name="Kundtjänst")
    session.add(queue)
    for username, first, numeric_id, own_timeout, mobile in (
        (AGENT1, "Agnes", 101, 60, "+46701740101"),
        (AGENT2, "Axel", 102, None, "+46701740102"),
    ):
        email = f"{username}@demo-omsorg.example"
        user = User(
            organisation_id=org_id,
            company_id=require_id(company),
            first_name=first,
            last_name="Agent",
            username=username,
            username_key=username_key(username),
            email=email,
            email_key=email_key(email),
            email_verified_at=utcnow(),
            mobile=mobile,
            user_type=UserType.AGENT,
            numeric_id=numeric_id,
            password_hash=password_hash,
            password_changed_at=utcnow(),
        )
        session.add(user)
        session.flush()
        agent = Agent(
            user_id=require_id(user),
            organisation_id=org_id,
            group_id=require_id(groups[GOTHENBURG]),
            login_id=email,
            own_phone_timeout_s=own_timeout,
        )
        session.add(agent)
        session.flush()
        session.add_all(
            AgentGroupProfile(agent_id=agent.user_id, profile_id=p) for p in profiles[GOTHENBURG]
        )
        if username == AGENT1:
            session.flush()
            session.add(QueueSession(agent_id=agent.user_id, queue_id=require_id(queue)))
    session.flush()

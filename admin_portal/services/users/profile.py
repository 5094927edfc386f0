"""Read models for the add form and the profile page: one query per list, nothing per row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import (
    Actor,
    can_act_on_user,
    can_manage_user,
    can_reveal_national_id,
    grants_of,
)
from admin_portal.mail.suppressions import refused_addresses
from admin_portal.models import (
    CareLink,
    Company,
    DeliveryEvent,
    OutboxMessage,
    Token,
    TokenPurpose,
    Unit,
    User,
    UserStatus,
    UserType,
    utcnow,
)
from admin_portal.search.text import user_text_condition
from admin_portal.services.errors import PermissionDenied
from admin_portal.services.users.manage import get_user_in_scope
from admin_portal.validation.national_id import mask_national_id

PICKER_LIMIT = 20


@dataclass(frozen=True)
class Option:
    id: int
    label: str


@dataclass(frozen=True)
class Placement:
    """Companies and units the actor may place users in."""

    companies: list[Option]
    units: list[Option]  # label "Company – Unit"


def placement_options(session: Session, *, actor: Actor) -> Placement:
    if not actor.is_admin:
        raise PermissionDenied()
    # Plain columns, not ORM objects: every profile view and users list reads the whole
    # organisation's tree (hundreds of units), so the row mapping is most of the cost.
    companies = session.exec(
        select(Company.id, Company.name)
        .where(Company.organisation_id == actor.organisation_id)
        .order_by(Company.name)
    ).all()
    units = session.exec(
        select(Unit.id, Unit.name, Unit.company_id, Company.name)
        .join(Company, col(Company.id) == Unit.company_id)
        .where(Company.organisation_id == actor.organisation_id)
        .order_by(Company.name, Unit.name)
    ).all()
    return Placement(
        companies=[
            Option(id=company_id or 0, label=name)
            for company_id, name in companies
            if actor.is_head_admin or company_id in actor.company_ids
        ],
        units=[
            Option(id=unit_id or 0, label=f"{company_name} – {unit_name}")
            for unit_id, unit_name, company_id, company_name in units
            if actor.is_head_admin or company_id in actor.company_ids or unit_id in actor.unit_ids
        ],
    )


def find_brukare(
    session: Session, *, actor: Actor, text: str, limit: int = PICKER_LIMIT
) -> list[Option]:
    """The searchable brukare picker (F0.2): active brukare in scope, matched on name or username."""
    if not actor.is_admin:
        raise PermissionDenied()
    text = (text if isinstance(text, str) else "").strip()[:100]
    stmt = select(User).where(
        User.organisation_id == actor.organisation_id,
        User.user_type == UserType.BRUKARE,
        User.status == UserStatus.ACTIVE,
    )
    if not actor.is_head_admin:
        stmt = stmt.where(
            or_(col(User.company_id).in_(actor.company_ids), col(User.unit_id).in_(actor.unit_ids))
        )
    if text:
        stmt = stmt.where(user_text_condition(text.casefold()))
    rows = session.exec(
        stmt.order_by(User.last_name, User.first_name, col(User.id)).limit(max(1, min(limit, 50)))
    ).all()
    return [Option(id=u.id or 0, label=f"{u.full_name} ({u.username})") for u in rows]


@dataclass(frozen=True)
class MailRow:
    created_at: str
    kind: str
    subject: str
    status: str
    sent_at: str


@dataclass(frozen=True)
class UserProfile:
    id: int
    first_name: str
    last_name: str
    username: str
    user_type: str
    company_id: int
    company_name: str
    unit_id: int | None
    unit_name: str
    email: str
    email_verified: bool
    email_bounced: bool
    # Resend reported a bounce or complaint for this address: no mail goes to it (mail.suppressions).
    email_stopped: bool
    mobile: str
    national_id_masked: str
    can_reveal_national_id: bool
    language: str
    notes: str
    brukare: list[Option]  # for an assistant: the brukare they assist (in the viewer's scope)
    assistants: list[Option]  # for a brukare: their assistants (in the viewer's scope)
    # Linked people outside the viewer's scope: counted, never named nor linked (A.9).
    brukare_outside: int
    assistants_outside: int
    # False for an admin the viewer may see but not change (finding A.1): the page then
    # offers no Spara, invitation, verification or Ta bort.
    may_change: bool
    # A set-password link goes only to an account without a password.
    has_password: bool
    mail_history: list[MailRow]
    invitation_pending_until: str  # "" when no live set-password link
    # The latest welcome (set-password) mail's word, as in the mail history ("" when none).
    invitation_delivery: str


def mail_word(mail: OutboxMessage) -> str:
    """A mail's state for the admin: Resend's later report (delivered, bounced, complained,
    delayed) when there is one, else the outbox status; a `mail_status.<word>` key's word."""
    if mail.delivery_event and mail.delivery_event != DeliveryEvent.SENT:
        return mail.delivery_event
    return mail.status


def _fmt(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def get_user_profile(session: Session, *, actor: Actor, user_id: object) -> UserProfile:
    user = get_user_in_scope(session, actor=actor, user_id=user_id)
    company = session.get(Company, user.company_id)
    unit = session.get(Unit, user.unit_id) if user.unit_id else None
    other = aliased(User)
    brukare = session.exec(
        select(other)
        .join(CareLink, col(CareLink.brukare_id) == other.id)
        .where(CareLink.assistant_id == user.id)
        .order_by(other.last_name)
    ).all()
    assistants = session.exec(
        select(other)
        .join(CareLink, col(CareLink.assistant_id) == other.id)
        .where(CareLink.brukare_id == user.id)
        .order_by(other.last_name)
    ).all()
    seen_brukare = [p for p in brukare if can_manage_user(actor, p)]
    seen_assistants = [p for p in assistants if can_manage_user(actor, p)]
    uid = user.id or 0
    may_change = can_act_on_user(actor, user, grants_of(session, [uid])[uid])
    mails = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.user_id == user.id)
        .order_by(col(OutboxMessage.id).desc())
        .limit(50)
    ).all()
    live_link = session.exec(
        select(Token.expires_at).where(
            Token.user_id == user.id,
            Token.purpose == TokenPurpose.SET_PASSWORD,
            col(Token.used_at).is_(None),
            col(Token.voided_at).is_(None),
            col(Token.expires_at) > utcnow(),
        )
    ).first()

    def option(person: User) -> Option:
        return Option(id=person.id or 0, label=f"{person.full_name} ({person.username})")

    return UserProfile(
        id=user.id or 0,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        user_type=user.user_type,
        company_id=user.company_id,
        company_name=company.name if company else "",
        unit_id=user.unit_id,
        unit_name=unit.name if unit else "",
        email=user.email or "",
        email_verified=user.email_verified_at is not None,
        email_bounced=user.email_bounced_at is not None,
        email_stopped=bool(user.email and refused_addresses(session, [user.email])),
        mobile=user.mobile or "",
        national_id_masked=mask_national_id(user.national_id) if user.national_id else "",
        can_reveal_national_id=can_reveal_national_id(actor, user),
        language=user.language,
        notes=user.notes or "",
        brukare=[option(p) for p in seen_brukare],
        assistants=[option(p) for p in seen_assistants],
        brukare_outside=len(brukare) - len(seen_brukare),
        assistants_outside=len(assistants) - len(seen_assistants),
        may_change=may_change,
        has_password=bool(user.password_hash),
        mail_history=[
            MailRow(
                created_at=_fmt(m.created_at),
                kind=m.kind,
                subject=m.subject,
                status=mail_word(m),
                sent_at=_fmt(m.sent_at),
            )
            for m in mails
        ],
        invitation_pending_until=_fmt(live_link),
        invitation_delivery=next((mail_word(m) for m in mails if m.kind == "welcome"), ""),
    )

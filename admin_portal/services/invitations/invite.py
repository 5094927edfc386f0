"""Min organisation (F4.3-F4.8): invite a person with a role, services, credits and a cost centre.

Who is a *top-level admin* (F4.4; the seed's "admin av högsta nivå"): a head administrator,
or an administrator granted a whole company. Only they may give Adminroll, and only for
units inside their own scope. Admins of units give Standardroll, into their own units.
So nobody can grant more than they have.

Every id here may be forged by a client: units, services and cost centres are looked up
within the actor's organisation and scope, and anything else is a field error or NotFound.
"""

from __future__ import annotations

import json

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor, can_manage_user
from admin_portal.mail.suppressions import refused_addresses
from admin_portal.models import (
    Company,
    CostCentre,
    CreditEntry,
    Invitation,
    InvitationAdminUnit,
    InvitationRole,
    InvitationStatus,
    Organisation,
    ServiceOrder,
    SupportNotification,
    Unit,
    User,
    require_id,
    utcnow,
)
from admin_portal.services.audit.events import record_event
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from admin_portal.services.invitations.catalogue import (
    ServiceOption,
    cost_centre_in_org,
    services_by_id,
)
from admin_portal.services.invitations.input import (
    DETAIL_MAX,
    CleanInvitation,
    InvitationInput,
    clean_credits,
    clean_invitation_input,
    detail_field_name,
)
from admin_portal.services.invitations.mail import (
    cancel_pending_invitation_mail,
    issue_invitation_link,
    queue_support_mail,
)
from admin_portal.services.invitations.unit_switcher import get_unit_in_scope
from admin_portal.services.users.email_address import email_taken_in_company
from admin_portal.validation.fields import FieldErrors
from admin_portal.validation.identifiers import email_key
from admin_portal.validation.ids import parse_id

# Not yet accepted nor withdrawn: shown under Inbjudna, may be resent or revoked.
# Skicka ny inbjudan to an address that bounced or complained (mail.suppressions).
INVITATION_ADDRESS_REFUSED_KEY = "webhooks.invitation_address_refused"

OPEN_STATUSES = (
    InvitationStatus.CREATED,
    InvitationStatus.SENT,
    InvitationStatus.DELIVERED,
    InvitationStatus.BOUNCED,
    InvitationStatus.EXPIRED,
)


def can_give_admin_role(actor: Actor) -> bool:
    """F4.4: only top-level admins (see the module docstring) may invite administrators."""
    return actor.is_head_admin or bool(actor.company_ids)


# --------------------------------------------------------------------------- create


def _unit(
    session: Session, actor: Actor, clean: CleanInvitation, errors: dict[str, str]
) -> tuple[Unit, Company] | None:
    if clean.unit_id is None:
        errors["unit_id"] = "invitations.unit_required"
        return None
    try:
        return get_unit_in_scope(session, actor=actor, unit_id=clean.unit_id)
    except NotFound:
        errors["unit_id"] = "invitations.unit_outside_scope"
        return None


def _admin_units(
    session: Session, actor: Actor, clean: CleanInvitation, errors: dict[str, str]
) -> list[Unit]:
    if clean.role != InvitationRole.ADMIN:
        return []
    if not can_give_admin_role(actor):
        errors["role"] = "invitations.admin_role_not_allowed"
        return []
    if not clean.admin_unit_ids:
        errors["admin_unit_ids"] = "invitations.admin_units_required"
        return []
    units = []
    for unit_id in clean.admin_unit_ids:
        try:
            units.append(get_unit_in_scope(session, actor=actor, unit_id=unit_id)[0])
        except NotFound:
            errors["admin_unit_ids"] = "invitations.unit_outside_scope"
            return []
    return units


def _services(
    session: Session, actor: Actor, clean: CleanInvitation, errors: dict[str, str]
) -> tuple[list[ServiceOption], dict[int, dict[str, str]]]:
    """The chosen services and, per service, the text of each of its required fields (F4.5)."""
    found = services_by_id(session, actor=actor, ids=clean.service_ids)
    if len(found) != len(clean.service_ids):
        errors["service_ids"] = "invitations.service_not_found"
        return [], {}
    # A person with Standardroll is invited *to* something; an admin may come without services.
    if not found and clean.role == InvitationRole.STANDARD:
        errors["service_ids"] = "invitations.service_required"
    services = [found[i] for i in clean.service_ids]
    details: dict[int, dict[str, str]] = {}
    for service in services:
        typed = clean.details.get(service.id, {})
        details[service.id] = {}
        for required in service.required_fields:
            text = typed.get(required.key, "").strip()
            name = detail_field_name(service.id, required.key)
            if not text:
                errors[name] = "invitations.detail_required"
            elif len(text) > DETAIL_MAX:
                errors[name] = "invitations.detail_too_long"
            details[service.id][required.key] = text
    return services, details


def _check_email(
    session: Session, clean: CleanInvitation, unit: Unit, company: Company, errors: dict[str, str]
) -> None:
    if "email" in errors or not clean.email:
        return
    key = email_key(clean.email)
    if email_taken_in_company(session, company_id=require_id(company), key=key):
        errors["email"] = "invitations.email_is_user"
        return
    pending = session.exec(
        select(Invitation.id).where(
            Invitation.unit_id == unit.id,
            Invitation.email_key == key,
            col(Invitation.status).in_(OPEN_STATUSES),
        )
    ).first()
    if pending is not None:
        errors["email"] = "invitations.email_already_invited"


def _organisation_name(session: Session, actor: Actor) -> str:
    org = session.get(Organisation, actor.organisation_id)
    return org.name if org else ""


def _service_names(services: list[ServiceOption], lang: str) -> str:
    return ", ".join(s.name_en if lang == "en" else s.name_sv for s in services)


def create_invitation(session: Session, *, actor: Actor, data: InvitationInput) -> int:
    """Spara (F4.8): the invitation, its admin units, orders, credits, support notices and mails.

    All in the caller's transaction: either everything exists afterwards or nothing does.
    Raises ValidationFailed with one message key per field, PermissionDenied for non-admins.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    errors = FieldErrors()
    clean = clean_invitation_input(data, errors)
    placement = _unit(session, actor, clean, errors)
    admin_units = _admin_units(session, actor, clean, errors)
    services, details = _services(session, actor, clean, errors)
    centre = cost_centre_in_org(session, actor=actor, cost_centre_id=clean.cost_centre_id)
    if services and centre is None:
        errors["cost_centre_id"] = (
            "invitations.cost_centre_required"
            if clean.cost_centre_id is None
            else "invitations.cost_centre_not_found"
        )
    if placement is not None:
        _check_email(session, clean, *placement, errors)
    if errors or placement is None:
        raise ValidationFailed(errors)
    unit, company = placement
    invitation = Invitation(
        organisation_id=actor.organisation_id,
        company_id=require_id(company),
        unit_id=require_id(unit),
        first_name=clean.first_name,
        last_name=clean.last_name,
        email=clean.email,
        email_key=email_key(clean.email),
        phone=clean.phone,
        language=clean.language,
        role=clean.role,
        token_hash="",  # set by issue_invitation_link before the row is written
        expires_at=utcnow(),
        invited_by_id=actor.user_id,
    )
    organisation = _organisation_name(session, actor)
    try:
        issue_invitation_link(
            session,
            invitation=invitation,
            inviter=actor.full_name,
            organisation=organisation,
            services=_service_names(services, clean.language),
        )
        session.flush()
    except IntegrityError:
        # Another admin invited the same address into this unit since _check_email looked
        # (uq_invitations_open_per_unit). Like create_user's username race, this ends the
        # caller's transaction: nothing of this invitation may remain.
        session.rollback()
        raise ValidationFailed({"email": "invitations.email_already_invited"}) from None
    invitation_id = require_id(invitation)
    for admin_unit in admin_units:
        session.add(
            InvitationAdminUnit(invitation_id=invitation_id, unit_id=require_id(admin_unit))
        )
    notify = _place_orders(session, actor, invitation_id, services, details, centre)
    if notify:
        queue_support_mail(
            session,
            organisation_id=actor.organisation_id,
            organisation=organisation,
            person=f"{clean.first_name} {clean.last_name}",
            services=_service_names(notify, "sv"),
        )
    record_event(
        session,
        action="invitation_created",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="invitation",
        target_id=invitation_id,
        detail=f"role={clean.role} unit={unit.id} services={','.join(s.code for s in services)}",
    )
    session.flush()
    return invitation_id


def _place_orders(
    session: Session,
    actor: Actor,
    invitation_id: int,
    services: list[ServiceOption],
    details: dict[int, dict[str, str]],
    centre: CostCentre | None,
) -> list[ServiceOption]:
    """One order per service with its first credit entry; returns the services support must hear of."""
    notify = []
    if services and centre is None:
        raise ValueError("orders need a cost centre")  # create_invitation checks it first
    centre_id = centre.id if centre else 0
    for service in services:
        order = ServiceOrder(
            organisation_id=actor.organisation_id,
            invitation_id=invitation_id,
            service_id=service.id,
            cost_centre_id=centre_id or 0,
            credits=service.credits,
            details=json.dumps(details.get(service.id, {}), ensure_ascii=False),
            created_by_id=actor.user_id,
        )
        session.add(order)
        session.flush()
        order_id = require_id(order)
        session.add(
            CreditEntry(
                order_id=order_id,
                credits=service.credits,
                cost_centre_id=centre_id or 0,
                added_by_id=actor.user_id,
            )
        )
        if service.notifies_support:
            session.add(
                SupportNotification(organisation_id=actor.organisation_id, order_id=order_id)
            )
            notify.append(service)
    return notify


# --------------------------------------------------------------------------- lifecycle


def get_invitation_in_scope(session: Session, *, actor: Actor, invitation_id: object) -> Invitation:
    """The invitation if its unit is in the actor's scope; NotFound otherwise (forged ids too)."""
    wanted = parse_id(invitation_id)
    invitation = session.get(Invitation, wanted) if wanted else None
    if invitation is None or invitation.organisation_id != actor.organisation_id:
        raise NotFound()
    get_unit_in_scope(session, actor=actor, unit_id=invitation.unit_id)
    return invitation


def ensure_invitation_within_reach(
    session: Session, *, actor: Actor, invitation: Invitation
) -> None:
    """Resend and revoke need what creating the invitation needed (F4.4; finding A.1).

    An Adminroll invitation grants admin rights over its admin units: only a top-level admin
    whose scope holds every one of them may extend or withdraw it, as only they could have
    made it. API clients invite with Standardroll only, so they never handle Adminroll ones.

    Raises:
        PermissionDenied: ``api.admin_out_of_reach`` (an API client) or
            ``invitations.admin_role_not_allowed`` (an admin without that reach).
    """
    if invitation.role != InvitationRole.ADMIN:
        return
    if actor.api_client_id is not None:
        raise PermissionDenied("api.admin_out_of_reach")
    if not can_give_admin_role(actor):
        raise PermissionDenied("invitations.admin_role_not_allowed")
    unit_ids = session.exec(
        select(InvitationAdminUnit.unit_id).where(
            InvitationAdminUnit.invitation_id == invitation.id
        )
    ).all()
    for unit_id in unit_ids:
        try:
            get_unit_in_scope(session, actor=actor, unit_id=unit_id)
        except NotFound:
            raise PermissionDenied("invitations.admin_role_not_allowed") from None


def _claim_open(session: Session, invitation: Invitation, values: dict[str, object]) -> None:
    """A conditional UPDATE: an acceptance racing this call wins or loses as a whole."""
    result = session.execute(
        update(Invitation)
        .where(col(Invitation.id) == invitation.id, col(Invitation.status).in_(OPEN_STATUSES))
        .values(**values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(invitation)
        key = (
            "invitations.already_accepted"
            if invitation.status == InvitationStatus.ACCEPTED
            else "invitations.already_revoked"
        )
        raise ServiceError(key)
    session.refresh(invitation)


def resend_invitation(session: Session, *, actor: Actor, invitation_id: object) -> None:
    """Skicka ny inbjudan: a new link and a new expiry; every earlier link is dead from now on."""
    invitation = get_invitation_in_scope(session, actor=actor, invitation_id=invitation_id)
    ensure_invitation_within_reach(session, actor=actor, invitation=invitation)
    if refused_addresses(session, [invitation.email]):
        # Resend reported a bounce or a complaint: the dispatcher would stop the mail anyway.
        raise ServiceError(INVITATION_ADDRESS_REFUSED_KEY)
    _claim_open(session, invitation, {"status": InvitationStatus.CREATED})
    services = session.exec(
        select(ServiceOrder).where(ServiceOrder.invitation_id == invitation.id)
    ).all()
    chosen = services_by_id(session, actor=actor, ids=[o.service_id for o in services])
    issue_invitation_link(
        session,
        invitation=invitation,
        inviter=actor.full_name,
        organisation=_organisation_name(session, actor),
        services=_service_names(list(chosen.values()), invitation.language),
    )
    record_event(
        session,
        action="invitation_resent",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="invitation",
        target_id=invitation.id,
    )
    session.flush()


def revoke_invitation(session: Session, *, actor: Actor, invitation_id: object) -> None:
    """Återkalla: the link stops working at once; a mail still waiting is not sent."""
    invitation = get_invitation_in_scope(session, actor=actor, invitation_id=invitation_id)
    ensure_invitation_within_reach(session, actor=actor, invitation=invitation)
    _claim_open(session, invitation, {"status": InvitationStatus.REVOKED, "revoked_at": utcnow()})
    cancel_pending_invitation_mail(session, invitation=invitation)
    record_event(
        session,
        action="invitation_revoked",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="invitation",
        target_id=invitation.id,
    )
    session.flush()


# --------------------------------------------------------------------------- credits


def get_order_in_scope(session: Session, *, actor: Actor, order_id: object) -> ServiceOrder:
    """An order is in scope through its invitation's unit, or through its (registered) person."""
    wanted = parse_id(order_id)
    order = session.get(ServiceOrder, wanted) if wanted else None
    if order is None or order.organisation_id != actor.organisation_id or not actor.is_admin:
        raise NotFound()
    person = session.get(User, order.user_id) if order.user_id else None
    if person is not None and can_manage_user(actor, person):
        return order
    invitation = session.get(Invitation, order.invitation_id)
    if invitation is None or invitation.status == InvitationStatus.REVOKED:
        raise NotFound()
    get_unit_in_scope(session, actor=actor, unit_id=invitation.unit_id)
    return order


def add_credits(
    session: Session, *, actor: Actor, order_id: object, credits: object, cost_centre_id: object
) -> int:
    """F4.6: more credits on an existing order, invoiced to a cost centre (F4.7). Returns the total."""
    order = get_order_in_scope(session, actor=actor, order_id=order_id)
    errors = FieldErrors()
    amount = clean_credits(credits)
    if amount is None:
        errors["credits"] = "invitations.credits_invalid"
    centre = cost_centre_in_org(session, actor=actor, cost_centre_id=parse_id(cost_centre_id))
    if centre is None:
        errors["cost_centre_id"] = (
            "invitations.cost_centre_required"
            if parse_id(cost_centre_id) is None
            else "invitations.cost_centre_not_found"
        )
    if errors or amount is None or centre is None:
        raise ValidationFailed(errors)
    # Added in SQL: two admins adding at once both count.
    session.execute(
        update(ServiceOrder)
        .where(col(ServiceOrder.id) == order.id)
        .values(credits=col(ServiceOrder.credits) + amount)
    )
    session.add(
        CreditEntry(
            order_id=require_id(order),
            credits=amount,
            cost_centre_id=require_id(centre),
            added_by_id=actor.user_id,
        )
    )
    record_event(
        session,
        action="credits_added",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="service_order",
        target_id=order.id,
        detail=f"credits={amount} cost_centre={centre.code}",
    )
    session.flush()
    session.refresh(order)
    return order.credits

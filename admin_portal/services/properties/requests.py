"""Requests to support (F2.8): Begär primärt konto, Begär ägarbyte, Säg upp avtal.

Each is a tracked row with a status the requester sees on Boenden; support handles it in
their inbox. Approving an ownership change moves the property to the other agreement: the
row keeps its id, so its access rights, requests and audit history stay with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import (
    Organisation,
    PartnerAgreement,
    PrimaryAccount,
    Property,
    PropertyRequest,
    RequestKind,
    RequestStatus,
    User,
    require_id,
    utcnow,
)
from admin_portal.services.audit import record_event
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError
from admin_portal.services.properties.listing import name_key
from admin_portal.services.properties.reach import primary_agreement_of
from admin_portal.validation.ids import parse_id

_MAX_MESSAGE = 2000


@dataclass(frozen=True)
class RequestRow:
    id: int
    kind: str
    status: str
    property_name: str
    target_agreement_number: str
    message: str
    created_at: str
    handled_at: str
    organisation: str = ""
    requester: str = ""


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else ""


def _message(text: object) -> str:
    return text.strip()[:_MAX_MESSAGE] if isinstance(text, str) else ""


def _open_exists(session: Session, actor: Actor, kind: str, property_id: int | None) -> bool:
    statement = select(PropertyRequest.id).where(
        col(PropertyRequest.requester_id) == actor.user_id,
        col(PropertyRequest.kind) == kind,
        col(PropertyRequest.status) == RequestStatus.OPEN,
    )
    if property_id is not None:
        statement = statement.where(col(PropertyRequest.property_id) == property_id)
    return session.exec(statement).first() is not None


def _store(session: Session, actor: Actor, request: PropertyRequest) -> int:
    if _open_exists(session, actor, request.kind, request.property_id):
        raise ServiceError("properties.request.already_open")
    session.add(request)
    session.flush()
    record_event(
        session,
        action="property_request_created",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="property_request",
        target_id=request.id,
        detail=f"kind={request.kind}",
    )
    return require_id(request)


def request_primary_account(session: Session, *, actor: Actor, message: object = "") -> int:
    """Begär primärt konto: only for an account that is not one already."""
    if primary_agreement_of(session, actor.user_id) is not None:
        raise ServiceError("properties.request.already_primary")
    return _store(
        session,
        actor,
        PropertyRequest(
            organisation_id=actor.organisation_id,
            kind=RequestKind.PRIMARY_ACCOUNT,
            requester_id=actor.user_id,
            message=_message(message),
        ),
    )


def _own_agreement_id(session: Session, actor: Actor) -> int:
    agreement_id = primary_agreement_of(session, actor.user_id)
    if agreement_id is None:
        raise PermissionDenied("properties.error.not_primary")
    return agreement_id


def request_ownership_change(
    session: Session,
    *,
    actor: Actor,
    property_id: object,
    target_agreement_number: object,
    message: object = "",
) -> int:
    """Begär ägarbyte: a primary account asks to move one of its agreement's properties."""
    agreement_id = _own_agreement_id(session, actor)
    pid = parse_id(property_id)
    prop = session.get(Property, pid) if pid is not None else None
    if prop is None or prop.agreement_id != agreement_id:
        raise NotFound()
    target = (
        target_agreement_number.strip().upper() if isinstance(target_agreement_number, str) else ""
    )
    if not 3 <= len(target) <= 40:
        raise ServiceError("properties.request.target_required")
    return _store(
        session,
        actor,
        PropertyRequest(
            organisation_id=actor.organisation_id,
            kind=RequestKind.OWNERSHIP_CHANGE,
            requester_id=actor.user_id,
            property_id=prop.id,
            agreement_id=agreement_id,
            target_agreement_number=target,
            message=_message(message),
        ),
    )


def request_termination(session: Session, *, actor: Actor, message: object = "") -> int:
    """Säg upp avtal: the primary account asks to end its agreement."""
    agreement_id = _own_agreement_id(session, actor)
    return _store(
        session,
        actor,
        PropertyRequest(
            organisation_id=actor.organisation_id,
            kind=RequestKind.TERMINATE_AGREEMENT,
            requester_id=actor.user_id,
            agreement_id=agreement_id,
            message=_message(message),
        ),
    )


def _rows(session: Session, statement) -> list[RequestRow]:  # type: ignore[no-untyped-def]
    found = session.exec(statement).all()
    rows = []
    for request, prop_name, org_name, first, last in found:
        rows.append(
            RequestRow(
                id=request.id or 0,
                kind=request.kind,
                status=request.status,
                property_name=prop_name or "",
                target_agreement_number=request.target_agreement_number,
                message=request.message,
                created_at=_when(request.created_at),
                handled_at=_when(request.handled_at),
                organisation=org_name or "",
                requester=f"{first} {last}".strip(),
            )
        )
    return rows


def _base():  # type: ignore[no-untyped-def]
    return (
        select(PropertyRequest, Property.name, Organisation.name, User.first_name, User.last_name)
        .join(Property, col(Property.id) == col(PropertyRequest.property_id), isouter=True)
        .join(Organisation, col(Organisation.id) == col(PropertyRequest.organisation_id))
        .join(User, col(User.id) == col(PropertyRequest.requester_id))
    )


def list_my_requests(session: Session, *, actor: Actor) -> list[RequestRow]:
    """The requester's own requests with their status, newest first (at most 50)."""
    return _rows(
        session,
        _base()
        .where(col(PropertyRequest.requester_id) == actor.user_id)
        .order_by(col(PropertyRequest.id).desc())
        .limit(50),
    )


def _require_support(actor: Actor | None) -> Actor:
    if actor is None or not actor.is_support:
        raise NotFound()
    return actor


def list_property_requests(
    session: Session, *, actor: Actor, show: object = "open"
) -> list[RequestRow]:
    """Support's view: open requests of every organisation first, oldest first (at most 100)."""
    _require_support(actor)
    statement = _base()
    if show != "all":
        statement = statement.where(col(PropertyRequest.status) == RequestStatus.OPEN)
    return _rows(session, statement.order_by(col(PropertyRequest.id)).limit(100))


def _claim(session: Session, request: PropertyRequest, actor: Actor, status: str) -> None:
    result = session.execute(
        update(PropertyRequest)
        .where(
            col(PropertyRequest.id) == request.id,
            col(PropertyRequest.status) == RequestStatus.OPEN,
        )
        .values(status=status, handled_by_id=actor.user_id, handled_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ServiceError("properties.request.already_handled")


def _open_request(session: Session, request_id: object) -> PropertyRequest:
    rid = parse_id(request_id)
    request = session.get(PropertyRequest, rid) if rid is not None else None
    if request is None:
        raise NotFound()
    if request.status != RequestStatus.OPEN:
        raise ServiceError("properties.request.already_handled")
    return request


def _agreement_by_number(
    session: Session, number: object, organisation_id: int
) -> PartnerAgreement:
    text = number.strip().upper() if isinstance(number, str) else ""
    found = session.exec(
        select(PartnerAgreement).where(col(PartnerAgreement.agreement_number) == text)
    ).first()
    # Nothing crosses an organisation boundary: a property moves within its organisation.
    if found is None or found.organisation_id != organisation_id or found.terminated_at:
        raise ServiceError("properties.request.unknown_agreement")
    return found


def approve_request(
    session: Session, *, actor: Actor, request_id: object, agreement_number: object = ""
) -> None:
    """Support approves: binds a primary account, moves a property, or ends an agreement.

    Args:
        agreement_number: For Begär primärt konto, the agreement to bind the account to;
            for an ownership change, empty means the number the requester typed.
    """
    who = _require_support(actor)
    request = _open_request(session, request_id)
    detail = f"kind={request.kind}"  # later parts: ids only
    if request.kind == RequestKind.PRIMARY_ACCOUNT:
        agreement = _agreement_by_number(session, agreement_number, request.organisation_id)
        if session.get(PrimaryAccount, request.requester_id) is None:
            session.add(
                PrimaryAccount(
                    user_id=request.requester_id,
                    agreement_id=agreement.id or 0,
                    created_by_id=who.user_id,
                )
            )
        detail = f"kind={request.kind} agreement={agreement.id}"
    elif request.kind == RequestKind.OWNERSHIP_CHANGE:
        number = agreement_number or request.target_agreement_number
        agreement = _agreement_by_number(session, number, request.organisation_id)
        prop = session.get(Property, request.property_id)
        if prop is None or prop.agreement_id != request.agreement_id:
            raise ServiceError("properties.request.property_moved")
        clash = session.exec(
            select(Property.id).where(
                col(Property.agreement_id) == agreement.id,
                col(Property.name_key) == name_key(prop.name),
            )
        ).first()
        if clash is not None or agreement.id == prop.agreement_id:
            raise ServiceError("properties.request.cannot_move")
        prop.agreement_id = agreement.id
        session.add(prop)
        request.moved_to_agreement_id = agreement.id
        session.add(request)
        record_event(
            session,
            action="property_moved",
            organisation_id=request.organisation_id,
            actor_user_id=who.user_id,
            target_type="property",
            target_id=prop.id,
            detail=f"from={request.agreement_id} to={agreement.id} request={request.id}",
        )
    else:
        agreement_row = session.get(PartnerAgreement, request.agreement_id)
        if agreement_row is not None and agreement_row.terminated_at is None:
            agreement_row.terminated_at = utcnow()
            session.add(agreement_row)
    session.flush()
    _claim(session, request, who, RequestStatus.APPROVED)
    _handled(session, who, request, "approved", detail)


def reject_request(session: Session, *, actor: Actor, request_id: object) -> None:
    """Support declines a request; the requester sees "Avslagen"."""
    who = _require_support(actor)
    request = _open_request(session, request_id)
    _claim(session, request, who, RequestStatus.REJECTED)
    _handled(session, who, request, "rejected", f"kind={request.kind}")


def _handled(
    session: Session, who: Actor, request: PropertyRequest, outcome: str, detail: str
) -> None:
    record_event(
        session,
        action="property_request_handled",
        organisation_id=request.organisation_id,
        actor_user_id=who.user_id,
        target_type="property_request",
        target_id=request.id,
        outcome=outcome,
        detail=detail,
    )

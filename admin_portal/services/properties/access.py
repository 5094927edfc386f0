"""Who may do what on a property (F2.5, F2.6, list editing): rights never exceed the
granter's own, and nothing is ever taken from a primary account."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import (
    ALL_RIGHTS,
    PrimaryAccount,
    PrimaryPropertyException,
    Property,
    PropertyAccess,
    User,
    UserStatus,
    utcnow,
)
from admin_portal.services.audit import record_event
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError
from admin_portal.services.properties.reach import (
    administered_property,
    rights_of_row,
    rights_on,
)
from admin_portal.validation.ids import parse_id


@dataclass(frozen=True)
class PropertyUser:
    user_id: int
    name: str
    username: str
    is_primary: bool
    rights: tuple[str, ...]


class PrimaryAccountFixed(PermissionDenied):
    """F2.5: a primary account keeps its admin rights and its properties."""

    def __init__(self) -> None:
        super().__init__("properties.error.primary_fixed")


def rights_codes(rights: frozenset[str]) -> str:
    """Catalogue codes for the audit detail: "bookings,messages", or "-" for none."""
    return ",".join(r for r in ALL_RIGHTS if r in rights) or "-"


def clean_rights(raw: object) -> frozenset[str]:
    """The catalogue rights named in client input; anything unknown refuses the whole call."""
    if not isinstance(raw, list | tuple | set | frozenset):
        raise ServiceError("properties.error.rights_invalid")
    rights = frozenset(str(r) for r in raw)
    if not rights <= frozenset(ALL_RIGHTS):
        raise ServiceError("properties.error.rights_invalid")
    return rights


def list_property_users(
    session: Session, *, actor: Actor, property_id: object
) -> list[PropertyUser]:
    """Everyone with access to the property: primary accounts first (fixed), then ordinary."""
    prop = administered_property(session, actor=actor, property_id=property_id)
    primaries = session.exec(
        select(User)
        .join(PrimaryAccount, col(PrimaryAccount.user_id) == col(User.id))
        .where(
            col(User.status) == UserStatus.ACTIVE,
            (col(PrimaryAccount.agreement_id) == prop.agreement_id)
            | col(User.id).in_(
                select(PrimaryPropertyException.user_id).where(
                    col(PrimaryPropertyException.property_id) == prop.id
                )
            ),
        )
        .order_by(col(User.last_name), col(User.first_name), col(User.id))
    ).all()
    ordinary = session.exec(
        select(User, PropertyAccess)
        .join(PropertyAccess, col(PropertyAccess.user_id) == col(User.id))
        .where(col(PropertyAccess.property_id) == prop.id, col(User.status) == UserStatus.ACTIVE)
        .order_by(col(User.last_name), col(User.first_name), col(User.id))
    ).all()
    result = [PropertyUser(u.id or 0, u.full_name, u.username, True, ALL_RIGHTS) for u in primaries]
    for user, row in ordinary:
        ordered = tuple(r for r in ALL_RIGHTS if r in rights_of_row(row))
        result.append(PropertyUser(user.id or 0, user.full_name, user.username, False, ordered))
    return result


def is_primary(session: Session, user_id: int) -> bool:
    return session.get(PrimaryAccount, user_id) is not None


def apply_rights(
    session: Session, *, actor: Actor, prop: Property, target: User, wanted: frozenset[str]
) -> None:
    """Set `target`'s rights on `prop` within the actor's own rights there.

    Rights the actor does not hold are left as they are (neither granted nor taken).
    Empty rights remove the access row.
    """
    if target.organisation_id != actor.organisation_id or target.status != UserStatus.ACTIVE:
        raise NotFound()
    if is_primary(session, target.id or 0):
        raise PrimaryAccountFixed()
    if target.id == actor.user_id:
        raise ServiceError("properties.error.own_rights")
    own = rights_on(session, user_id=actor.user_id, property_row=prop)
    if not wanted <= own:
        raise PermissionDenied("properties.error.rights_exceed")
    row = session.exec(
        select(PropertyAccess).where(
            col(PropertyAccess.property_id) == prop.id, col(PropertyAccess.user_id) == target.id
        )
    ).first()
    before = rights_of_row(row) if row is not None else frozenset()
    after = (before - own) | wanted
    if after == before:
        return
    if not after:
        if row is not None:
            session.delete(row)
    else:
        if row is None:
            row = PropertyAccess(property_id=prop.id or 0, user_id=target.id or 0)
        for right in ALL_RIGHTS:
            setattr(row, right, right in after)
        row.granted_by_id, row.updated_at = actor.user_id, utcnow()
        session.add(row)
    session.flush()
    record_event(
        session,
        action="property_access_changed",
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="user",
        target_id=target.id,
        detail=f"property={prop.id} before={rights_codes(before)} after={rights_codes(after)}",
    )


def _listed_target(session: Session, prop: Property, user_id: object) -> User:
    """A user already listed on the property: the only ids list editing accepts."""
    uid = parse_id(user_id)
    user = session.get(User, uid) if uid is not None else None
    if user is None:
        raise NotFound()
    if is_primary(session, uid or 0):
        # Listed or not, a primary account is never edited here: say why (F2.5).
        raise PrimaryAccountFixed()
    listed = session.exec(
        select(PropertyAccess.id).where(
            col(PropertyAccess.property_id) == prop.id, col(PropertyAccess.user_id) == uid
        )
    ).first()
    if listed is None:
        raise NotFound()
    return user


def set_access_rights(
    session: Session, *, actor: Actor, property_id: object, user_id: object, rights: object
) -> None:
    """Edit the rights of a user listed on the property (Användarhantering holders only)."""
    prop = administered_property(session, actor=actor, property_id=property_id)
    target = _listed_target(session, prop, user_id)
    apply_rights(session, actor=actor, prop=prop, target=target, wanted=clean_rights(rights))


def remove_access(session: Session, *, actor: Actor, property_id: object, user_id: object) -> None:
    """Take a user off a property. A primary account is refused with the reason (F2.5)."""
    prop = administered_property(session, actor=actor, property_id=property_id)
    target = _listed_target(session, prop, user_id)
    own = rights_on(session, user_id=actor.user_id, property_row=prop)
    row = session.exec(
        select(PropertyAccess).where(
            col(PropertyAccess.property_id) == prop.id, col(PropertyAccess.user_id) == target.id
        )
    ).first()
    if row is not None and not rights_of_row(row) <= own:
        # Removing the row would take rights the actor never held.
        raise PermissionDenied("properties.error.rights_exceed")
    apply_rights(session, actor=actor, prop=prop, target=target, wanted=frozenset())


def rights_by_property(
    session: Session, *, actor: Actor, raw: object
) -> list[tuple[Property, frozenset[str]]]:
    """{property id: [rights]} from the client, each checked: Användarhantering there and
    rights within the actor's own. Raises NotFound / PermissionDenied otherwise."""
    if not isinstance(raw, Mapping) or not raw or len(raw) > 500:
        raise ServiceError("properties.error.rights_invalid")
    checked = []
    for property_id, rights in raw.items():
        prop = administered_property(session, actor=actor, property_id=property_id)
        wanted = clean_rights(rights)
        if not wanted <= rights_on(session, user_id=actor.user_id, property_row=prop):
            raise PermissionDenied("properties.error.rights_exceed")
        if wanted:
            checked.append((prop, wanted))
    if not checked:
        raise ServiceError("properties.error.rights_none")
    return checked

"""F0.8 while typing: is this e-mail address already used by someone in the chosen company?

The answer mirrors the username check (username_check.py): it says *that* the address is
taken in this company and never *by whom*. It only answers for a placement the actor may
use, so it cannot be asked about other companies or organisations. The save path checks
again (manage._check_uniqueness, and the database's unique constraint) whatever this said.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from admin_portal.auth.permissions import Actor, can_manage_user, can_use_company_unit
from admin_portal.models import Company, Unit, User, require_id
from admin_portal.services.errors import PermissionDenied
from admin_portal.services.users.email_address import email_taken_in_company
from admin_portal.validation.email import normalise_email
from admin_portal.validation.errors import InvalidInput
from admin_portal.validation.identifiers import email_key
from admin_portal.validation.ids import is_id

TAKEN_MESSAGE = "users.email_taken_in_company"


class EmailVerdict(StrEnum):
    AVAILABLE = "available"
    TAKEN_IN_COMPANY = "taken_in_company"
    # No verdict: blank or not yet a valid address (the save explains the format), or no
    # company chosen yet, or a placement the actor may not use (forged ids end here too).
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class EmailCheck:
    verdict: EmailVerdict
    message_key: str = ""  # empty: nothing to show at the field


def _placement(session: Session, actor: Actor, company_id: object, unit_id: object) -> int | None:
    """The company the form would place the person in, if the actor may place them there."""
    unit = session.get(Unit, unit_id) if is_id(unit_id) else None
    if is_id(unit_id) and unit is None:
        return None
    wanted = company_id if is_id(company_id) else (unit.company_id if unit else None)
    company = session.get(Company, wanted) if wanted is not None else None
    if company is None or not can_use_company_unit(actor, company=company, unit=unit):
        return None
    return require_id(company)


def check_email_in_company(
    session: Session,
    *,
    actor: Actor,
    email: object,
    company_id: object = None,
    unit_id: object = None,
    exclude_user_id: object = None,
) -> EmailCheck:
    """The verdict for an address typed on the add or profile form, for the chosen placement.

    Args:
        company_id: The chosen company, or None to take the unit's company (a unit admin).
        unit_id: The chosen unit, or None.
        exclude_user_id: The person whose profile is being edited: their own address is not
            a clash. Honoured only for a person the actor may see, so that excluding someone
            cannot be used to learn whether they hold an address.

    Raises:
        PermissionDenied: the actor is not an administrator.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    try:
        cleaned = normalise_email(email if isinstance(email, str) else "")
    except InvalidInput:
        return EmailCheck(EmailVerdict.UNKNOWN)
    company = _placement(session, actor, company_id, unit_id)
    if company is None:
        return EmailCheck(EmailVerdict.UNKNOWN)
    excluded = session.get(User, exclude_user_id) if is_id(exclude_user_id) else None
    if excluded is not None and not can_manage_user(actor, excluded):
        excluded = None
    if email_taken_in_company(
        session,
        company_id=company,
        key=email_key(cleaned),
        exclude_user_id=excluded.id if excluded else None,
    ):
        return EmailCheck(EmailVerdict.TAKEN_IN_COMPANY, TAKEN_MESSAGE)
    return EmailCheck(EmailVerdict.AVAILABLE)

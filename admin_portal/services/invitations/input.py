"""What an admin types into "Bjud in användare" (F4.3-F4.7), cleaned field by field.

Every value may be anything: a client can call the handler with any arguments. Cleaning
never raises; it collects one message key per field so the form can show them all at once.
Scope (units, services, cost centres) is checked later by services.invitations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from admin_portal.i18n import LANGUAGES
from admin_portal.models import InvitationRole
from admin_portal.validation.email import normalise_email
from admin_portal.validation.fields import FieldErrors
from admin_portal.validation.ids import parse_id, parse_ids
from admin_portal.validation.names import clean_person_name
from admin_portal.validation.phone import parse_mobile

DETAIL_MAX = 4000  # a case description is a few paragraphs, not a file
CREDITS_MAX = 1000  # one addition; larger grants are a mistake or a forged call


@dataclass(frozen=True)
class InvitationInput:
    """Raw form values. `details` maps service id -> {required field key -> text}."""

    first_name: object = ""
    last_name: object = ""
    email: object = ""
    phone: object = ""
    language: object = "sv"
    role: object = InvitationRole.STANDARD
    unit_id: object = None
    admin_unit_ids: object = ()
    service_ids: object = ()
    details: object = field(default_factory=dict)
    cost_centre_id: object = None


@dataclass(frozen=True)
class CleanInvitation:
    first_name: str
    last_name: str
    email: str
    phone: str | None
    language: str
    role: str
    unit_id: int | None
    admin_unit_ids: tuple[int, ...]
    service_ids: tuple[int, ...]
    details: dict[int, dict[str, str]]
    cost_centre_id: int | None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _details(value: object) -> dict[int, dict[str, str]]:
    result: dict[int, dict[str, str]] = {}
    if not isinstance(value, Mapping):
        return result
    for raw_id, fields in value.items():
        service_id = parse_id(raw_id)
        if service_id is None or not isinstance(fields, Mapping):
            continue
        result[service_id] = {
            str(k): _text(v).strip() for k, v in fields.items() if isinstance(k, str)
        }
    return result


def clean_invitation_input(data: InvitationInput, errors: FieldErrors) -> CleanInvitation:
    """Validate each field on its own; errors collect per field so the form shows them all."""
    run = errors.check
    first = run("first_name", clean_person_name, _text(data.first_name))
    last = run("last_name", clean_person_name, _text(data.last_name))
    email = run("email", normalise_email, _text(data.email))
    raw_phone = _text(data.phone).strip()
    # Recommended, not required (F4.3): support calls the person when a case starts.
    phone = run("phone", parse_mobile, raw_phone) if raw_phone else None
    language = _text(data.language)
    if language not in LANGUAGES:
        errors["language"] = "invitations.language_invalid"
    role = _text(data.role)
    if role not in {r.value for r in InvitationRole}:
        errors["role"] = "invitations.role_invalid"
    return CleanInvitation(
        first_name=first or "",
        last_name=last or "",
        email=email or "",
        phone=phone,
        language=language if language in LANGUAGES else "sv",
        role=role,
        unit_id=parse_id(data.unit_id),
        admin_unit_ids=parse_ids(data.admin_unit_ids),
        service_ids=parse_ids(data.service_ids),
        details=_details(data.details),
        cost_centre_id=parse_id(data.cost_centre_id),
    )


def detail_field_name(service_id: int, key: str) -> str:
    """The form field (and error key) of one required field of one service."""
    return f"detail__{service_id}__{key}"


def clean_credits(value: object) -> int | None:
    """A positive, bounded whole number of credits; None if it is anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit() or len(value) > 6:
            return None
        value = int(value)
    if isinstance(value, int) and 1 <= value <= CREDITS_MAX:
        return value
    return None

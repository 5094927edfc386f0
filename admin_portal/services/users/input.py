"""The fields an admin types for a user, validated into clean values or per-field errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from admin_portal.i18n import LANGUAGES
from admin_portal.models import USER_TYPE_CHOICES, UserType
from admin_portal.validation.email import normalise_email
from admin_portal.validation.fields import FieldErrors
from admin_portal.validation.ids import parse_id, parse_ids
from admin_portal.validation.names import clean_person_name, clean_username
from admin_portal.validation.national_id import parse_national_id
from admin_portal.validation.phone import parse_mobile

NOTES_MAX = 2000


@dataclass(frozen=True)
class UserInput:
    """Raw form values. Every field may hold anything: a client can send any arguments."""

    first_name: str = ""
    last_name: str = ""
    username: str = ""
    user_type: str = UserType.EMPLOYEE
    company_id: int | None = None
    unit_id: int | None = None
    email: str = ""
    mobile: str = ""
    national_id: str = ""
    language: str = "sv"
    notes: str = ""
    brukare_ids: tuple[int, ...] = field(default_factory=tuple)
    # The profile never sends the stored personnummer to the browser: blank means "keep it".
    keep_national_id_when_blank: bool = False


@dataclass(frozen=True)
class CleanUser:
    first_name: str
    last_name: str
    username: str
    user_type: str
    company_id: int | None
    unit_id: int | None
    email: str | None
    mobile: str | None
    national_id: str | None
    language: str
    notes: str | None
    brukare_ids: tuple[int, ...]
    keep_national_id: bool = False


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def clean_user_input(data: UserInput, errors: FieldErrors) -> CleanUser:
    """Validate each field on its own; errors collect per field so the form shows them all."""
    run = errors.check
    first = run("first_name", clean_person_name, _text(data.first_name))
    last = run("last_name", clean_person_name, _text(data.last_name))
    username = run("username", clean_username, _text(data.username))
    raw_email, raw_mobile, raw_id = (
        _text(data.email).strip(),
        _text(data.mobile).strip(),
        _text(data.national_id).strip(),
    )
    email = run("email", normalise_email, raw_email) if raw_email else None
    mobile = run("mobile", parse_mobile, raw_mobile) if raw_mobile else None
    national_id = run("national_id", parse_national_id, raw_id) if raw_id else None
    user_type = _text(data.user_type)
    if user_type not in USER_TYPE_CHOICES:
        errors["user_type"] = "users.user_type_invalid"
    language = _text(data.language) if _text(data.language) in LANGUAGES else "sv"
    notes = _text(data.notes).strip()
    if len(notes) > NOTES_MAX:
        errors["notes"] = "users.notes_too_long"
    brukare_ids = parse_ids(data.brukare_ids)
    return CleanUser(
        first_name=first or "",
        last_name=last or "",
        username=username or "",
        user_type=user_type,
        company_id=parse_id(data.company_id),
        unit_id=parse_id(data.unit_id),
        email=email,
        mobile=mobile,
        national_id=national_id,
        language=language,
        notes=notes or None,
        brukare_ids=brukare_ids,
        keep_national_id=bool(data.keep_national_id_when_blank) and not raw_id,
    )

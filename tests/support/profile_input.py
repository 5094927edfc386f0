"""A person's profile as it stands, with some fields changed: as the service's input
(`UserInput`) or as the page's form (what `UserProfileState.save` receives)."""

from __future__ import annotations

from dataclasses import replace

from admin_portal.models import User
from admin_portal.services.users.input import UserInput


def profile_input(user: User, **changes: object) -> UserInput:
    """The service input for saving `user`'s profile unchanged, with `changes`."""
    data = UserInput(
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        user_type=user.user_type,
        company_id=user.company_id,
        unit_id=user.unit_id,
        email=user.email or "",
        language=user.language,
        keep_national_id_when_blank=True,
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def profile_form(user: User, **changes: str) -> dict[str, str]:
    """The profile page's form for `user` as loaded, with `changes`."""
    form = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "user_type": user.user_type,
        "company_id": str(user.company_id),
        "unit_id": str(user.unit_id or ""),
        "email": user.email or "",
        "language": user.language,
        "national_id": "",
        "notes": "",
        "mobile": "",
    }
    return {**form, **changes}

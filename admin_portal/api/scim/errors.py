"""SCIM responses: every body application/scim+json, every refusal a SCIM Error."""

from __future__ import annotations

import json
from typing import Any

from scim2_models import Error
from starlette.requests import Request
from starlette.responses import Response

from admin_portal.api.machine import ApiRefusal
from admin_portal.i18n import t
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed

SCIM_CONTENT_TYPE = "application/scim+json"
# A username or address someone else holds, also a banked one: 409 uniqueness.
_TAKEN = {
    "username.taken_here",
    "username.taken_elsewhere",
    "username.in_user_bank",
    "users.email_taken_in_company",
    "api.group_name_taken",
}


def scim_json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False, default=str),
        status_code=status,
        media_type=SCIM_CONTENT_TYPE,
        headers=headers,
    )


def language_of(request: Request) -> str:
    accept = request.headers.get("accept-language", "").strip().lower()
    return "en" if accept.startswith("en") else "sv"


def scim_error(status: int, detail: str, scim_type: str | None = None) -> Response:
    # (Built from a mapping: this is a SCIM error body, not an audit detail.)
    error = Error.model_validate({"status": status, "scimType": scim_type, "detail": detail})
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if status == 401 else None
    return scim_json(error.model_dump(exclude_none=True), status, headers)


class ScimStyle:
    """Refusals as SCIM Error bodies, with the UI's messages as the detail."""

    def refusal(self, request: Request, refusal: ApiRefusal) -> Response:
        scim_type = refusal.scim_type if refusal.status == 400 else None
        return scim_error(refusal.status, t(refusal.key, language_of(request)), scim_type)

    def service_error(self, request: Request, error: ServiceError) -> Response:
        lang = language_of(request)
        if isinstance(error, NotFound):
            return scim_error(404, t(error.key, lang))
        if isinstance(error, PermissionDenied):
            return scim_error(403, t(error.key, lang))
        if isinstance(error, ValidationFailed):
            detail = "; ".join(f"{field}: {t(key, lang)}" for field, key in error.errors.items())
            if _TAKEN & set(error.errors.values()):
                return scim_error(409, detail, "uniqueness")
            return scim_error(400, detail, "invalidValue")
        if error.key == "api.bad_filter":
            return scim_error(400, t(error.key, lang), "invalidFilter")
        return scim_error(400, t(error.key, lang), "invalidValue")


STYLE = ScimStyle()

"""Record admin actions. Callers pass ids and outcomes only, never secrets or personnummer."""

from __future__ import annotations

import re

from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.models import AuditEvent

# Every action the portal records, in the Granskningslogg's filter order. Each has the
# message keys `audit.action.<action>` in both languages (tests/unit/test_audit_log.py checks
# that every `action=` in the code is listed here).
AUDIT_ACTIONS: tuple[str, ...] = (
    "login",
    "logout",
    "password_reset_requested",
    "password_set",
    "welcome_link_renewed",
    "user_created",
    "user_updated",
    "user_removed",
    "user_restored",
    "user_erased",
    "user_purged",
    "national_id_revealed",
    "invitation_sent",
    "email_changed",
    "verification_sent",
    "email_verified",
    "bulk_verification_started",
    "users_exported",
    "user_import_previewed",
    "user_import_applied",
    "email_imported",
    "invitation_created",
    "invitation_resent",
    "invitation_revoked",
    "invitation_accepted",
    "credits_added",
    "retention_changed",
    "support_notification_handled",
    "password_changed",
    "two_factor_enabled",
    "two_factor_disabled",
    "two_factor_failed",
    "two_factor_verified",
    "two_factor_recovery_code_used",
    "two_factor_recovery_codes_renewed",
    "two_factor_requirement_changed",
    "authorization_failed",
    "api_client_created",
    "api_client_rotated",
    "api_client_revoked",
    "api_call",
    "api_reads",
    "unit_created",
    "unit_renamed",
    "user_disabled",
    "user_enabled",
    # Resend reported a bounce or a spam complaint (mail.provider_events, no actor).
    "email_address_refused",
    # Boenden (services/properties/).
    "property_registered",
    "property_access_changed",
    "property_invitation_sent",
    "property_invitation_accepted",
    "property_request_created",
    "property_request_handled",
    "property_moved",
    "property_exception_linked",
    # The service catalogue and therapists (issue 14; services/catalogue/).
    "service_created",
    "service_changed",
    "service_deactivated",
    "service_activated",
    "therapist_chosen",
    "therapist_case_read",
    # Kontaktcenter (services/contact_centre/).
    "agent_moved",
    "agent_profiles_changed",
    "agent_queue_changed",
    "agent_settings_changed",
    "one_time_password_sent",
    "one_time_password_used",
)

# Details are short "key=value" notes. These shapes must never be stored, whatever a caller
# passes: a personnummer or samordningsnummer (10 or 12 digits, with or without a
# separator) and anything as long as a token or a key.
_NATIONAL_ID = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")
# A run of 24+ token characters with a digit in it, or any run of 40+ (the portal's own
# secrets are 43): long digit-free names such as "OrganisationSecurityState" stay readable.
_SECRET_LIKE = re.compile(r"(?=[A-Za-z_\-]*\d)[A-Za-z0-9_\-]{24,}|[A-Za-z0-9_\-]{40,}")
_REDACTED = "[redacted]"


def scrub_detail(detail: str | None) -> str | None:
    """The detail as stored: no personnummer-shaped digits, nothing token-shaped, ≤ 1000 chars."""
    if not detail:
        return None
    cleaned = _SECRET_LIKE.sub(_REDACTED, _NATIONAL_ID.sub(_REDACTED, detail))
    return cleaned[:1000]


def record_event(
    session: Session,
    *,
    action: str,
    organisation_id: int | None,
    actor_user_id: int | None,
    target_type: str | None = None,
    target_id: int | str | None = None,
    outcome: str = "ok",
    detail: str | None = None,
) -> AuditEvent:
    """Add one audit event to the caller's transaction.

    Args:
        target_type: "user" makes the event one about that person: it is then shown to
            every admin whose scope holds the person (see services.audit_log).
        detail: A short note of ids and codes; personnummer- and token-shaped text in it is
            replaced by "[redacted]" before it is stored.
    """
    event = AuditEvent(
        organisation_id=organisation_id,
        actor_user_id=actor_user_id,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        target_user_id=target_user_id_of(target_type, target_id),
        outcome=outcome,
        detail=scrub_detail(detail),
    )
    session.add(event)
    return event


def target_user_id_of(target_type: str | None, target_id: int | str | None) -> int | None:
    """The person an event is about: its target when the target is a user, else None."""
    if target_type != "user" or target_id is None or isinstance(target_id, bool):
        return None
    if isinstance(target_id, int):
        return target_id
    text = str(target_id)
    return int(text) if text.isdigit() and len(text) <= 18 else None


def record_admin_action(
    session: Session, *, actor: Actor, action: str, user_id: int | None, outcome: str = "ok"
) -> AuditEvent:
    """The common case: an administrator did something to one user."""
    return record_event(
        session,
        action=action,
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="user" if user_id is not None else None,
        target_id=user_id,
        outcome=outcome,
    )

"""The composition root: which capability follows which event, written out in one place.

The worker calls `install()` at start (the tests do too, in tests/conftest.py). Every
arrow here is an ordinary import, so import-linter sees it:
- background job kinds -> the step function of the capability that owns them;
- mail delivery outcomes -> the capabilities that follow their mail (mail.outcomes).
"""

from __future__ import annotations

from admin_portal.mail.outcomes import DeliveryHook, install_delivery_hooks
from admin_portal.models import JobKind
from admin_portal.services import jobs
from admin_portal.services.invitations import delivery as invitation_delivery
from admin_portal.services.spreadsheets import import_apply
from admin_portal.services.users import bounces as email_bounces
from admin_portal.services.verification import bulk as bulk_verification

JOB_STEPS: dict[str, jobs.StepFunction] = {
    JobKind.BULK_VERIFICATION: bulk_verification.run_step,
    JobKind.IMPORT_APPLY: import_apply.apply_step,
}

# In this order: a bounce is flagged on the person before their invitation moves.
DELIVERY_HOOKS: tuple[DeliveryHook, ...] = (
    email_bounces.mark_bounced,
    invitation_delivery.advance_invitations,
)


def install() -> None:
    """Install the job steps and the delivery hooks. Idempotent."""
    jobs.install_steps(JOB_STEPS)
    install_delivery_hooks(DELIVERY_HOOKS)

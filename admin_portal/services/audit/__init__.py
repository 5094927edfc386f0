"""The audit trail: recording events (events.py) and reading Granskningslogg (log.py).

`admin_portal.services.audit` keeps offering what it always did (recording an event),
so callers may import it from here or from `audit.events`.
"""

from admin_portal.services.audit.events import (
    AUDIT_ACTIONS,
    record_admin_action,
    record_event,
    scrub_detail,
    target_user_id_of,
)

__all__ = [
    "AUDIT_ACTIONS",
    "record_admin_action",
    "record_event",
    "scrub_detail",
    "target_user_id_of",
]

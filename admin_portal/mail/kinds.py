"""Every kind of mail the portal sends, written once.

The profile's mail history names each mail's kind in the admin's language
(`mail_kind.<kind>` in the catalogues), so a kind without a name must not reach the
outbox: `enqueue_message` refuses it, and a test checks every kind has both names.
"""

from __future__ import annotations

MAIL_KINDS: tuple[str, ...] = (
    "welcome",
    "reset_password",
    "verify_email",
    "invitation",
    "support_case",
    "property_invitation",
    "password_changed",
    "one_time_password",
    "own_contact_code",
)

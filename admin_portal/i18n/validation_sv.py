"""Svenska texts for validation messages (admin_portal.validation)."""

MESSAGES: dict[str, str] = {}

"""HTTP entrances beside the Reflex app: the session cookie routes (REST/SCIM later)."""

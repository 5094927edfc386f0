"""English messages for the round-4 additions to the REST API and SCIM (issue 15)."""

MESSAGES: dict[str, str] = {
    "api.group_name_taken": "The company already has a unit with that name.",
    "audit.action.unit_created": "Unit created",
    "audit.action.unit_renamed": "Unit renamed",
    "audit.action.api_reads": "API reads (per minute)",
    "api.invalid_cursor": "The cursor does not belong to this list. Start again from the first page.",
    "api.version_mismatch": "The resource has changed since you read it (If-Match does not match).",
    "api.group_member_unknown": "A member does not exist or is outside your area of responsibility.",
}

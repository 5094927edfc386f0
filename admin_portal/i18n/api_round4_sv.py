"""Swedish messages for the round-4 additions to the REST API and SCIM (issue 15)."""

MESSAGES: dict[str, str] = {
    "api.group_name_taken": "Det finns redan en enhet med det namnet i företaget.",
    "audit.action.unit_created": "Enhet skapad",
    "audit.action.unit_renamed": "Enhet bytte namn",
    "audit.action.api_reads": "API-läsningar (per minut)",
    "api.invalid_cursor": "Markören hör inte till den här listan. Börja om från första sidan.",
    "api.version_mismatch": "Resursen har ändrats sedan du läste den (If-Match stämmer inte).",
    "api.group_member_unknown": "En medlem finns inte eller ligger utanför ditt ansvarsområde.",
}

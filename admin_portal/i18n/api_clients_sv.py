"""Swedish messages for API clients, the REST API and SCIM (issue 15)."""

MESSAGES: dict[str, str] = {
    "api_clients.title": "API-klienter",
    "api_clients.intro": (
        "API-klienter låter identitetsleverantörer (Entra ID, Okta) och HR-system hantera "
        "användare via SCIM 2.0 eller REST-API:t. Hemligheten visas bara en gång."
    ),
    "api_clients.name": "Namn",
    "api_clients.scopes": "Behörigheter",
    "api_clients.scope.users:read": "Läsa användare",
    "api_clients.scope.users:write": "Ändra användare",
    "api_clients.scope.scim": "Provisionering via SCIM",
    "api_clients.create": "Skapa API-klient",
    "api_clients.rotate": "Byt hemlighet",
    "api_clients.revoke": "Återkalla",
    "api_clients.revoked": "Återkallad",
    "api_clients.active": "Aktiv",
    "api_clients.status": "Status",
    "api_clients.hint": "Början av hemligheten",
    "api_clients.last_used": "Senast använd",
    "api_clients.created": "Skapad",
    "api_clients.none": "Inga API-klienter ännu.",
    "api_clients.secret_title": "Ny hemlighet",
    "api_clients.secret_once": (
        "Kopiera hemligheten nu. Den visas inte igen. Använd den som Bearer-token."
    ),
    "api_clients.secret_label": "Hemlighet",
    "api_clients.close": "Stäng",
    "api_clients.created_toast": "API-klienten är skapad.",
    "api_clients.rotated_toast": "Hemligheten är bytt. Den gamla fungerar inte längre.",
    "api_clients.revoked_toast": "API-klienten är återkallad.",
    "api_clients.name_required": "Ange ett namn (högst 100 tecken).",
    "api_clients.scopes_required": "Välj minst en behörighet.",
    "api.unauthorized": "Saknad, ogiltig eller återkallad API-nyckel.",
    "api.forbidden_scope": "API-klienten saknar behörighet för detta.",
    "api.rate_limited": "För många anrop. Försök igen om en stund.",
    "api.body_too_large": "Anropet är för stort.",
    "api.malformed_json": "Anropet är inte giltig JSON.",
    "api.invalid_input": "Ogiltiga värden i anropet.",
    "api.admin_out_of_reach": "API-klienter ändrar inte administratörer.",
    "api.bad_filter": "Filtret kunde inte tolkas.",
    "api.uniqueness": "Användarnamnet är upptaget (även av en borttagen användare).",
    "api.method_not_allowed": "Metoden stöds inte här.",
}

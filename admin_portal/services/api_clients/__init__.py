"""API clients: machine credentials for the REST API and SCIM (issue 15).

Public functions: `create_api_client`, `rotate_api_client`, `revoke_api_client`,
`list_api_clients` (head admins), `authenticate_api_client` and `actor_for_client` (the
HTTP entrances), `check_client_rate` (per-client limit).
"""

from admin_portal.services.api_clients.credentials import (
    ApiClientRow,
    CreatedClient,
    actor_for_client,
    authenticate_api_client,
    create_api_client,
    list_api_clients,
    revoke_api_client,
    rotate_api_client,
)
from admin_portal.services.api_clients.limits import ClientRateLimited, check_client_rate

__all__ = [
    "ApiClientRow",
    "ClientRateLimited",
    "CreatedClient",
    "actor_for_client",
    "authenticate_api_client",
    "check_client_rate",
    "create_api_client",
    "list_api_clients",
    "revoke_api_client",
    "rotate_api_client",
]

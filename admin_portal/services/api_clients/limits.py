"""Per-client call limit over `limits`, in the same storage as the sign-in limits."""

from __future__ import annotations

from admin_portal.config import get_settings
from admin_portal.services.auth.rate_limits import _limiter, _parsed
from admin_portal.services.errors import ServiceError


class ClientRateLimited(ServiceError):
    def __init__(self) -> None:
        super().__init__("api.rate_limited")


def check_client_rate(*, client_id: int) -> None:
    """Count one call of this client.

    Raises:
        ClientRateLimited: over ADMIN_PORTAL_API_RATE_LIMIT_PER_CLIENT.
    """
    settings = get_settings()
    limiter = _limiter(settings.rate_limit_storage_url)
    for item in _parsed(settings.api_rate_limit_per_client):
        if not limiter.hit(item, "api_client", str(client_id)):
            raise ClientRateLimited()

"""English texts for the limits on log-in and password-reset attempts."""

MESSAGES: dict[str, str] = {
    "rate_limit.too_many": "Too many attempts. Wait a while and try again.",
}

"""The one place settings come from: ADMIN_PORTAL_* environment variables (and `.env`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"


class Settings(BaseSettings):
    """Runtime configuration. Tests set env vars and call `get_settings.cache_clear()`."""

    model_config = SettingsConfigDict(env_prefix="ADMIN_PORTAL_", env_file=".env", extra="ignore")

    # A closed set: a typo such as "prod" must refuse to start, not quietly run as a
    # non-production deployment (which would open /dev/mail and drop HSTS).
    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default=f"sqlite:///{VAR_DIR / 'admin_portal.db'}")
    public_base_url: str = "http://localhost:3000"
    secret_key: str = ""
    mail_from: str = "Admin Portal <no-reply@admin-portal.local>"
    support_email: str = "support@admin-portal.local"
    demo_password: str = ""
    resend_api_key: str = ""
    resend_api_url: str = "https://api.resend.com"
    # Signing secret of the Resend webhook ("whsec_..."; Resend signs through Svix). Empty:
    # POST /webhooks/resend answers 404 and no delivery event is recorded.
    resend_webhook_secret: str = ""
    session_hours: int = 12
    # A session unused this long ends (ASVS 3.3.2); activity slides it.
    idle_timeout_minutes: int = Field(default=30, ge=1)
    set_password_link_hours: int = 72
    reset_password_link_minutes: int = 60
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    # Wrong two-factor codes (per account) before the second step locks, and for how long.
    totp_max_failures: int = Field(default=5, ge=1)
    totp_lockout_minutes: int = Field(default=15, ge=1)
    mail_max_attempts: int = 8
    mail_requests_per_second: float = 2.0
    # Resend's batch endpoint takes at most 100 mails per call.
    mail_batch_size: int = Field(default=100, ge=1, le=100)
    verify_email_link_hours: int = 72
    # Min organisation (F4.8): how long an invitation link stays valid; a resend restarts it.
    invitation_link_hours: int = 72
    # Bulk verification skips people who got a verification mail this recently.
    verification_resend_hours: int = 24
    # Uploaded import files are refused above these limits, before any parsing.
    import_max_bytes: int = 20 * 1024 * 1024
    import_max_rows: int = 200_000
    # Prefixes every idempotency key sent to Resend, so two deployments that share a Resend
    # account (outbox ids restart at 1 in every database) never answer each other's mail.
    # Empty: derived from the secret key (see `idempotency_prefix`).
    deployment_id: str = Field(default="", max_length=40, pattern=r"^[A-Za-z0-9._-]*$")
    # Anti-automation (services/auth/rate_limits.py): `limits` notation, e.g. "20/minute". One
    # address may be a whole care home behind NAT, hence not lower; the global limits cap
    # what many addresses together can cost (argon2 work, reset mails).
    login_rate_limit_per_address: str = "20/minute"
    login_rate_limit_global: str = "300/minute"
    reset_rate_limit_per_address: str = "10/hour"
    reset_rate_limit_global: str = "100/hour"
    # A person gets at most one "Glömt lösenord?" mail per this many minutes.
    reset_mail_cooldown_minutes: int = Field(default=10, ge=0)
    # Where the counters live: memory:// serves one app worker; several workers must share
    # redis://host:port/db, or each counts alone.
    rate_limit_storage_url: str = "memory://"
    # REST/SCIM (admin_portal/api/): calls per API client, and the largest request body.
    api_rate_limit_per_client: str = "600/minute"
    api_max_body_bytes: int = 1_048_576
    # SCIM paging: how long a remembered position (the key of every 1,000th entry of a
    # list, services/api_clients/scim_positions.py) serves a deep startIndex; 0: never.
    scim_position_marks_seconds: int = Field(default=300, ge=0)
    # Boenden, Nuvarande användare (F2.6): username + e-mail lookups per person and per
    # address, so the form cannot be used to probe accounts.
    property_user_lookup_rate_limit: str = "10/minute;50/hour"
    # Lifetime of a Boenden "Ny användare" invitation link (F2.7).
    property_invitation_hours: int = Field(default=168, ge=1)
    # Kontaktcenter one-time passwords (F3.2) and the SMS port: an HTTP SMS API in the
    # style of 46elks (POST {url}/sms, basic auth, form fields from/to/message). Without a
    # username SMS stays in the local outbox (table sms_outbox), as mail does without Resend.
    sms_api_url: str = "https://api.46elks.com/a1"
    sms_api_username: str = ""
    sms_api_password: str = ""
    sms_from: str = Field(default="Adminportal", max_length=11)
    sms_max_attempts: int = Field(default=5, ge=1)
    one_time_password_minutes: int = Field(default=10, ge=1, le=60)
    one_time_password_max_attempts: int = Field(default=5, ge=1)
    # Requests and code attempts per client address (`limits` notation), and at most one
    # one-time password per person per this many seconds.
    one_time_password_rate_limit_per_address: str = "10/hour"  # noqa: S105 (a limit)
    one_time_password_cooldown_seconds: int = Field(default=60, ge=0)
    # Threads that hash passwords beside the event loop; 0: the usable cores less one.
    password_hash_threads: int = Field(default=0, ge=0)
    # X-Forwarded-For is trusted only behind this many reverse proxies of our own (0: never).
    trusted_proxy_hops: int = Field(default=0, ge=0)

    @field_validator(
        "login_rate_limit_per_address",
        "login_rate_limit_global",
        "reset_rate_limit_per_address",
        "reset_rate_limit_global",
        "api_rate_limit_per_client",
        "property_user_lookup_rate_limit",
        "one_time_password_rate_limit_per_address",
    )
    @classmethod
    def _rate_limit_parses(cls, value: str) -> str:
        # A typo must refuse to start, not silently leave the door open.
        parse_many(value)
        return value

    @field_validator("resend_webhook_secret")
    @classmethod
    def _webhook_secret_decodes(cls, value: str) -> str:
        # A pasted secret that is no base64 must refuse to start, not answer every call 401.
        if value:
            bare = value.removeprefix("whsec_").rstrip("=")
            try:
                if not base64.b64decode(bare + "=" * (-len(bare) % 4), validate=True):
                    raise ValueError
            except ValueError:
                raise ValueError("ADMIN_PORTAL_RESEND_WEBHOOK_SECRET is no whsec_ secret") from None
        return value

    @model_validator(mode="after")
    def _secret_key_present(self) -> Settings:
        if not self.secret_key:
            if self.is_production:
                raise ValueError("ADMIN_PORTAL_SECRET_KEY is required in production")
            self.secret_key = _dev_secret_key()
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def cookie_secure(self) -> bool:
        return self.is_production or self.public_base_url.startswith("https://")

    @property
    def sms_via_provider(self) -> bool:
        return bool(self.sms_api_username)

    @property
    def mail_via_resend(self) -> bool:
        return bool(self.resend_api_key)

    @property
    def local_mailbox_enabled(self) -> bool:
        """/dev/mail exists only outside production and only when no mail leaves the machine."""
        return not self.is_production and not self.mail_via_resend

    @property
    def idempotency_prefix(self) -> str:
        """The per-deployment prefix of Resend idempotency keys.

        ADMIN_PORTAL_DEPLOYMENT_ID when set; otherwise a keyed hash of the secret key: stable
        for as long as the key (which production must set), different on every deployment,
        and revealing nothing about the key to Resend.
        """
        if self.deployment_id:
            return self.deployment_id
        digest = hmac.new(self.secret_key.encode(), b"resend-idempotency", hashlib.sha256)
        return "ap" + digest.hexdigest()[:16]

    def link(self, path: str) -> str:
        """Absolute URL for mails: always from PUBLIC_BASE_URL, never from request headers."""
        return self.public_base_url.rstrip("/") + "/" + path.lstrip("/")


def _dev_secret_key() -> str:
    # A development machine keeps one random key under var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()

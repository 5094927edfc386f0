"""TOTP primitives: secrets, their encryption at rest, code matching, recovery codes, QR.

No database here. The services keep the state (last used step, failures, used codes).
"""

from __future__ import annotations

import base64
import re
import secrets
from datetime import datetime
from functools import lru_cache

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from admin_portal.config import get_settings

ISSUER = "Adminportalen"
# One step either side of now: phones drift, and a code typed at :29 arrives at :31.
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: the codes are written down on paper and typed back in.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10  # 31**10 ≈ 2**49.5 per code
_CODE_RE = re.compile(r"^[0-9]{6}$")


class SecretUnreadable(Exception):
    """The stored secret does not decrypt (the app secret key changed)."""


def new_secret() -> str:
    """A random base32 secret of 160 bits (RFC 4226's recommended length)."""
    return pyotp.random_base32(32)


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    # A key of its own, derived from the app secret: the HMAC keys of tokens stay separate.
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"admin_portal",
        info=b"totp-secret-encryption-v1",
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt_secret(secret: str) -> str:
    return _fernet(get_settings().secret_key).encrypt(secret.encode()).decode()


def decrypt_secret(ciphertext: str) -> str:
    try:
        return _fernet(get_settings().secret_key).decrypt(ciphertext.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable() from error


def normalise_code(typed: str) -> str:
    """What the person typed, without spaces or dashes, lower case."""
    return re.sub(r"[\s\-]", "", typed or "")[:40].lower()


def looks_like_totp(code: str) -> bool:
    return bool(_CODE_RE.match(code))


def matching_step(secret: str, code: str, *, now: datetime) -> int | None:
    """The time step whose code equals `code` (within the window), or None.

    The caller compares it with the last used step to refuse a replay.
    """
    if not looks_like_totp(code):
        return None
    try:
        return pyotp.TOTP(secret).verify_and_get_timecode(
            code, for_time=now, valid_window=VALID_WINDOW
        )
    except pyotp.OTPVerificationError:
        return None


def provisioning_uri(secret: str, *, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The provisioning URI as inline SVG markup: drawn here, nothing fetched by the browser."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Fresh codes shown once, as `xxxxx-xxxxx`."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def looks_like_recovery_code(code: str) -> bool:
    return len(code) == _RECOVERY_LENGTH and all(c in _RECOVERY_ALPHABET for c in code)

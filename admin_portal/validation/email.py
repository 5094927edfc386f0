"""E-mail addresses (F0.7, F0.8): syntax check and normalisation, never the network.

`email_validator.validate_email(check_deliverability=False)` does the work: no DNS
lookup is made. The result is the library's normalised form: the domain lower-cased
and, for an internationalised domain, in Unicode (``anna@räksmörgås.se``); the local
part NFC-normalised with its case kept. Uniqueness within a company (F0.8) is the
service's job, on `identifiers.email_key` of the value returned here.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from admin_portal.validation.errors import InvalidInput

REQUIRED = "email.required"
INVALID = "email.invalid"
TOO_LONG = "email.too_long"

#: Every message key `normalise_email` can raise.
KEYS: tuple[str, ...] = (REQUIRED, INVALID, TOO_LONG)

#: RFC 5321 path limit; also the width of the e-mail columns.
MAX_LENGTH = 254
#: RFC 5321 limit for the part before the @, in octets.
MAX_LOCAL_OCTETS = 64


def normalise_email(text: str) -> str:
    """The normalised address, e.g. ' Anna.Svensson@Example.SE ' → 'Anna.Svensson@example.se'.

    Raises InvalidInput with email.required (blank), email.too_long (over 254
    characters, or over 64 bytes before the @) or email.invalid (anything else the
    library refuses: no @, nothing after it, spaces, a display name, two dots, a domain
    without a dot or a reserved one such as .invalid or .local).
    """
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned:
        raise InvalidInput(REQUIRED)
    if len(cleaned) > MAX_LENGTH:
        raise InvalidInput(TOO_LONG, max=MAX_LENGTH)
    local, at, _domain = cleaned.rpartition("@")
    if at and len(local.encode("utf-8")) > MAX_LOCAL_OCTETS:
        raise InvalidInput(TOO_LONG, max=MAX_LENGTH)
    try:
        result = validate_email(cleaned, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput(INVALID) from None
    normalised: str = result.normalized
    if len(normalised) > MAX_LENGTH or len(result.ascii_email or normalised) > MAX_LENGTH:
        raise InvalidInput(TOO_LONG, max=MAX_LENGTH)
    return normalised

"""Message catalogues: Swedish first, English complete. `t(key, lang, **params)`."""

from __future__ import annotations

from admin_portal.i18n import (
    acceptance_en,
    acceptance_sv,
    api_clients_en,
    api_clients_sv,
    api_round4_en,
    api_round4_sv,
    audit_en,
    audit_sv,
    contact_centre_en,
    contact_centre_sv,
    en,
    forms_en,
    forms_sv,
    infra_en,
    infra_sv,
    limits_en,
    limits_sv,
    mail_kinds_en,
    mail_kinds_sv,
    myorg_en,
    myorg_sv,
    organisation_en,
    organisation_sv,
    polish_en,
    polish_sv,
    properties_en,
    properties_sv,
    scope_en,
    scope_sv,
    sessions_en,
    sessions_sv,
    spreadsheet_en,
    spreadsheet_sv,
    sv,
    two_factor_en,
    two_factor_sv,
    validation_en,
    validation_sv,
    verification_en,
    verification_sv,
    webhooks_en,
    webhooks_sv,
)

SV: dict[str, str] = {**sv.MESSAGES, **validation_sv.MESSAGES, **verification_sv.MESSAGES}
SV.update(spreadsheet_sv.MESSAGES)
SV.update(organisation_sv.MESSAGES)
SV.update(acceptance_sv.MESSAGES)
SV.update(two_factor_sv.MESSAGES)
SV.update(sessions_sv.MESSAGES)
SV.update(scope_sv.MESSAGES)
SV.update(infra_sv.MESSAGES)
SV.update(audit_sv.MESSAGES)
SV.update(limits_sv.MESSAGES)
SV.update(api_clients_sv.MESSAGES)
SV.update(api_round4_sv.MESSAGES)
SV.update(properties_sv.MESSAGES)
SV.update(polish_sv.MESSAGES)
SV.update(forms_sv.MESSAGES)
SV.update(webhooks_sv.MESSAGES)
SV.update(myorg_sv.MESSAGES)
SV.update(contact_centre_sv.MESSAGES)
SV.update(mail_kinds_sv.MESSAGES)
EN: dict[str, str] = {**en.MESSAGES, **validation_en.MESSAGES, **verification_en.MESSAGES}
EN.update(spreadsheet_en.MESSAGES)
EN.update(organisation_en.MESSAGES)
EN.update(acceptance_en.MESSAGES)
EN.update(two_factor_en.MESSAGES)
EN.update(sessions_en.MESSAGES)
EN.update(scope_en.MESSAGES)
EN.update(infra_en.MESSAGES)
EN.update(audit_en.MESSAGES)
EN.update(limits_en.MESSAGES)
EN.update(api_clients_en.MESSAGES)
EN.update(api_round4_en.MESSAGES)
EN.update(properties_en.MESSAGES)
EN.update(polish_en.MESSAGES)
EN.update(forms_en.MESSAGES)
EN.update(webhooks_en.MESSAGES)
EN.update(myorg_en.MESSAGES)
EN.update(contact_centre_en.MESSAGES)
EN.update(mail_kinds_en.MESSAGES)

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
CATALOGUES: dict[str, dict[str, str]] = {"sv": SV, "en": EN}


def normalise_language(lang: str | None) -> str:
    return lang if lang in CATALOGUES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, **params: object) -> str:
    """The text for `key` in `lang`; falls back to Swedish, then to the key itself."""
    catalogue = CATALOGUES[normalise_language(lang)]
    text = catalogue.get(key) or SV.get(key) or key
    return text.format(**params) if params else text

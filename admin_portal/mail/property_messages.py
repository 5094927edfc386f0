"""The Boenden invitation mail (F2.7): the shared action-mail templates, its own words."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from admin_portal import routes
from admin_portal.config import get_settings
from admin_portal.i18n import normalise_language, t
from admin_portal.mail.messages import Message

PROPERTY_INVITATION_KIND = "property_invitation"


@lru_cache(maxsize=2)
def _env(html: bool) -> Environment:
    loader = PackageLoader("admin_portal.mail", "templates")
    if html:
        return Environment(loader=loader, autoescape=select_autoescape(["html"]))
    # Plain text is never interpreted as markup, so nothing is escaped there.
    return Environment(loader=loader, autoescape=False)  # noqa: S701


def property_invitation_message(
    *, lang: str, name: str, inviter: str, properties: str, raw_token: str
) -> Message:
    """The invitation to create an ordinary account with access to `properties`."""
    lang = normalise_language(lang)
    hours = get_settings().property_invitation_hours
    context: dict[str, Any] = {
        "lang": lang,
        "subject": t("properties.mail.subject", lang),
        "greeting": t("mail.greeting", lang, name=name),
        "body": t(
            "properties.mail.body", lang, inviter=inviter, properties=properties, hours=hours
        ),
        "action": t("properties.mail.action", lang),
        "link": get_settings().link(routes.property_invitation_path(raw_token)),
        "link_fallback": t("mail.link_fallback", lang),
        "signature": t("mail.signature", lang),
        "signature_lines": t("mail.signature", lang).split("\n"),
    }
    return Message(
        kind=PROPERTY_INVITATION_KIND,
        language=lang,
        subject=context["subject"],
        html=_env(True).get_template("action_mail.html").render(context),
        text=_env(False).get_template("action_mail.txt").render(context),
    )

"""Pure message builders: data in, subject + HTML + text out. Autoescaped; links from settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from admin_portal import routes
from admin_portal.config import get_settings
from admin_portal.i18n import normalise_language, t

# The outbox kind of verification mails: bulk verification skips recent ones by it.
VERIFY_EMAIL_KIND = "verify_email"


@dataclass(frozen=True)
class Message:
    kind: str
    language: str
    subject: str
    html: str
    text: str


@lru_cache(maxsize=1)
def _html_env() -> Environment:
    return Environment(
        loader=PackageLoader("admin_portal.mail", "templates"),
        autoescape=select_autoescape(["html"]),
    )


@lru_cache(maxsize=1)
def _text_env() -> Environment:
    # Plain text is never interpreted as markup, so nothing is escaped there.
    return Environment(loader=PackageLoader("admin_portal.mail", "templates"), autoescape=False)  # noqa: S701


def _action_mail(
    *, kind: str, lang: str, name: str, subject_key: str, body: str, action_key: str, link: str
) -> Message:
    lang = normalise_language(lang)
    context: dict[str, Any] = {
        "lang": lang,
        "subject": t(subject_key, lang),
        "greeting": t("mail.greeting", lang, name=name),
        "body": body,
        "action": t(action_key, lang),
        "link": link,
        "link_fallback": t("mail.link_fallback", lang),
        "signature": t("mail.signature", lang),
        "signature_lines": t("mail.signature", lang).split("\n"),
    }
    return Message(
        kind=kind,
        language=lang,
        subject=context["subject"],
        html=_html_env().get_template("action_mail.html").render(context),
        text=_text_env().get_template("action_mail.txt").render(context),
    )


def set_password_path(raw_token: str) -> str:
    return f"{routes.SET_PASSWORD}?token={raw_token}"


def welcome_message(*, lang: str, name: str, username: str, raw_token: str) -> Message:
    """F0.6: the welcome mail with the username and a single-use set-password link."""
    settings = get_settings()
    return _action_mail(
        kind="welcome",
        lang=lang,
        name=name,
        subject_key="mail.welcome.subject",
        body=t(
            "mail.welcome.body", lang, username=username, hours=settings.set_password_link_hours
        ),
        action_key="mail.welcome.action",
        link=settings.link(set_password_path(raw_token)),
    )


def reset_password_message(*, lang: str, name: str, username: str, raw_token: str) -> Message:
    """'Glömt lösenord?': a single-use, short-lived link to choose a new password."""
    settings = get_settings()
    return _action_mail(
        kind="reset_password",
        lang=lang,
        name=name,
        subject_key="mail.reset.subject",
        body=t(
            "mail.reset.body", lang, username=username, minutes=settings.reset_password_link_minutes
        ),
        action_key="mail.reset.action",
        link=settings.link(set_password_path(raw_token)),
    )


def verify_email_path(raw_token: str) -> str:
    return f"{routes.VERIFY_EMAIL}?token={raw_token}"


def verify_email_message(*, lang: str, name: str, email: str, raw_token: str) -> Message:
    """F1.1: a single-use link that proves this exact address and activates the login."""
    settings = get_settings()
    return _action_mail(
        kind=VERIFY_EMAIL_KIND,
        lang=lang,
        name=name,
        subject_key="mail.verify.subject",
        body=t("mail.verify.body", lang, email=email, hours=settings.verify_email_link_hours),
        action_key="mail.verify.action",
        link=settings.link(verify_email_path(raw_token)),
    )


# Min organisation (F4.8). The invitee has no user row yet: the mail carries the invitation's
# own token, and the link path lives in routes (the invitee's page is /inbjudan).
INVITATION_KIND = "invitation"
SUPPORT_CASE_KIND = "support_case"


def invitation_path(raw_token: str) -> str:
    return routes.invitation_link_path(raw_token)


def invitation_message(
    *, lang: str, name: str, inviter: str, organisation: str, services: str, raw_token: str
) -> Message:
    """The invitation to create an account; `services` is the ordered services, comma-separated."""
    settings = get_settings()
    lang = normalise_language(lang)
    body = t(
        "mail.invitation.body",
        lang,
        inviter=inviter,
        organisation=organisation,
        hours=settings.invitation_link_hours,
    )
    if services:
        body += " " + t("mail.invitation.services", lang, services=services)
    return _action_mail(
        kind=INVITATION_KIND,
        lang=lang,
        name=name,
        subject_key="mail.invitation.subject",
        body=body,
        action_key="mail.invitation.action",
        link=settings.link(invitation_path(raw_token)),
    )


def support_case_message(*, organisation: str, person: str, services: str) -> Message:
    """Kundtjänst's notice of a new case (F4.8). The case text stays in the portal, not in mail."""
    settings = get_settings()
    return _action_mail(
        kind=SUPPORT_CASE_KIND,
        lang="sv",
        name=t("mail.support_case.recipient", "sv"),
        subject_key="mail.support_case.subject",
        body=t(
            "mail.support_case.body",
            "sv",
            organisation=organisation,
            person=person,
            services=services,
        ),
        action_key="mail.support_case.action",
        link=settings.link(routes.SUPPORT_INBOX),
    )

"""The notice "your password was changed": the owner learns at once if it was not them."""

from __future__ import annotations

from admin_portal import routes
from admin_portal.config import get_settings
from admin_portal.i18n import t
from admin_portal.mail.messages import Message, _action_mail


def password_changed_message(*, lang: str, name: str, username: str) -> Message:
    """Sent after "Byt lösenord" on Mitt konto. Carries no link that grants anything:
    its button leads to "Glömt lösenord?", which works only through the owner's mailbox.
    """
    settings = get_settings()
    return _action_mail(
        kind="password_changed",
        lang=lang,
        name=name,
        subject_key="mail.password_changed.subject",
        body=t(
            "mail.password_changed.body", lang, username=username, support=settings.support_email
        ),
        action_key="mail.password_changed.action",
        link=settings.link(routes.FORGOT_PASSWORD),
    )

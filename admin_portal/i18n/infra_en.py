"""English texts of the infrastructure fixes (the local mailbox)."""

MESSAGES: dict[str, str] = {
    "dev_mail.scope": "Only mail to your own organisation is shown. This page is for head administrators.",
    "dev_mail.unavailable": "There is no local outbox here: mail goes out through Resend, or this is production.",
}

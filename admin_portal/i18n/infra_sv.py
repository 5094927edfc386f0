"""Swedish texts of the infrastructure fixes (the local mailbox)."""

MESSAGES: dict[str, str] = {
    "dev_mail.scope": "Här visas bara e-post till din egen organisation. Sidan är till för huvudadministratörer.",
    "dev_mail.unavailable": "Det finns ingen lokal utkorg här: e-posten skickas via Resend, eller så är detta produktion.",
}

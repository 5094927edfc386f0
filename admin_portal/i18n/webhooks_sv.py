"""Mail delivery as the admin sees it (Resend's webhooks): Swedish."""

MESSAGES: dict[str, str] = {
    # Min organisation, Inbjudna: the Leverans column (the other words are organisation_*).
    "org.delivery_complained": "Markerad som skräppost",
    "org.delivery_delivery_delayed": "Försenad",
    # The profile's mail history: what Resend reported about a mail.
    "mail_status.delivered": "Levererad",
    "mail_status.bounced": "Studsade",
    "mail_status.complained": "Markerad som skräppost",
    "mail_status.delivery_delayed": "Försenad",
    "webhooks.address_stopped": "Inga fler mejl skickas till adressen förrän den byts.",
    "webhooks.latest_invitation": "Senaste inbjudan",
    "webhooks.address_refused": "Mejl till adressen har studsat eller markerats som skräppost, så inga fler skickas dit. Byt adress först.",
    "webhooks.invitation_address_refused": "Mejl till adressen har studsat eller markerats som skräppost, så ingen ny inbjudan skickas dit. Återkalla inbjudan och bjud in med en annan adress.",
}

"""Mail delivery as the admin sees it (Resend's webhooks): English."""

MESSAGES: dict[str, str] = {
    "org.delivery_complained": "Marked as spam",
    "org.delivery_delivery_delayed": "Delayed",
    "mail_status.delivered": "Delivered",
    "mail_status.bounced": "Bounced",
    "mail_status.complained": "Marked as spam",
    "mail_status.delivery_delayed": "Delayed",
    "webhooks.address_stopped": "No more mail goes to this address until it is changed.",
    "webhooks.latest_invitation": "Latest invitation",
    "webhooks.address_refused": "Mail to this address bounced or was marked as spam, so no more is sent there. Change the address first.",
    "webhooks.invitation_address_refused": "Mail to this address bounced or was marked as spam, so no new invitation is sent there. Revoke the invitation and invite with another address.",
}

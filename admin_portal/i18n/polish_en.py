"""English texts of issue 14's smaller items: Revoke's confirmation on Min organisation."""

MESSAGES: dict[str, str] = {
    "org.revoke_confirm.title": "Revoke the invitation to {name}?",
    "org.revoke_confirm.body": "The link in the invitation stops working at once, and {name} leaves Invited. If the e-mail has not gone out yet, it is not sent. {name} is not told that the invitation was revoked. To invite the person later, send a new invitation with Invite user.",
    "org.revoke_confirm.confirm": "Revoke invitation",
    "org.revoke_confirm.cancel": "Cancel",
}

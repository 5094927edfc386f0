"""Svenska texts of issue 14's smaller items: Återkalla's confirmation on Min organisation."""

MESSAGES: dict[str, str] = {
    # What Återkalla does (services/invitations/invite.py revoke_invitation): the link dies at
    # once, a mail still waiting is not sent, nobody is told, and the row leaves Inbjudna. The
    # invitation itself cannot be sent again; a new one can.
    "org.revoke_confirm.title": "Återkalla inbjudan till {name}?",
    "org.revoke_confirm.body": "Länken i inbjudan slutar fungera direkt, och {name} försvinner från Inbjudna. Har mejlet ännu inte gått iväg skickas det inte. {name} får inget meddelande om att inbjudan är återkallad. Vill du bjuda in personen senare skickar du en ny inbjudan med Bjud in användare.",
    "org.revoke_confirm.confirm": "Återkalla inbjudan",
    "org.revoke_confirm.cancel": "Avbryt",
}

"""Svenska texter för Boenden (seed 002): primära konton, boenden och åtkomsträttigheter."""

MESSAGES: dict[str, str] = {
    # Kontomenyn
    "properties.menu.button": "Användarkonto",
    "properties.menu.manage_users": "Lägg till och hantera användare",
    "properties.menu.primary_label": "primärt konto",
    "properties.menu.request_primary": "Begär primärt konto",
    "properties.menu.requests": "Mina begäranden",
    "properties.menu.home": "Hem (gruppkonto)",
    # Hem (gruppkonto)
    "properties.home.title": "Hem (gruppkonto)",
    "properties.home.add": "Lägg till nytt boende",
    "properties.home.agreement": "Partneravtal: {number}",
    "properties.home.search": "Sök boende (namn eller adress)",
    "properties.home.search_button": "Sök",
    "properties.home.next": "Nästa sida",
    "properties.home.first": "Till första sidan",
    "properties.home.empty": "Inga boenden att visa.",
    "properties.home.list_label": "Boenden som kontot når",
    "properties.home.not_primary": (
        "Ditt konto är inte ett primärt konto och kan inte registrera nya boenden. "
        "Du ser de boenden du har fått åtkomst till."
    ),
    "properties.col.name": "Namn",
    "properties.col.address": "Adress",
    "properties.col.type": "Typ",
    "properties.col.agreement": "Avtals-id",
    "properties.col.actions": "Åtgärder",
    "properties.type.hotel": "Hotell",
    "properties.type.hostel": "Vandrarhem",
    "properties.type.cabin": "Stuga",
    "properties.type.apartment": "Lägenhet",
    "properties.type.bed_and_breakfast": "Bed & breakfast",
    # Varför inget Ta bort (F2.5)
    "properties.remove.heading": "Ta bort ett boende?",
    "properties.remove.why": (
        "Boenden kan inte tas bort från ett primärt konto. Ett primärt konto innehåller "
        "automatiskt alla boenden som hör till samma avtals-id. Bara ett nytt avtal eller "
        "ett ägarbyte till en annan ägare eller ett annat avtal flyttar ett boende."
    ),
    "properties.remove.show_why": "Ta bort {name}?",
    # Registrering
    "properties.new.title": "Lägg till nytt boende",
    "properties.new.intro": "Boendet registreras i ditt partneravtal {number}.",
    "properties.new.name": "Boendets namn",
    "properties.new.address": "Adress",
    "properties.new.type": "Typ av boende",
    "properties.new.agreement": "Avtals-id",
    "properties.new.agreement_hint": "Ditt primära konto kan bara registrera boenden i sitt eget avtal.",
    "properties.new.submit": "Registrera boende",
    "properties.new.saved": "{name} är registrerat och ingår i avtal {number}.",
    "properties.guide.title": "Så lägger du till ett boende i ett annat avtal",
    "properties.guide.step1": "Klicka på Användarkonto och välj Lägg till och hantera användare.",
    "properties.guide.step2": "Välj Lägg till en användare och sedan Ny användare.",
    "properties.guide.step3": (
        "Bjud in en ny användare med andra inloggningsuppgifter (inte ett primärt konto)."
    ),
    "properties.guide.step4": "Lägg till boendet i den nya användarens konto.",
    "properties.guide.link": "Lägg till en användare",
    # Fel
    "properties.error.not_primary": (
        "Bara primära konton kan registrera boenden. Ditt konto är inte ett primärt konto: "
        "be ett primärt konto om åtkomst, eller begär ett primärt konto."
    ),
    "properties.error.other_agreement": (
        "Boendet hör till ett annat partneravtal och kan inte läggas till i ditt primära konto."
    ),
    "properties.error.agreement_terminated": "Avtalet är uppsagt: inga nya boenden kan registreras.",
    "properties.error.name_required": "Ange boendets namn (minst 2 tecken).",
    "properties.error.name_too_long": "Namnet får vara högst 200 tecken.",
    "properties.error.address_required": "Ange boendets adress.",
    "properties.error.address_too_long": "Adressen får vara högst 300 tecken.",
    "properties.error.type_required": "Välj typ av boende.",
    "properties.error.duplicate": "Det finns redan ett boende med det namnet i avtalet.",
    "properties.error.primary_fixed": (
        "Ett primärt konto behåller alltid sina administratörsrättigheter och sina boenden: "
        "inget kan tas bort från det."
    ),
    "properties.error.rights_invalid": "Rättigheterna kunde inte läsas. Försök igen.",
    "properties.error.rights_exceed": "Du kan inte ge rättigheter som du inte själv har på boendet.",
    "properties.error.rights_none": "Välj minst en rättighet på minst ett boende.",
    "properties.error.own_rights": "Du kan inte ändra dina egna rättigheter.",
    "properties.error.no_match": (
        "Användarnamnet och mejladressen stämmer inte med något vanligt konto som kan läggas till."
    ),
    "properties.error.no_user_admin": "Du har inte Användarhantering på något boende.",
    "properties.error.reason_required": "Välj varför boendet kopplas till kontot.",
    "properties.error.already_in_agreement": "Boendet ingår redan i kontots avtal.",
    "properties.error.already_linked": "Boendet är redan kopplat till kontot.",
    # Rättigheter
    "properties.right.bookings": "Bokningar",
    "properties.right.prices": "Priser och tillgänglighet",
    "properties.right.finance": "Ekonomi",
    "properties.right.messages": "Meddelanden",
    "properties.right.user_admin": "Användarhantering",
    # Användare på ett boende
    "properties.users.title": "Lägg till och hantera användare",
    "properties.users.add": "Lägg till en användare",
    "properties.users.property": "Boende",
    "properties.users.choose_property": "Välj boende",
    "properties.users.col.user": "Användare",
    "properties.users.col.username": "Användarnamn",
    "properties.users.col.rights": "Åtkomsträttigheter",
    "properties.users.primary_badge": "primärt konto",
    "properties.users.save": "Spara rättigheter",
    "properties.users.remove": "Ta bort åtkomst",
    "properties.users.saved": "Rättigheterna är sparade.",
    "properties.users.removed": "Åtkomsten är borttagen.",
    "properties.users.primary_why": (
        "Kan inte tas bort: ett primärt konto behåller alltid sina rättigheter på avtalets boenden."
    ),
    "properties.users.none": "Du har inte Användarhantering på något boende.",
    "properties.users.rights_for": "Rättigheter för {name} på {property}",
    # Lägg till en användare
    "properties.add.title": "Lägg till en användare",
    "properties.add.kind": "Vem vill du lägga till?",
    "properties.add.existing": "Nuvarande användare",
    "properties.add.new": "Ny användare",
    "properties.add.username": "Användarnamn",
    "properties.add.email": "Mejladress",
    "properties.add.see_rights": "Se åtkomsträttigheter",
    "properties.add.first_name": "Förnamn",
    "properties.add.last_name": "Efternamn",
    "properties.add.next": "Nästa steg: ställ in åtkomsträttigheter",
    "properties.add.required": "Fyll i fältet.",
    "properties.add.send": "Skicka inbjudan",
    "properties.add.save": "Spara",
    "properties.add.matched": "Konto: {name} ({username})",
    "properties.add.username_note": (
        "Personen väljer ett användarnamn när hen accepterar inbjudan. Det måste skilja sig "
        "från användarnamnet för personens primära konto: användarnamn är unika i hela systemet."
    ),
    "properties.add.existing_note": (
        "Ange användarnamnet och mejladressen för ett vanligt konto (inte ett primärt konto)."
    ),
    "properties.add.invited": "Inbjudan är skickad till {email}.",
    "properties.add.granted": "Åtkomsten är sparad på {count} boenden.",
    "properties.add.rights_legend": "Åtkomsträttigheter på {property}",
    # Acceptera inbjudan
    "properties.accept.title": "Skapa ditt konto",
    "properties.accept.intro": "Hej {name}! Du har bjudits in till: {properties}.",
    "properties.accept.username": "Välj användarnamn",
    "properties.accept.username_hint": (
        "Välj ett annat användarnamn än det du har för ditt primära konto."
    ),
    "properties.accept.password": "Lösenord",
    "properties.accept.repeat": "Upprepa lösenordet",
    "properties.accept.submit": "Skapa konto",
    "properties.accept.username_is_primary": (
        "Det här är användarnamnet för ditt primära konto. Användarnamn är unika i hela "
        "systemet: välj ett annat användarnamn för det nya kontot."
    ),
    "properties.accept.link_invalid": "Länken gäller inte (den är redan använd eller okänd).",
    "properties.accept.link_expired": "Länken har gått ut. Be den som bjöd in dig om en ny inbjudan.",
    # Begäranden
    "properties.request.title": "Mina begäranden",
    "properties.request.primary": "Begär primärt konto",
    "properties.request.ownership": "Begär ägarbyte",
    "properties.request.terminate": "Säg upp avtal",
    "properties.request.message": "Meddelande till kundtjänst (frivilligt)",
    "properties.request.target": "Nytt avtals-id (mottagarens)",
    "properties.request.property": "Boende",
    "properties.request.send": "Skicka begäran",
    "properties.request.sent": "Din begäran är skickad till kundtjänst.",
    "properties.request.none": "Du har inga begäranden.",
    "properties.request.already_open": "Du har redan en öppen begäran av det slaget.",
    "properties.request.already_primary": "Ditt konto är redan ett primärt konto.",
    "properties.request.target_required": "Ange avtals-id för den nya ägaren.",
    "properties.request.already_handled": "Begäran är redan hanterad.",
    "properties.request.unknown_agreement": "Det finns inget aktivt avtal med det avtals-id:t.",
    "properties.request.property_moved": "Boendet har redan flyttats.",
    "properties.request.cannot_move": "Boendet kan inte flyttas till det avtalet.",
    "properties.request.kind.primary_account": "Begär primärt konto",
    "properties.request.kind.ownership_change": "Begär ägarbyte",
    "properties.request.kind.terminate_agreement": "Säg upp avtal",
    "properties.request.status.open": "Mottagen",
    "properties.request.status.approved": "Genomförd",
    "properties.request.status.rejected": "Avslagen",
    "properties.request.status.withdrawn": "Återkallad",
    "properties.request.col.kind": "Begäran",
    "properties.request.col.status": "Status",
    "properties.request.col.created": "Skickad",
    "properties.request.col.detail": "Gäller",
    # Kundtjänst
    "properties.support.title": "Begäranden om boenden",
    "properties.support.approve": "Godkänn",
    "properties.support.reject": "Avslå",
    "properties.support.agreement": "Avtals-id för begäran {id}",
    "properties.support.none": "Inga öppna begäranden om boenden.",
    "properties.support.col.organisation": "Organisation",
    "properties.support.col.requester": "Begärd av",
    "properties.support.done": "Begäran är hanterad.",
    "properties.support.linked": "Boendet är kopplat till det primära kontot.",
    "properties.support.exception_title": "Koppla ett boende utanför avtalet",
    "properties.support.exception_username": "Primärt konto (användarnamn)",
    "properties.support.exception_reason": "Skäl",
    "properties.support.exception_note": "Anteckning (frivillig)",
    "properties.support.exception_submit": "Koppla boendet",
    "properties.support.reason.support_added": "Läggs till internt av oss",
    "properties.support.reason.legacy_partner": "Befintlig partner före regeln om avtals-id",
    # E-post
    "properties.mail.subject": "Inbjudan till boenden",
    "properties.mail.body": (
        "{inviter} har bjudit in dig att skapa ett konto med åtkomst till: {properties}. "
        "Länken gäller i {hours} timmar."
    ),
    "properties.mail.action": "Skapa konto",
    # Granskningslogg
    "audit.action.property_registered": "Registrerade ett boende",
    "audit.action.property_access_changed": "Ändrade åtkomst till ett boende",
    "audit.action.property_invitation_sent": "Bjöd in en användare till boenden",
    "audit.action.property_invitation_accepted": "Accepterade en inbjudan till boenden",
    "audit.action.property_request_created": "Skickade en begäran om boenden",
    "audit.action.property_request_handled": "Hanterade en begäran om boenden",
    "audit.action.property_moved": "Flyttade ett boende till ett annat avtal",
    "audit.action.property_exception_linked": "Kopplade ett boende utanför avtalet",
}

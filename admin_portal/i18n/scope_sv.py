"""Svenska texts for acting on other admins (finding A.1) and scoped profile links (A.9)."""

MESSAGES: dict[str, str] = {
    # Refusals from the services
    "users.admin_out_of_reach": "Du kan inte ändra den här personen: hen är administratör med behörighet utanför ditt ansvarsområde. Kontakta en huvudadministratör.",
    "users.bulk_remove_out_of_reach": "Ingen togs bort: bland de markerade finns administratörer med behörighet utanför ditt ansvarsområde. Avmarkera dem och försök igen.",
    "users.welcome_has_password": "Kontot har redan ett lösenord, så ingen inbjudan skickades. Personen byter lösenord själv via Glömt lösenord? på inloggningssidan.",
    # The profile
    "profile.out_of_reach": "Den här administratören har behörighet utanför ditt ansvarsområde. Du kan se profilen men inte ändra, bjuda in, verifiera eller ta bort hen. Kontakta en huvudadministratör.",
    "profile.has_password": "Kontot har redan ett lösenord. Behöver personen ett nytt väljer hen Glömt lösenord? på inloggningssidan.",
    "profile.assistants_outside": "Kopplade assistenter utanför ditt ansvarsområde: {count}. De visas inte här.",
    "profile.brukare_outside": "Kopplade brukare utanför ditt ansvarsområde: {count}. De visas inte här och kopplingarna behålls när du sparar.",
    # The users list
    "users.row_out_of_reach": "{name} kan inte markeras: administratör med behörighet utanför ditt ansvarsområde",
    # Import and bulk verification
    "import.outcome.admin_out_of_reach": "Avvisad: användaren är administratör med behörighet utanför ditt ansvarsområde",
    "bulk_verification.reason.admin_out_of_reach": "{count} är administratörer med behörighet utanför ditt ansvarsområde",
}

"""Svenska texts of issue 14's form items: Företag on Lägg till användare, the e-mail clash
while typing, and the impact preview before a type or placement change on the profile."""

MESSAGES: dict[str, str] = {
    # Lägg till användare: which of the three intros depends on the admin's scope.
    "users.new_intro_one_company": "Förnamn, Efternamn och Användarnamn är obligatoriska. Företaget är förvalt: {company}. Övriga uppgifter kan också fyllas i senare på användarens profilsida.",
    "users.new_intro_unit": "Förnamn, Efternamn, Användarnamn och Enhet är obligatoriska. Företaget följer av enheten. Övriga uppgifter kan också fyllas i senare på användarens profilsida.",
    # The impact preview on the profile (services/users/change_impact.py).
    "change.title": "Bekräfta ändringen för {name}",
    "change.intro": "Det här händer när du sparar:",
    "change.type": "Användartyp ändras från {old} till {new}.",
    "change.placement": "Placeringen ändras från {old} till {new}.",
    "change.placement_none": "utan placering",
    "change.grants_lost": "Administratörsbehörigheter som tas bort:",
    "change.grant_gained": "Blir administratör för {scope}.",
    "change.links_lost": "Kopplingar mellan brukare och assistent som tas bort:",
    "change.links_outside": "Kopplingar till personer utanför din behörighet som också tas bort: {count}.",
    "change.confirm": "Bekräfta och spara",
    "change.cancel": "Avbryt",
    "change.impact_changed": "Något ändrades medan du bekräftade. Se över följderna igen innan du sparar.",
}

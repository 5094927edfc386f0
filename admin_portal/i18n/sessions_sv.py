"""Svenska: sessioner (inaktivitet, utloggning) och Byt lösenord på Mitt konto."""

MESSAGES: dict[str, str] = {
    "login.idle_ended": "Du har loggats ut efter en stunds inaktivitet. Logga in igen för att fortsätta.",
    "password_change.title": "Byt lösenord",
    "password_change.intro": "Ange ditt nuvarande lösenord och välj ett nytt. Använd gärna en lösenfras: minst 15 tecken, inga krav på specialtecken. Du loggas ut på alla andra enheter.",
    "password_change.current": "Nuvarande lösenord",
    "password_change.new": "Nytt lösenord",
    "password_change.repeat": "Upprepa det nya lösenordet",
    "password_change.submit": "Byt lösenord",
    "password_change.done": "Ditt lösenord är bytt. Du har loggats ut på alla andra enheter.",
    "password_change.current_wrong": "Det nuvarande lösenordet stämmer inte.",
    "password_change.locked": "För många felaktiga försök. Vänta en stund och försök igen.",
    "password_change.same": "Det nya lösenordet måste skilja sig från det nuvarande.",
    "mail.password_changed.subject": "Ditt lösenord har bytts",
    "mail.password_changed.body": "Lösenordet för kontot {username} har just bytts, och kontot har loggats ut på alla andra enheter. Om det var du behöver du inte göra något. Om det inte var du: välj ett nytt lösenord med knappen nedan och kontakta {support}.",
    "mail.password_changed.action": "Välj nytt lösenord",
}

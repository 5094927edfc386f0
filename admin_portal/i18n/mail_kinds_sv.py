"""The kinds of mail in the profile's mail history: Swedish."""

MESSAGES: dict[str, str] = {
    "mail_kind.welcome": "Välkomstmejl",
    "mail_kind.reset_password": "Nytt lösenord",
    "mail_kind.verify_email": "Verifiering av e-post",
    "mail_kind.invitation": "Inbjudan",
    "mail_kind.support_case": "Supportärende",
    "mail_kind.property_invitation": "Inbjudan till boende",
    "mail_kind.password_changed": "Lösenordet bytt",
    "mail_kind.one_time_password": "Engångslösenord",
    "mail_kind.own_contact_code": "Verifieringskod",
}

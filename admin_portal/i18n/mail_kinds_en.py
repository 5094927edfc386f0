"""The kinds of mail in the profile's mail history: English."""

MESSAGES: dict[str, str] = {
    "mail_kind.welcome": "Welcome",
    "mail_kind.reset_password": "Password reset",
    "mail_kind.verify_email": "E-mail verification",
    "mail_kind.invitation": "Invitation",
    "mail_kind.support_case": "Support case",
    "mail_kind.property_invitation": "Property invitation",
    "mail_kind.password_changed": "Password changed",
    "mail_kind.one_time_password": "One-time password",
    "mail_kind.own_contact_code": "Verification code",
}

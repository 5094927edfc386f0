"""English texts for acting on other admins (finding A.1) and scoped profile links (A.9)."""

MESSAGES: dict[str, str] = {
    # Refusals from the services
    "users.admin_out_of_reach": "You cannot change this person: they are an administrator with rights outside your area of responsibility. Contact a head administrator.",
    "users.bulk_remove_out_of_reach": "Nobody was removed: the selection includes administrators with rights outside your area of responsibility. Deselect them and try again.",
    "users.welcome_has_password": "The account already has a password, so no invitation was sent. The person changes their password themselves with Forgot password? on the login page.",
    # The profile
    "profile.out_of_reach": "This administrator has rights outside your area of responsibility. You can view the profile but not change, invite, verify or remove them. Contact a head administrator.",
    "profile.has_password": "The account already has a password. If the person needs a new one, they choose Forgot password? on the login page.",
    "profile.assistants_outside": "Linked assistants outside your area of responsibility: {count}. They are not shown here.",
    "profile.brukare_outside": "Linked care recipients outside your area of responsibility: {count}. They are not shown here, and the links are kept when you save.",
    # The users list
    "users.row_out_of_reach": "{name} cannot be selected: an administrator with rights outside your area of responsibility",
    # Import and bulk verification
    "import.outcome.admin_out_of_reach": "Rejected: the user is an administrator with rights outside your area of responsibility",
    "bulk_verification.reason.admin_out_of_reach": "{count} are administrators with rights outside your area of responsibility",
}

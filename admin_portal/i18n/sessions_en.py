"""English: sessions (inactivity, signing out) and Change password on My account."""

MESSAGES: dict[str, str] = {
    "login.idle_ended": "You were signed out after a period of inactivity. Sign in again to continue.",
    "password_change.title": "Change password",
    "password_change.intro": "Enter your current password and choose a new one. A passphrase works well: at least 15 characters, no special characters required. You will be signed out on every other device.",
    "password_change.current": "Current password",
    "password_change.new": "New password",
    "password_change.repeat": "Repeat the new password",
    "password_change.submit": "Change password",
    "password_change.done": "Your password has been changed. You have been signed out on every other device.",
    "password_change.current_wrong": "The current password is not correct.",
    "password_change.locked": "Too many failed attempts. Wait a while and try again.",
    "password_change.same": "The new password must differ from the current one.",
    "mail.password_changed.subject": "Your password has been changed",
    "mail.password_changed.body": "The password of the account {username} has just been changed, and the account has been signed out on every other device. If it was you, there is nothing more to do. If it was not you: choose a new password with the button below and contact {support}.",
    "mail.password_changed.action": "Choose a new password",
}

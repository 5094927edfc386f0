"""Användare: add, edit, remove and read people (manage, profile, input, username check,
e-mail addresses and their bounces, the welcome link, the list's URL parameters)."""

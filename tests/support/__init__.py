"""Test helpers: factories, the fake Resend server, service starters."""
